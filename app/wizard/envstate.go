package wizard

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"onboard/installer/state"
	"onboard/internal/atomicfile"
)

// LastCheck is the outcome of the last Verify or Repair the maintenance
// window ran, kept in the install's state folder (state.LastCheckPath) so
// that the window can say when the install was last checked.
type LastCheck struct {
	Time   time.Time `json:"time"`
	What   string    `json:"what"` // "verify" or "repair"
	Health *Health   `json:"health"`
}

func lastCheckPath(prefix string) string { return state.LastCheckPath(prefix) }

// SaveLastCheck records c for the install at prefix (atomically).
func SaveLastCheck(prefix string, c LastCheck) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(lastCheckPath(prefix), append(b, '\n'), 0o644)
}

// ReadLastCheck returns the last check of the install at prefix; nil when
// there was none or the file cannot be read.
func ReadLastCheck(prefix string) *LastCheck {
	b, err := os.ReadFile(lastCheckPath(prefix))
	if err != nil {
		return nil
	}
	var c LastCheck
	if json.Unmarshal(b, &c) != nil || c.Health == nil {
		return nil
	}
	return &c
}

// EnvDir is the folder of env in the install at prefix.
func EnvDir(prefix, env string) string {
	if env == "base" || env == "" {
		return prefix
	}
	return filepath.Join(prefix, "envs", env)
}

// EnvSize adds up the sizes of the files of env (for base: without
// envs/, pkgs/ and .onboard/). Files hard-linked from PREFIX/pkgs count in
// each env that has them, as `du` per folder would.
func EnvSize(prefix, env string) (int64, error) {
	root := EnvDir(prefix, env)
	var n int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && root == prefix && p != root {
			if rel, _ := filepath.Rel(root, p); rel == "envs" || rel == "pkgs" || rel == state.DirName {
				return filepath.SkipDir
			}
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n, err
}

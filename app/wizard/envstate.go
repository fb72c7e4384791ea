package wizard

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"onboard/installer/state"
	"onboard/internal/atomicfile"
)

// LastCheck is the outcome of the last Verify or Repair the maintenance
// window ran, kept in the install's state folder (state.LastCheckPath) so
// that the window can say when the install, and each environment, was
// last checked.
type LastCheck struct {
	Time   time.Time `json:"time"`
	What   string    `json:"what"` // "verify" or "repair"
	Health *Health   `json:"health"`
	// Envs is the last check of each environment: by a check of the whole
	// install or of that environment alone. A file written before it
	// existed has none; Env then reads Health.
	Envs map[string]EnvCheck `json:"envs,omitempty"`
}

// EnvCheck is the last check of one environment.
type EnvCheck struct {
	Time     time.Time `json:"time"`
	What     string    `json:"what"`     // "verify" or "repair"
	Problems int       `json:"problems"` // found (after a repair: left)
	// Elsewhere: none in this environment, but the same check found
	// problems elsewhere in the install (other envs, the launchers).
	Elsewhere bool `json:"elsewhere,omitempty"`
	// Lines says the problems (Health.EnvLines): at most MaxEnvLines, and
	// none in a file written before they were kept.
	Lines []string `json:"lines,omitempty"`
	// Removed: the user removed the env with conda (Health.Removed).
	Removed bool `json:"removed,omitempty"`
	// Remade: the user made the env again with conda (Health.Remade).
	Remade bool `json:"remade,omitempty"`
}

// Record adds the outcome h of what ("verify" or "repair"), done at t,
// to c: it becomes the last check, and the last check of the environments
// it covered (h.Env, or every one of envs).
func (c *LastCheck) Record(what string, t time.Time, h *Health, envs []string) {
	old := c.Envs
	if old == nil {
		old = map[string]EnvCheck{}
		for _, e := range envs {
			if ec, ok := c.Env(e); ok {
				old[e] = ec
			}
		}
	}
	c.Time, c.What, c.Health, c.Envs = t, what, h, old
	covered := envs
	if h.Env != "" {
		covered = []string{h.Env}
	}
	for _, e := range covered {
		n := h.EnvProblems[e]
		c.Envs[e] = EnvCheck{Time: t, What: what, Problems: n, Elsewhere: n == 0 && !h.OK, Lines: h.EnvLines[e],
			Removed: slices.Contains(h.Removed, e), Remade: slices.Contains(h.Remade, e)}
	}
}

// Env returns the last check of env; false when it was never checked.
func (c *LastCheck) Env(env string) (EnvCheck, bool) {
	if c == nil {
		return EnvCheck{}, false
	}
	if c.Envs != nil {
		ec, ok := c.Envs[env]
		return ec, ok
	}
	if c.Health == nil || c.Time.IsZero() {
		return EnvCheck{}, false
	}
	// written before Envs: that check covered the whole install
	n := c.Health.EnvProblems[env]
	return EnvCheck{Time: c.Time, What: c.What, Problems: n, Elsewhere: n == 0 && !c.Health.OK, Lines: c.Health.EnvLines[env]}, true
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

// RecordCheck records the outcome h of what ("verify" or "repair"), done
// at t, in the install at prefix's last check, which the maintenance
// window shows: the window and the command line both call it, so that a
// check run by either is the last one. It returns the last check now.
func RecordCheck(prefix, what string, t time.Time, h *Health) (*LastCheck, error) {
	c := ReadLastCheck(prefix)
	if c == nil {
		c = &LastCheck{}
	}
	var envs []string
	if in, err := ReadInstalled(prefix); err == nil {
		envs = in.Envs()
	}
	c.Record(what, t, h, envs)
	return c, SaveLastCheck(prefix, *c)
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

// EnvSize is what env takes on the disk, as `du` of its folder counts it
// (blocks, a file hard-linked twice in it once; for base: without envs/,
// pkgs/ and the state folder .onboard/, whose maintenance app and kept
// bundle MaintenanceSize counts: base read as the big env, audit BC 9).
// Files hard-linked from PREFIX/pkgs count in each env that has them, as
// `du` per folder would.
func EnvSize(prefix, env string) (int64, error) {
	root := EnvDir(prefix, env)
	return du(root, func(rel string) bool {
		return root == prefix && (rel == "envs" || rel == "pkgs" || rel == state.DirName)
	})
}

// MaintenanceSize is what the install's state folder takes on the disk:
// the maintenance app, the bundle it repairs from, the log.
func MaintenanceSize(prefix string) (int64, error) { return du(state.Dir(prefix), nil) }

// du counts the blocks of the files and folders under root, a file
// hard-linked twice once, leaving out the folders skip names (by their
// path relative to root).
func du(root string, skip func(rel string) bool) (int64, error) {
	var n int64
	seen := map[[2]uint64]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && skip != nil && p != root {
			if rel, _ := filepath.Rel(root, p); skip(rel) {
				return filepath.SkipDir
			}
		}
		if d.Type().IsRegular() || d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += diskUsage(fi, seen)
			}
		}
		return nil
	})
	return n, err
}

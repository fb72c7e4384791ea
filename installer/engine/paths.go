package engine

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"onboard/installer/state"
	"onboard/platform"
)

// IsInside tells whether p is dir or a path under it.
func IsInside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && (rel == "." || !startsWithDotDot(rel))
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:2] == ".." && os.IsPathSeparator(rel[2])
}

// RemoveRecordedLaunchers removes what the launchers.json of the install
// at prefixDir records (an old install being replaced, or one being
// uninstalled); nothing when it has none.
func RemoveRecordedLaunchers(prefixDir string, logf Logf) error {
	path := state.LaunchersPath(prefixDir)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	rec, err := platform.LoadRecord(path)
	if err != nil {
		return err
	}
	return platform.Remove(rec, platform.Logf(logf))
}

// ShellBin is the folder of the install at p that the shell set-up puts on
// PATH: condabin on Windows or when the install has one, else bin.
func ShellBin(p string) string {
	if runtime.GOOS == "windows" {
		return filepath.Join(p, "condabin")
	}
	if _, err := os.Stat(filepath.Join(p, "condabin")); err == nil {
		return filepath.Join(p, "condabin")
	}
	return filepath.Join(p, "bin")
}

// RemoveOnClose closes a scratch file and removes it.
type RemoveOnClose struct{ F *os.File }

// Close closes the file and removes it; the error is the close's.
func (r RemoveOnClose) Close() error {
	err := r.F.Close()
	os.Remove(r.F.Name())
	return err
}

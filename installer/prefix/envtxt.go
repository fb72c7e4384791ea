package prefix

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultEnvironmentsTxt returns ~/.conda/environments.txt.
func DefaultEnvironmentsTxt() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("failed to find the home folder for environments.txt: %w", err)
	}
	return filepath.Join(home, ".conda", "environments.txt"), nil
}

// RegisterEnv appends prefixDir to the environments.txt at path unless a
// line already names it, as conda's register_env does. It reports whether
// it added the line.
func RegisterEnv(path, prefixDir string) (bool, error) {
	entry := filepath.Clean(prefixDir)
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("failed to read %q: %w", path, err)
	}
	if HasEnv(old, entry) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, fmt.Errorf("failed to create the folder of %q: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return false, fmt.Errorf("failed to open %q: %w", path, err)
	}
	var add []byte
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		add = append(add, '\n')
	}
	add = append(add, entry+"\n"...)
	if _, err := f.Write(add); err != nil {
		f.Close()
		return false, fmt.Errorf("failed to write %q: %w", path, err)
	}
	return true, f.Close()
}

// HasEnv reports whether environments.txt data lists prefixDir.
func HasEnv(data []byte, prefixDir string) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == prefixDir {
			return true
		}
	}
	return false
}

// UnregisterEnv removes every line naming prefixDir from the
// environments.txt at path (for uninstall).
func UnregisterEnv(path, prefixDir string) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to read %q: %w", path, err)
	}
	entry := filepath.Clean(prefixDir)
	var keep []string
	for _, line := range strings.SplitAfter(string(old), "\n") {
		if strings.TrimSpace(line) != entry && line != "" {
			keep = append(keep, line)
		}
	}
	return writeFileAtomic(path, []byte(strings.Join(keep, "")), 0o644)
}

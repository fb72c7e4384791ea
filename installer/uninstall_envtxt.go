package installer

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// unregisterEnvs removes from the environments.txt at path every line that
// names prefix or an env under prefix/envs/. Other lines stay byte for byte
// (line endings included), and the file is replaced atomically. It returns
// how many lines it removed; a missing file is not an error.
func unregisterEnvs(path, prefix string) (int, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("failed to read %q: %w", path, err)
	}
	kept, removed := dropPrefixLines(data, prefix)
	if removed == 0 {
		return 0, nil
	}
	if err := writeFileAtomic(path, kept); err != nil {
		return 0, err
	}
	return removed, nil
}

// dropPrefixLines returns data without the lines naming prefix or a path
// under it, and how many it dropped.
func dropPrefixLines(data []byte, prefix string) ([]byte, int) {
	root := filepath.Clean(prefix)
	var out bytes.Buffer
	removed := 0
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i+1]
		}
		data = data[len(line):]
		if namesUnder(strings.TrimSpace(string(line)), root) {
			removed++
			continue
		}
		out.Write(line)
	}
	return out.Bytes(), removed
}

// namesUnder tells whether the line p is root or a path inside it.
func namesUnder(p, root string) bool {
	if p == "" {
		return false
	}
	c := filepath.Clean(p)
	return c == root || strings.HasPrefix(c, root+string(filepath.Separator))
}

// writeFileAtomic replaces path with data through a temporary file in the
// same folder, keeping the old file's permissions.
func writeFileAtomic(path string, data []byte) (err error) {
	mode := fs.FileMode(0o644)
	if fi, serr := os.Stat(path); serr == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("failed to write %q: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("failed to write %q: %w", path, err)
	}
	if err = f.Chmod(mode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("failed to write %q: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("failed to write %q: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("failed to write %q: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("failed to replace %q: %w", path, err)
	}
	return nil
}

package engine

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// NormaliseModes makes an install for all users usable by everyone and
// changeable only by its owner, whatever the umask it was made under
// (deployment tools run with umask 000 or 077) and whatever modes the
// packages carry: folders 0755, files 0755 when anyone may run them, else
// 0644. That includes the __pycache__ folders and .pyc files that
// compileall made. Symbolic links are left alone (their mode means
// nothing). On Windows the modes mean nothing either: the prefix's ACLs
// come from its parent (Program Files).
func NormaliseModes(root string) error {
	if !modesMatter {
		return nil
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("failed to set the modes of %s for all users: %w", p, err)
		}
		if !d.IsDir() && !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return fmt.Errorf("failed to set the mode of %s for all users: %w", p, err)
		}
		want := fs.FileMode(0o644)
		if d.IsDir() || fi.Mode().Perm()&0o111 != 0 {
			want = 0o755
		}
		if fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) == want {
			return nil
		}
		if err := os.Chmod(p, want); err != nil {
			return fmt.Errorf("failed to set the mode of %s for all users: %w", p, err)
		}
		return nil
	})
}

//go:build unix

package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// For an install for all users the carried file is every user's to read,
// a program every user's to run, whatever the download's mode: a repair
// that put the kept bundle back from a 0600 download kept it 0600, and
// other users' verify called it changed (audit BP 6). A user's own install
// keeps the mode.
func TestCarryFileForAllUsersIsReadableByAll(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		mode, want os.FileMode
		allUsers   bool
	}{
		{0o600, 0o644, true}, {0o700, 0o755, true}, {0o600, 0o600, false},
	} {
		src := filepath.Join(dir, "src")
		os.Remove(src)
		if err := os.WriteFile(src, []byte("zip bytes"), c.mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(src, c.mode)
		dst := filepath.Join(dir, "dst")
		os.Remove(dst)
		if _, err := CarryFile(src, dst, c.allUsers); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(dst)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got&c.want != c.want || got&0o022 != 0 {
			t.Errorf("source %o, all users %v: carried with mode %o; want at least %o, none writable by others", c.mode, c.allUsers, got, c.want)
		}
	}
}

//go:build unix

package engine

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestNormaliseModes(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	root := t.TempDir()
	for p, m := range map[string]fs.FileMode{"a": 0o777, "a/b": 0o700, "a/b/__pycache__": 0o777} {
		os.MkdirAll(filepath.Join(root, p), m)
		os.Chmod(filepath.Join(root, p), m)
	}
	files := map[string]fs.FileMode{"a/x.py": 0o666, "a/b/run": 0o700, "a/b/__pycache__/x.pyc": 0o600, "a/tool": 0o4777, "a/ok": 0o644,
		"a/g": 0o664, "a/b/c": 0o400, "a/b/d": 0o711, "a/b/e": 0o000, "a/b/f": 0o775, "a/b/h": 0o2755}
	want := map[string]fs.FileMode{"a/x.py": 0o644, "a/b/run": 0o755, "a/b/__pycache__/x.pyc": 0o644, "a/tool": 0o755, "a/ok": 0o644,
		"a/g": 0o644, "a/b/c": 0o644, "a/b/d": 0o755, "a/b/e": 0o644, "a/b/f": 0o755, "a/b/h": 0o755}
	for p, m := range files {
		os.WriteFile(filepath.Join(root, p), []byte(p), 0o600)
		if err := os.Chmod(filepath.Join(root, p), m); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink("x.py", filepath.Join(root, "a", "link"))
	if err := NormaliseModes(root); err != nil {
		t.Fatal(err)
	}
	for p, m := range want {
		fi, _ := os.Stat(filepath.Join(root, p))
		if got := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid); got != m {
			t.Errorf("%s: %v, want %v", p, got, m)
		}
	}
	for _, d := range []string{".", "a", "a/b", "a/b/__pycache__"} {
		if fi, _ := os.Stat(filepath.Join(root, d)); fi.Mode().Perm() != 0o755 {
			t.Errorf("%s: %v, want 0755", d, fi.Mode().Perm())
		}
	}
}

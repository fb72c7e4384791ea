package platform

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSameFileSystem(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// a folder not made yet counts by its nearest existing parent
	if !SameFileSystem(file, filepath.Join(dir, "not", "yet")) || !CanHardLink(file, dir) {
		t.Fatal("a file and its own folder are not on one file system")
	}
	if SameFileSystem(filepath.Join(dir, "missing"), dir) {
		t.Fatal("a missing file is on a file system")
	}
	if st, err := os.Stat("/proc/self"); err == nil && st.IsDir() && SameFileSystem(file, "/proc") {
		t.Fatal("/proc and a temporary folder are one file system")
	}
	if os.Geteuid() != 0 {
		os.Chmod(file, 0o444)
		if CanHardLink(file, dir) {
			t.Fatal("a file this user may not write counts as linkable (protected_hardlinks)")
		}
	}
}

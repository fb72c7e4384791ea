package installer

import (
	"os"
	"path/filepath"
	"testing"
)

// carryFile links a file that is still open elsewhere into a new place
// without renaming it (Windows refuses to rename a second name of a file
// held open), and replaces an existing one.
func TestCarryFileOpenSource(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "bundle-src.zip")
	os.WriteFile(src, []byte("zip bytes"), 0o644)
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dst := filepath.Join(dir, "kept", "bundle.zip")
	os.MkdirAll(filepath.Dir(dst), 0o755)
	if how, err := carryFile(src, dst); err != nil || how == "" {
		t.Fatalf("carryFile: %q, %v", how, err)
	}
	if _, err := os.Stat(dst + ".carry"); err == nil {
		t.Fatal("a .carry file was left")
	}
	os.WriteFile(filepath.Join(dir, "new.zip"), []byte("new bytes"), 0o644)
	if _, err := carryFile(filepath.Join(dir, "new.zip"), dst); err != nil {
		t.Fatalf("carryFile over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "new bytes" {
		t.Fatalf("dst holds %q", b)
	}
}

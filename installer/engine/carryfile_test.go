package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// CarryFile links a file that is still open elsewhere into a new place
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
	if how, err := CarryFile(src, dst, false); err != nil || how == "" {
		t.Fatalf("CarryFile: %q, %v", how, err)
	}
	if _, err := os.Stat(dst + ".carry"); err == nil {
		t.Fatal("a .carry file was left")
	}
	os.WriteFile(filepath.Join(dir, "new.zip"), []byte("new bytes"), 0o644)
	if _, err := CarryFile(filepath.Join(dir, "new.zip"), dst, false); err != nil {
		t.Fatalf("CarryFile over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "new bytes" {
		t.Fatalf("dst holds %q", b)
	}
}

// The installer or bundle file is shared with the install (a hard link)
// only when nobody else can change it through its other name: never for
// an install for all users (a user's download would then be root's
// maintenance app, which that user could rewrite), and not when the file
// is another user's or writable by others. A copy made instead is not
// writable by others either.
func TestCarryFileSharesOnlyTheInstallersOwnFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "installer")
	write := func(mode os.FileMode) {
		os.Remove(src)
		os.WriteFile(src, []byte("installer bytes"), mode)
		os.Chmod(src, mode)
	}
	carry := func(allUsers bool) (string, string) {
		dst := filepath.Join(t.TempDir(), "onboard")
		how, err := CarryFile(src, dst, allUsers)
		if err != nil {
			t.Fatal(err)
		}
		return dst, how
	}
	write(0o755)
	if dst, how := carry(false); !sameFile(src, dst) || how != "hard link" {
		t.Skipf("no hard link here (%s)", how) // another file system for the temp folders
	}
	if dst, how := carry(true); sameFile(src, dst) || how == "hard link" {
		t.Errorf("an install for all users shares the installer file (%s)", how)
	}
	write(0o777)
	dst, how := carry(false)
	if sameFile(src, dst) || how == "hard link" {
		t.Errorf("a file writable by others is shared (%s)", how)
	}
	if st, err := os.Stat(dst); err != nil || st.Mode().Perm()&0o022 != 0 {
		t.Errorf("the copy of a file writable by others: %v, %v", st.Mode(), err)
	}
	if os.Geteuid() == 0 {
		write(0o755)
		if err := os.Chown(src, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if dst, how := carry(false); sameFile(src, dst) || how == "hard link" {
			t.Errorf("another user's file is shared (%s)", how)
		}
	}
}

// sameFile tells whether a and b are the same file.
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

//go:build linux || darwin || freebsd

package state

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A lock file that is a symlink (to the user's file) or no regular file is
// not onboard's: taking the lock refuses it, with what to do, and the file
// it points to is left as it was (SayOwner would have overwritten it).
func TestLockFileRefusesASymlinkOrSpecialFile(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "thesis.tex")
	os.WriteFile(victim, []byte("years of work"), 0o644)
	link := filepath.Join(dir, "lock")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo-lock")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard-lock")
	if err := os.Link(victim, hard); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, fifo, hard} {
		l, err := LockFile(p)
		if err == nil {
			l.SayOwner()
			l.Unlock()
			t.Errorf("LockFile(%s) took the lock; want it refused", filepath.Base(p))
		} else if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "move it away") {
			t.Errorf("LockFile(%s): %v; want the path and what to do", filepath.Base(p), err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "years of work" {
		t.Fatalf("the symlink's target now holds %q", b)
	}
	// A regular lock file is taken as always, and again after Unlock.
	l, err := LockFile(filepath.Join(dir, "good"))
	if err != nil {
		t.Fatal(err)
	}
	l.Unlock()
}

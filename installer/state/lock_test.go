package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockFileIsExclusive(t *testing.T) {
	p := filepath.Join(t.TempDir(), LockName)
	l, err := LockFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockFile(p); !errors.Is(err, ErrBusy) {
		t.Fatalf("a second lock: %v; want ErrBusy", err)
	}
	// the same file by another spelling of its path
	if _, err := LockFile(filepath.Join(filepath.Dir(p), ".", LockName)); !errors.Is(err, ErrBusy) {
		t.Fatalf("a second lock by another path: %v; want ErrBusy", err)
	}
	l.SayOwner()
	if o := LockOwner(p); !strings.Contains(o, fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("the lock says %q; want this pid", o)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Errorf("a second Unlock: %v", err)
	}
	l2, err := LockFile(p)
	if err != nil {
		t.Fatalf("the lock is not free after Unlock: %v", err)
	}
	l2.Unlock()
}

func TestLockFileInMissingFolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "missing", LockName)
	if _, err := LockFile(p); err == nil || errors.Is(err, ErrBusy) {
		t.Fatalf("got %v; want an error that is not ErrBusy", err)
	}
	// a failed lock does not stay held in this process
	os.Mkdir(filepath.Dir(p), 0o755)
	l, err := LockFile(p)
	if err != nil {
		t.Fatal(err)
	}
	l.Unlock()
}

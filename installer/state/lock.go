package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrBusy is what LockFile returns when another process, or another part
// of this one, holds the lock.
var ErrBusy = errors.New("the lock is held")

// held are the lock files this process holds: a second lock of the same
// file in one process fails as it does across processes (fcntl locks
// would not see it).
var held sync.Map

// Lock is a lock file this process holds.
type Lock struct {
	f    *os.File
	abs  string
	once sync.Once
	err  error
}

// LockFile takes an exclusive OS file lock on path (flock, fcntl on
// Solaris, LockFileEx on Windows), creating the file, without waiting.
// It fails with an error wrapping ErrBusy when the lock is held. The lock
// of a process that died is free again at once.
func LockFile(path string) (*Lock, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if _, loaded := held.LoadOrStore(abs, true); loaded {
		return nil, fmt.Errorf("%s: %w (by this process)", path, ErrBusy)
	}
	f, err := tryLock(path)
	// A symlink (refused by the open, where the system can) or anything
	// but a file is not a lock onboard made: writing the owner into it
	// would overwrite what it leads to.
	what := ""
	if err == nil {
		if st, serr := f.Stat(); serr == nil && !st.Mode().IsRegular() {
			unlockFile(f)
			what = "not a regular file but " + st.Mode().Type().String()
		} else if serr == nil && linkCount(st) > 1 {
			unlockFile(f)
			what = "a hard link to another file"
		}
	} else if st, lerr := os.Lstat(path); lerr == nil && st.Mode()&fs.ModeSymlink != 0 {
		what = "a symlink"
	}
	if what != "" {
		held.Delete(abs)
		return nil, fmt.Errorf("the lock file %s is %s, which onboard never makes; move it away and run again", path, what)
	}
	if err != nil {
		held.Delete(abs)
		if errors.Is(err, ErrBusy) {
			return nil, fmt.Errorf("%s: %w", path, ErrBusy)
		}
		return nil, err
	}
	return &Lock{f: f, abs: abs}, nil
}

// HeldHere tells whether this process holds the lock file at path.
func HeldHere(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	_, ok := held.Load(abs)
	return ok
}

// HeldElsewhere tells whether another process holds the lock file at
// path, asked without writing it: for a user who may not write the
// install (an install for all users), whose LockFile fails on the
// permission, so that an administrator's repair at work there is seen.
func HeldElsewhere(path string) (bool, error) { return probeLocked(path) }

// File is the open lock file, for reading or writing what it holds.
func (l *Lock) File() *os.File { return l.f }

// Unlock releases the lock and closes the file; later calls do nothing.
func (l *Lock) Unlock() error {
	l.once.Do(func() {
		l.err = unlockFile(l.f)
		held.Delete(l.abs)
	})
	return l.err
}

// SayOwner writes into the lock file who holds it: this process's pid,
// the host and the time, for LockOwner to tell another onboard.
func (l *Lock) SayOwner() {
	host, _ := os.Hostname()
	owner := fmt.Sprintf("pid %d on %s since %s", os.Getpid(), host, time.Now().Format(time.RFC3339))
	if err := l.f.Truncate(0); err == nil {
		l.f.WriteAt([]byte(owner+"\n"), 0)
	}
}

// LockOwner returns what a lock file says about its holder ("" when it
// says nothing).
func LockOwner(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

package installer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// lockName is the lock file's name in the state folder (PREFIX/.onboard).
const lockName = "lock"

// heldLocks are the lock files this process holds: a second lock of the
// same file in one process fails as it does across processes (fcntl locks
// would not see it).
var heldLocks sync.Map

// errBusy is what the host-specific tryLock returns when another process
// holds the lock.
var errBusy = errors.New("lock is held")

// LockPrefix takes the lock of an onboard prefix (PREFIX/.onboard/lock),
// creating the folder. It returns a *LockedError when another onboard (or
// another goroutine of this one) holds it. The lock is an OS file lock
// (flock, fcntl or LockFileEx), so the lock of a process that died is free
// again at once. The file says who holds it: pid, host and time.
func LockPrefix(prefixDir string) (unlock func() error, err error) {
	return lockStateDir(filepath.Join(prefixDir, ".onboard"))
}

func lockStateDir(stateDir string) (func() error, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, &TargetError{Path: filepath.Dir(stateDir), Reason: "cannot create onboard's state folder", Err: err}
	}
	p := filepath.Join(stateDir, lockName)
	abs, _ := filepath.Abs(p)
	if _, loaded := heldLocks.LoadOrStore(abs, true); loaded {
		return nil, &LockedError{Path: p, Owner: readOwner(p)}
	}
	f, err := tryLock(p)
	if err != nil {
		heldLocks.Delete(abs)
		if errors.Is(err, errBusy) {
			return nil, &LockedError{Path: p, Owner: readOwner(p)}
		}
		return nil, &TargetError{Path: filepath.Dir(stateDir), Reason: "cannot take the lock " + p, Err: err}
	}
	host, _ := os.Hostname()
	owner := fmt.Sprintf("pid %d on %s since %s", os.Getpid(), host, time.Now().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(owner+"\n"), 0)
	}
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() {
			err = unlockFile(f)
			heldLocks.Delete(abs)
		})
		return err
	}, nil
}

// readOwner returns what a lock file says about its holder.
func readOwner(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/state"
)

// LockPrefix takes the lock of an onboard prefix (PREFIX/.onboard/lock,
// see state.LockFile), creating the folder. It returns a *LockedError when
// another onboard (or another goroutine of this one) holds it. The lock is
// an OS file lock (flock, fcntl or LockFileEx), so the lock of a process
// that died is free again at once. The file says who holds it: pid, host
// and time.
func LockPrefix(prefixDir string) (unlock func() error, err error) {
	return LockStateDir(state.Dir(prefixDir))
}

func LockStateDir(stateDir string) (func() error, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, &TargetError{Path: filepath.Dir(stateDir), Reason: "cannot create onboard's state folder", Err: err}
	}
	p := filepath.Join(stateDir, state.LockName)
	l, err := state.LockFile(p)
	if errors.Is(err, state.ErrBusy) {
		return nil, &LockedError{Path: p, Owner: state.LockOwner(p)}
	}
	if err != nil {
		return nil, &TargetError{Path: filepath.Dir(stateDir), Reason: "cannot take the lock " + p, Err: err}
	}
	l.SayOwner()
	return l.Unlock, nil
}

// Busy returns a *LockedError when another onboard works on the install
// at prefixDir now: it holds the install's lock, or the lock of its
// operation journal (beside the folder, or inside it). It creates and
// changes nothing: only lock files that are there are tried, and released
// at once; those this process holds are not another's.
func Busy(prefixDir string) error {
	for _, p := range []string{filepath.Join(state.Dir(prefixDir), state.LockName), state.OpJournalPath(prefixDir), state.OpJournalInsidePath(prefixDir)} {
		if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() || state.HeldHere(p) {
			continue
		}
		l, err := state.LockFile(p)
		if errors.Is(err, fs.ErrPermission) {
			// a user who may not write the install (one for all users):
			// asked without writing, or an administrator's repair at work
			// was not seen (audit BP 3)
			if held, _ := state.HeldElsewhere(p); held {
				err = state.ErrBusy
			}
		}
		if errors.Is(err, state.ErrBusy) {
			return &LockedError{Path: p, Owner: state.LockOwner(p), Prefix: prefixDir}
		}
		if err == nil {
			l.Unlock()
		}
	}
	return nil
}

// LockForMaintenance takes the prefix lock (see LockPrefix) for op: a
// repair, an uninstall or a recovery. A lock that cannot be taken says
// what could not be done, and why (a read-only disk).
func LockForMaintenance(prefixDir, op string) (func(), error) {
	unlock, err := LockPrefix(prefixDir)
	var te *TargetError
	if errors.As(err, &te) {
		te.Op = op
		if strings.Contains(strings.ToLower(fmt.Sprint(te.Err)), "read-only") {
			te.Advice = "the disk is read-only: nothing can be changed there; remount it writable, or ask whoever manages it"
		} else if te.Advice == "" {
			te.Advice = "check that you may change the install's folder (an install for all users needs an administrator)"
		}
	}
	if err != nil {
		return nil, err
	}
	return func() { unlock() }, nil
}

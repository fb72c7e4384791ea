package engine

import (
	"errors"
	"fmt"
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

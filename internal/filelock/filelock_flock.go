//go:build linux || darwin || freebsd

package filelock

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// Replaced takes an exclusive flock for the time of a read-modify-replace
// of the file at path, and returns what releases it: on the file itself,
// or, while it does not exist, on its folder (the nearest one that
// exists), so that two onboards making it at once do not each write it
// without the other's change. A replace makes a new file: a waiter that
// then holds the old one locks the new one, and one that holds the
// folder while the file appeared locks the file. A lock not had within a
// few seconds (an onboard hung holding it), or one the file system cannot
// give, is gone without, as before.
func Replaced(path string) (unlock func()) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f, onFile, err := open(path)
		if err != nil {
			return func() {}
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close()
			if !errors.Is(err, unix.EWOULDBLOCK) {
				return func() {} // no flock here (some network file systems)
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		a, aerr := f.Stat()
		b, berr := os.Stat(path)
		if onFile && aerr == nil && berr == nil && os.SameFile(a, b) || !onFile && errors.Is(berr, os.ErrNotExist) {
			return func() { f.Close() }
		}
		f.Close() // replaced or made while we waited: lock the new file
	}
	return func() {}
}

// open opens the file at path to lock it, or the nearest folder above it
// that exists when it does not (onFile false).
func open(path string) (f *os.File, onFile bool, err error) {
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		return f, true, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		if f, err := os.Open(dir); err == nil {
			return f, false, nil
		} else if !errors.Is(err, os.ErrNotExist) || filepath.Dir(dir) == dir {
			return nil, false, err
		}
	}
}

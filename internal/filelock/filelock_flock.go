//go:build linux || darwin || freebsd

package filelock

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Replaced takes an exclusive flock on the file at path, for the time of a
// read-modify-replace of it, and returns what releases it. A replace makes
// a new file: a waiter that then holds the old one locks the new one. A
// missing file needs none (nothing to lose), and a lock not had within a
// few seconds (an onboard hung holding it) is gone without, as before.
func Replaced(path string) (unlock func()) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return func() {}
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close()
			time.Sleep(10 * time.Millisecond)
			continue
		}
		a, aerr := f.Stat()
		b, berr := os.Stat(path)
		if aerr == nil && berr == nil && os.SameFile(a, b) {
			return func() { f.Close() }
		}
		f.Close() // replaced while we waited: lock the new one
	}
	return func() {}
}

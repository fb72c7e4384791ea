//go:build linux || darwin || freebsd

package prefix

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// lockList takes an exclusive flock on the environments.txt at path, so
// that two onboards changing it at once (one appending, one rewriting it
// without a line) do not lose each other's change; conda itself does not
// lock it, and neither does a missing file need one. A rewrite replaces
// the file: a waiter that then holds the old one locks the new one. A
// lock that is not had within a few seconds (an onboard hung holding it)
// is gone without, as before.
func lockList(path string) func() {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) || err != nil {
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

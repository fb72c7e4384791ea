//go:build solaris || illumos || aix

package state

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock opens p and takes an exclusive fcntl lock without waiting
// (Solaris has no flock).
func tryLock(p string) (*os.File, error) {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR|unix.O_NOFOLLOW, 0o644) // a link is not onboard's (LockFile)
	if err != nil {
		return nil, err
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		f.Close()
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
			return nil, ErrBusy
		}
		return nil, err
	}
	return f, nil
}

func unlockFile(f *os.File) error {
	lk := unix.Flock_t{Type: unix.F_UNLCK, Whence: io.SeekStart}
	unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
	return f.Close()
}

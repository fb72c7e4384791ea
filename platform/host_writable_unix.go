//go:build linux || darwin || freebsd || netbsd || openbsd || solaris || illumos

package platform

import (
	"errors"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// hostWritable asks the kernel whether a file can be created in dir,
// writing nothing: access(2) with W_OK and X_OK checks the permission
// bits, ACLs and a read-only mount (EROFS, "read-only file system") for
// this user.
func hostWritable(dir string) error { return unix.Access(dir, unix.W_OK|unix.X_OK) }

// hostWritableFile asks the kernel whether this user may write file.
func hostWritableFile(file string) error { return unix.Access(file, unix.W_OK) }

// hostRemovable asks the kernel whether p can be removed or replaced: its
// folder must be writable by this user, and p not immutable (access(2)
// answers EPERM for writing an immutable file, even to root; a read-only
// mode, EACCES, does not keep a file from being removed) nor on a
// read-only disk.
func hostRemovable(p string) error {
	if err := unix.Access(filepath.Dir(p), unix.W_OK|unix.X_OK); err != nil {
		return err
	}
	if err := unix.Access(p, unix.W_OK); errors.Is(err, unix.EPERM) || errors.Is(err, unix.EROFS) {
		return err
	}
	return nil
}

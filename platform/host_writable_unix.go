//go:build linux || darwin || freebsd || netbsd || openbsd || solaris || illumos

package platform

import "golang.org/x/sys/unix"

// hostWritable asks the kernel whether a file can be created in dir,
// writing nothing: access(2) with W_OK and X_OK checks the permission
// bits, ACLs and a read-only mount (EROFS, "read-only file system") for
// this user.
func hostWritable(dir string) error { return unix.Access(dir, unix.W_OK|unix.X_OK) }

// hostWritableFile asks the kernel whether this user may write file.
func hostWritableFile(file string) error { return unix.Access(file, unix.W_OK) }

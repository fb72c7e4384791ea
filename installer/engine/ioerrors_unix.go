//go:build unix

package engine

import (
	"errors"
	"syscall"
)

// IsDiskFull tells whether err is the disk (or the user's quota) full:
// no space, or no file entries (inodes) left.
func IsDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// IsReadOnlyFS tells whether err is a write to a read-only file system.
func IsReadOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }

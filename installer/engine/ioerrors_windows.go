//go:build windows

package engine

import (
	"errors"

	"golang.org/x/sys/windows"
)

// IsDiskFull tells whether err is the disk (or the user's quota) full:
// no space, or no file entries (inodes) left.
func IsDiskFull(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}

// IsReadOnlyFS tells whether err is a write to a read-only file system.
func IsReadOnlyFS(err error) bool { return errors.Is(err, windows.ERROR_WRITE_PROTECT) }

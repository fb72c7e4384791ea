//go:build unix

package testkit

import (
	"os"
	"syscall"
)

// InodeLinks returns a file's inode and link count.
func InodeLinks(fi os.FileInfo) (ino, nlink uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return uint64(st.Ino), uint64(st.Nlink), true
}

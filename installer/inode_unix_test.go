//go:build unix

package installer

import (
	"os"
	"syscall"
)

// inodeLinks returns a file's inode and link count.
func inodeLinks(fi os.FileInfo) (ino, nlink uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return uint64(st.Ino), uint64(st.Nlink), true
}

//go:build unix

package state

import (
	"io/fs"
	"syscall"
)

// linkCount is how many names the file has (hard links).
func linkCount(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

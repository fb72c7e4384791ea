//go:build unix

package wizard

import (
	"io/fs"
	"syscall"
)

// diskUsage is what a file or folder takes on the disk, as du counts it:
// its blocks, and a file hard-linked more than once only the first time
// (seen holds the others).
func diskUsage(fi fs.FileInfo, seen map[[2]uint64]bool) int64 {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fi.Size()
	}
	if st.Nlink > 1 && !fi.IsDir() {
		k := [2]uint64{uint64(st.Dev), uint64(st.Ino)}
		if seen[k] {
			return 0
		}
		seen[k] = true
	}
	return int64(st.Blocks) * 512
}

//go:build unix

package bundle

import "syscall"

// diskUsage returns the bytes a file occupies on disk.
func diskUsage(path string) (int64, bool) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0, false
	}
	return st.Blocks * 512, true
}

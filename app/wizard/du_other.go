//go:build !unix

package wizard

import "io/fs"

// diskUsage is a file's size where the system gives no block count (on
// Windows a hard link's twin is counted again, as Explorer does).
func diskUsage(fi fs.FileInfo, seen map[[2]uint64]bool) int64 {
	if fi.IsDir() {
		return 0
	}
	return fi.Size()
}

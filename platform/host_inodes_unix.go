//go:build linux || darwin || freebsd

package platform

import "golang.org/x/sys/unix"

// hostFreeFiles returns the file entries (inodes) free on dir's volume;
// 0 when unknown, as on file systems without a fixed number (btrfs
// reports none in all).
func hostFreeFiles(dir string) int64 {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil || st.Files == 0 {
		return 0
	}
	return int64(st.Ffree)
}

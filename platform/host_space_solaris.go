package platform

import "golang.org/x/sys/unix"

// hostFreeBytes returns the space free for unprivileged users on dir's
// volume; -1 when unknown.
func hostFreeBytes(dir string) int64 {
	var st unix.Statvfs_t
	if unix.Statvfs(dir, &st) != nil {
		return -1
	}
	return int64(st.Bavail) * int64(st.Frsize)
}

func hostLongPathsEnabled() bool { return false }

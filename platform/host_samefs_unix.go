//go:build linux || darwin || freebsd || netbsd || openbsd || solaris || illumos

package platform

import "golang.org/x/sys/unix"

// hostDevice returns the ID of the file system that holds path.
func hostDevice(path string) (uint64, bool) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, false
	}
	return uint64(st.Dev), true
}

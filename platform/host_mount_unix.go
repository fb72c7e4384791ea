//go:build unix

package platform

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

// hostMountPoint tells whether the folder dir is a mount point: on
// another device than the folder above it (or the root).
func hostMountPoint(dir string) bool {
	var st, up unix.Stat_t
	if unix.Stat(dir, &st) != nil || unix.Stat(filepath.Dir(dir), &up) != nil {
		return false
	}
	return st.Dev != up.Dev || st.Ino == up.Ino
}

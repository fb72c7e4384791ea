package platform

import (
	"path/filepath"
	"strings"
)

// CanHardLink reports whether a hard link of file can likely be made in
// dir: both on one file system, and file writable by this user (Linux's
// protected_hardlinks refuses a link to another user's file that one may
// not write).
func CanHardLink(file, dir string) bool {
	return SameFileSystem(file, dir) && hostWritableFile(file) == nil
}

// SameFileSystem reports whether file and the folder dir (or, while dir
// does not exist yet, its nearest existing parent) are on one file system,
// so that a hard link from file into dir can be made and costs no space.
// It answers false when it cannot tell.
func SameFileSystem(file, dir string) bool {
	dir = nearestDir(filepath.Clean(dir))
	if dir == "" {
		return false
	}
	a, okA := hostDevice(file)
	b, okB := hostDevice(dir)
	if okA && okB {
		return a == b
	}
	if okA || okB {
		return false
	}
	va, vb := filepath.VolumeName(file), filepath.VolumeName(dir)
	return va != "" && strings.EqualFold(va, vb)
}

//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !solaris && !illumos

package platform

// hostDevice has no file system ID to give here: SameFileSystem then
// compares volume names (Windows: C: and D: are two file systems).
func hostDevice(string) (uint64, bool) { return 0, false }

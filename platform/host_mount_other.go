//go:build !unix

package platform

// hostMountPoint: a drive's root is the only folder that cannot be moved
// aside where mount points are not known (a mounted folder on Windows is
// rare, and its move fails with a clear error).
func hostMountPoint(dir string) bool { return len(dir) <= 3 }

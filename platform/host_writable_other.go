//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !solaris && !illumos

package platform

// hostWritable tells whether a file can be created in dir by creating and
// removing one: Windows' permissions are ACLs that only an attempt settles.
func hostWritable(dir string) error { return probeWrite(dir) }

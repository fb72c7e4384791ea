//go:build !linux

package platform

// hostSystemFS: only Linux mounts its kernel's views (sysfs, proc) where a
// folder could be typed.
func hostSystemFS(string) string { return "" }

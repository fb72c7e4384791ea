//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !solaris && !windows

package platform

func hostFreeBytes(string) int64 { return -1 }

func hostLongPathsEnabled() bool { return false }

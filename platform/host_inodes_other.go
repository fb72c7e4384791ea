//go:build !linux && !darwin && !freebsd

package platform

// hostFreeFiles: not known here (0).
func hostFreeFiles(string) int64 { return 0 }

//go:build !unix && !windows

package engine

// IsDiskFull cannot tell here.
func IsDiskFull(error) bool { return false }

// IsReadOnlyFS cannot tell here.
func IsReadOnlyFS(error) bool { return false }

//go:build !unix && !windows

package platform

// CanInstallForAllUsers reports false where onboard cannot tell.
func CanInstallForAllUsers() bool { return false }

//go:build windows

package platform

import "golang.org/x/sys/windows"

// CanInstallForAllUsers reports whether this process may write the
// all-users locations (Program Files, the all-users Start Menu, HKLM): its
// token is elevated.
func CanInstallForAllUsers() bool { return windows.GetCurrentProcessToken().IsElevated() }

//go:build unix

package platform

import "os"

// CanInstallForAllUsers reports whether this process may write the
// all-users locations (/opt, /usr/local/share/applications): it runs as root.
func CanInstallForAllUsers() bool { return os.Geteuid() == 0 }

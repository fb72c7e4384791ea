//go:build unix

package uninstall

import (
	"syscall"
	"time"
)

// stopProcessTree asks the session that `onboard launch` started (the
// server is its leader, so -pid is its process group: the server and its
// kernels) to end, then kills what is left after a grace period.
func stopProcessTree(pid int, stopped func() bool) error {
	if err := syscall.Kill(-pid, syscall.SIGTERM); err != nil {
		return err
	}
	if waitUntil(10*time.Second, stopped) {
		return nil
	}
	return syscall.Kill(-pid, syscall.SIGKILL)
}

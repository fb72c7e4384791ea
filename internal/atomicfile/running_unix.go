//go:build unix

package atomicfile

import (
	"errors"
	"syscall"
)

// processRunning tells whether a process pid exists (signal 0 checks
// without sending; EPERM is another user's process, running).
func processRunning(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}

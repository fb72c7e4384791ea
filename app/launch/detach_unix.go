//go:build !windows

package launch

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in a session of its own, so that closing the
// launcher's terminal does not stop Jupyter.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }

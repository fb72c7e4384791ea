//go:build windows

package launch

import (
	"os/exec"
	"syscall"
)

// Windows process creation flags.
const (
	createNewProcessGroup = 0x00000200
	createNoWindow        = 0x08000000
)

// detach starts cmd without a console window, in a process group of its own.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: createNewProcessGroup | createNoWindow, HideWindow: true}
}

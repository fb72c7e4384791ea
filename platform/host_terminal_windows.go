package platform

import (
	"os/exec"
	"syscall"
)

// newConsole gives cmd a console window of its own.
func newConsole(cmd *exec.Cmd, on bool) {
	if on {
		cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: 0x00000010} // CREATE_NEW_CONSOLE
	}
}

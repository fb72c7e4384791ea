//go:build unix

package bundle

import (
	"os/exec"
	"syscall"
)

// noTerminal runs cmd in a session of its own, without the terminal: a
// program there cannot ask for a passphrase on /dev/tty.
func noTerminal(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }

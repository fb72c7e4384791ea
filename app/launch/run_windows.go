//go:build windows

package launch

import (
	"fmt"
	"os/exec"
	"syscall"
)

// createNewConsole gives a console program a window of its own.
const createNewConsole = 0x00000010

// startRun starts cmd and leaves it running: with a console window of its
// own when terminal, else with none (a console program runs hidden, as
// menuinst hides it).
func startRun(cmd *exec.Cmd, terminal bool) error {
	flags := uint32(createNoWindow)
	if terminal {
		flags = createNewConsole
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: flags}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("failed to run %q: %w", cmd.Path, err)
	}
	return cmd.Process.Release()
}

//go:build !windows

package launch

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// startRun replaces this process with cmd.
func startRun(cmd *exec.Cmd, _ bool) error {
	if cmd.Dir != "" {
		if err := os.Chdir(cmd.Dir); err != nil {
			return fmt.Errorf("failed to run %q in %q: %w", cmd.Args[0], cmd.Dir, err)
		}
	}
	if err := syscall.Exec(cmd.Path, cmd.Args, cmd.Env); err != nil {
		return fmt.Errorf("failed to run %q: %w", cmd.Path, err)
	}
	return nil
}

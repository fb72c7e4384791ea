//go:build !windows

package launch

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// precommand returns the process that runs o's precommand in bash (sh
// where there is none), in o.Dir, and then, when it succeeds, this
// program again to run o without it: so the precommand runs before the
// activation, as in menuinst's `bash -c 'PRECOMMAND && eval "$(conda
// shell.bash activate …)" && COMMAND'`, and whatever it does to the
// shell's environment or folder reaches the command.
func precommand(_ context.Context, o RunOptions, environ []string) (*exec.Cmd, []string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, fmt.Errorf("failed to find this program to run the precommand with: %w", err)
	}
	shell, err := exec.LookPath("bash")
	if err != nil {
		shell = "/bin/sh"
	}
	again := o
	again.Precommand, again.Dir = "", ""
	// In braces on lines of their own, so that a precommand of several
	// lines, or ending in a comment, is one command to && .
	script := "{\n" + o.Precommand + "\n} && exec \"$0\" \"$@\""
	cmd := exec.Command(shell, append([]string{"-c", script, self}, RunArgs(again)...)...)
	cmd.Args[0] = filepath.Base(shell)
	cmd.Env, cmd.Dir = environ, o.Dir
	return cmd, nil, nil
}

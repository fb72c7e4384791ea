//go:build windows

package launch

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
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

// precommand runs o's precommand in cmd.exe, in o.Dir and with no window,
// as menuinst's generated .bat runs it before the activation, and returns
// the environment it leaves, to activate and run the command in.
func precommand(ctx context.Context, o RunOptions, environ []string) (*exec.Cmd, []string, error) {
	comspec := getenvFold(environ, "ComSpec")
	if comspec == "" {
		comspec = filepath.Join(firstNonEmpty(getenvFold(environ, "SystemRoot"), `C:\Windows`), "System32", "cmd.exe")
	}
	c := exec.CommandContext(ctx, comspec)
	c.SysProcAttr = &syscall.SysProcAttr{CmdLine: precommandLine(comspec, o.Precommand), CreationFlags: createNoWindow}
	c.Env, c.Dir = environ, o.Dir
	out, err := c.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("the shortcut's precommand %q failed: %w", o.Precommand, err)
	}
	env, err := parseSetOutput(out)
	if err != nil {
		return nil, nil, fmt.Errorf("the shortcut's precommand %q: %w", o.Precommand, err)
	}
	return nil, env, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// getenvFold is Getenv with the name in any case, as Windows reads it.
func getenvFold(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

// Command onboard installs a team's Python platform — a Miniconda base plus
// the team's conda environments, carried in an embedded bundle — offline, and
// later verifies and repairs it. See README.md and docs/ARCHITECTURE.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"onboard/app/cli"
	"onboard/installer"
	"onboard/internal/selfexe"
)

func main() {
	attachParentConsole(os.Args[1:]) // Windows GUI build: print in the cmd.exe that ran it
	code := run(os.Args[1:])
	// Last: what must go once this program has exited (on Windows, the
	// maintenance app's own file after an uninstall or an upgrade).
	if err := selfexe.AtExit(); err != nil {
		fmt.Fprintf(os.Stderr, "onboard: %v; delete it yourself\n", err)
	}
	os.Exit(code)
}

func run(args []string) int {
	// A hang-up (the terminal or SSH session closed) ends a run as Ctrl-C
	// and SIGTERM do: cancelled, rolled back, exit 130. By default it
	// killed the program mid-install, with nothing rolled back.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	// A reader that stops reading (install --json | head -1, an agent
	// that timed out) made the next write to stdout or stderr kill the
	// program with SIGPIPE, half installed. Caught (not ignored, so the
	// programs it starts get the default), the write fails with EPIPE and
	// the run goes on to its end.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	env := cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, GUI: startGUI}
	err := cli.Run(ctx, args, env)
	if err == nil {
		return installer.ExitOK
	}
	if !cli.IsReported(err) {
		fmt.Fprintf(os.Stderr, "onboard: error: %s\n", installer.Message(err))
		if h := installer.HintFor(err); h != "" {
			fmt.Fprintf(os.Stderr, "onboard: hint: %s\n", h)
		}
	}
	return installer.ExitCode(err)
}

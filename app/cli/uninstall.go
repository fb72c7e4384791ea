package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/state"
	"onboard/installer/uninstall"
	"onboard/internal/ctxio"
)

func init() { register("uninstall", runUninstall) }

func runUninstall(ctx context.Context, args []string, env Env) error {
	fs := newFlags("uninstall", env)
	prefix := fs.String("prefix", "", "the install to remove"+prefixDefault)
	silent := fs.Bool("silent", false, "do not ask for confirmation")
	logFile := fs.String("log", "", "append what the uninstall does, step by step, to this file (the install's own log goes with it; what is left to do by hand is also printed)")
	if err := parse(fs, args); err != nil {
		return err
	}
	// What the uninstall does goes to --log; on the terminal only its
	// result, and what is left for a person to do (audit Y3).
	var logf installer.Logf
	if *logFile != "" {
		flog, closeLog, err := fileLogf(*logFile)
		if err != nil {
			return err
		}
		defer closeLog()
		logf = flog
	}
	warnf := func(format string, args ...any) {
		fmt.Fprintf(env.Stderr, "onboard: warning: %s\n", strings.TrimPrefix(fmt.Sprintf(format, args...), "uninstall: "))
	}
	p, err := maintenancePrefix(*prefix)
	if err != nil {
		return err
	}
	if err := installer.CheckNotAClone(p); err != nil {
		return err // before the question, which named it as an install
	}
	if !*silent && !onTerminal(env) && env.GUI != nil && windowPossible() {
		// "Apps & features" → Uninstall runs this with no console: the
		// question is asked in the maintenance window instead
		err := env.GUI(ctx, env, WizardOptions{Prefix: p, StartUninstall: true})
		if !errors.Is(err, ErrNoDisplay) {
			return err
		}
	}
	// Recovered first: a killed install or upgrade may have moved the
	// install aside, and the question must be about what recovery leaves
	// (audit AA: an upgrade killed with the old install aside was
	// recovered and then removed without a question). A killed uninstall,
	// confirmed before, is finished here.
	rec, err := recoverFirstOutcome(ctx, p, env)
	if err != nil {
		return err
	}
	if rec.Op == "uninstall" {
		if !*silent {
			fmt.Fprintf(env.Stdout, "Removed the install in %s.\n", p)
		}
		return nil
	}
	what := "the install in " + p
	in, inErr := wizard.ReadInstalled(p)
	if inErr == nil && in.Manifest.Name != "" {
		what = in.Removal()
	}
	ask := !*silent
	if _, err := os.Stat(state.ManifestPath(p)); err != nil {
		// no install there to ask about (a folder gone, or not onboard's):
		// uninstall.Run says so
		ask = false
	}
	if ask {
		q := fmt.Sprintf("Remove %s? [y/N] ", what)
		if inErr == nil {
			if w := in.RunningWarning(); w != "" {
				q = w + "\n" + q
			}
			if w := in.UserFilesWarning(); w != "" {
				q = w + "\n" + q
			}
		}
		ok, err := confirm(ctx, env, q)
		if err != nil {
			return err
		}
		if !ok {
			// a no cancels, as Cancel does in the window: exit 130, so
			// that "not removed" is told from "removed" (audit Y3)
			fmt.Fprintln(env.Stdout, "Nothing removed.")
			return reportedError{context.Canceled}
		}
	}
	if logf != nil {
		logf("uninstalling %s", what)
		if inErr == nil {
			// what the question names, for a silent run's log too: the
			// user's envs and files that go with it (audit AK 5)
			if w := in.UserFilesWarning(); w != "" {
				logf("%s", w)
			}
		}
	}
	if err := uninstall.Run(ctx, p, uninstall.Options{Logf: logf, Warnf: warnf}); err != nil {
		if logf != nil {
			logf("uninstall ended with exit code %d: %s", installer.ExitCode(err), installer.Message(err))
		}
		return err
	}
	// a silent uninstall prints only what is left to do by hand, as a
	// silent install prints only its warnings
	if !*silent {
		fmt.Fprintf(env.Stdout, "Removed %s.\n", what)
	}
	return nil
}

// onTerminal tells whether env's input is a terminal (or not a file: a
// test's reader).
func onTerminal(env Env) bool {
	f, ok := env.Stdin.(*os.File)
	return !ok || term.IsTerminal(int(f.Fd()))
}

// confirm asks a yes/no question on a terminal; without one it refuses, so
// that a script must say --silent.
// Ctrl-C or SIGTERM while it waits ends it with ctx's error (exit 130).
func confirm(ctx context.Context, env Env, question string) (bool, error) {
	if !onTerminal(env) {
		return false, &installer.UsageError{Msg: "uninstall asks for a yes on a terminal: pass --silent to remove without asking"}
	}
	in := bufio.NewReader(env.Stdin)
	fmt.Fprint(env.Stdout, question)
	for {
		line, err := ctxio.ReadLine(ctx, in)
		if ctx.Err() != nil {
			fmt.Fprintln(env.Stdout)
			return false, ctx.Err()
		}
		if err != nil && line == "" {
			return false, nil // end of input: no
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true, nil
		case "", "n", "no":
			return false, nil
		}
		// "maybe" was a no (audit Y3): asked again
		fmt.Fprint(env.Stdout, "Please answer y or n. [y/N] ")
	}
}

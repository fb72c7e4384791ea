package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/term"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/state"
)

func init() { register("launch", runLaunch) }

// LaunchUI shows a failed launch in a window and offers Repair; the GUI
// build sets it (SetLaunchUI), so that a desktop launcher never fails
// silently.
type LaunchUI func(ctx context.Context, p launch.Problem) error

var launchUI LaunchUI

// SetLaunchUI installs the window used by 'onboard launch' when a display
// is available.
func SetLaunchUI(f LaunchUI) { launchUI = f }

// StartUI shows Jupyter starting in a window, and then its address when no
// browser opens, or the problem with Repair when it fails; the GUI build
// sets it (SetStartUI), so that the menu shortcut, which has no terminal
// to print to, shows what happens (audit BO 2).
type StartUI func(ctx context.Context, s launch.Start) error

var startUI StartUI

// SetStartUI installs the window used by 'onboard launch jupyter' when a
// display is available and no terminal shows its output.
func SetStartUI(f StartUI) { startUI = f }

// LaunchJupyter starts (or reuses) Jupyter in env of the install at prefix
// and opens the browser; the wizards' "Start Jupyter" buttons call it. A
// *launch.NoBrowserError means Jupyter runs but its URL must be shown.
func LaunchJupyter(ctx context.Context, prefix, env string) error {
	_, err := launch.Jupyter(ctx, launchOptions(prefix, env))
	return err
}

// launchOptions runs the command of the installed bundle's launcher for env.
func launchOptions(prefix, env string) launch.Options {
	o := launch.Options{Prefix: prefix, Env: env}
	if in, err := wizard.ReadInstalled(prefix); err == nil {
		o.Command = wizard.JupyterCommand(&in.Manifest, env)
	}
	return o
}

const launchUsage = "usage: onboard launch jupyter [--prefix DIR] [--env NAME] [--stop]\n" +
	"       onboard launch run [--prefix DIR] [--env NAME] [--no-activate] [--terminal] [--cwd DIR] [--precommand CODE] -- COMMAND [ARG...]"

// runLaunch is `onboard launch jupyter [--prefix DIR] [--env NAME] [--stop]`, what
// the launchers run, and `onboard launch run ... -- COMMAND`, what the
// packages' menu shortcuts run.
func runLaunch(ctx context.Context, args []string, env Env) error {
	if len(args) > 0 && args[0] == "run" {
		return runMenuCommand(ctx, args[1:], env)
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help") {
		// as `onboard --help` says 'COMMAND -h' lists a command's flags: no
		// failure (audit BM 14: exit 2)
		fmt.Fprintf(env.Stdout, "%s\n'onboard launch jupyter -h' and 'onboard launch run -h' list their flags.\n", launchUsage)
		return nil
	}
	if len(args) == 0 || args[0] != "jupyter" {
		return &installer.UsageError{Msg: launchUsage}
	}
	fs := newFlags("launch jupyter", env)
	prefix := fs.String("prefix", "", "the install"+prefixDefault)
	envName := fs.String("env", "", "the environment (default: the bundle's Jupyter environment)")
	stop := fs.Bool("stop", false, "stop your Jupyter server of this environment instead of starting it")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	// Stop needs no recovery (it only ends servers); a start recovers an
	// interrupted operation first, before the env is chosen from the
	// manifest that the recovery may put back
	p, e, err := launchTarget(ctx, *prefix, *envName, env, !*stop)
	if err != nil {
		return err
	}
	if *stop {
		what, err := launch.Stop(p, e)
		if err != nil {
			return err
		}
		if what == "" {
			fmt.Fprintln(env.Stdout, "You had no Jupyter running.")
		} else {
			fmt.Fprintf(env.Stdout, "Stopped Jupyter (%s).\n", what)
		}
		return nil
	}
	if startInWindow(env) {
		return startUI(ctx, jupyterStart(p, e, env))
	}
	err = launchAndReport(ctx, p, e, env)
	if err == nil {
		return nil
	}
	return offerRepair(ctx, env, launchProblem(p, e, err, env))
}

// runMenuCommand is `onboard launch run`: it runs the command of a
// package's menu shortcut (Menu/*.json) in an env of the install,
// activated unless --no-activate. On Unix onboard becomes the command.
func runMenuCommand(ctx context.Context, args []string, env Env) error {
	fs := newFlags("launch run", env)
	prefix := fs.String("prefix", "", "the install"+prefixDefault)
	envName := fs.String("env", "base", "the environment")
	noActivate := fs.Bool("no-activate", false, "run the command as it is, without activating the environment")
	terminal := fs.Bool("terminal", false, "Windows: give the command a console window")
	cwd := fs.String("cwd", "", "the folder to run the command in (default: the current one)")
	pre := fs.String("precommand", "", "shell code to run first, before the activation (bash on Unix, cmd.exe on Windows), as menuinst's \"precommand\"")
	if err := parseWithArgs(fs, args); err != nil {
		return err
	}
	command := fs.Args()
	if len(command) == 0 {
		return &installer.UsageError{Msg: "launch run needs the command to run after --\n" + launchUsage}
	}
	// recovered first: after an upgrade killed half way, the command ran
	// in the half-written new install, the old one left aside (audit BM 2)
	p, e, err := launchTarget(ctx, *prefix, *envName, env, true)
	if err != nil {
		return err
	}
	o := launch.RunOptions{Prefix: p, Env: e, Command: command, Activate: !*noActivate, Terminal: *terminal, Dir: *cwd, Precommand: *pre}
	if err = launch.Run(ctx, o); err == nil {
		return nil
	}
	// A shortcut has no terminal to print to: a window, as for Jupyter,
	// offers Repair when the env is broken.
	prob := launchProblem(p, e, err, env)
	prob.What, prob.LogPath = filepath.Base(command[0]), ""
	prob.Retry = func(ctx context.Context) error { return launch.Run(ctx, o) }
	return offerRepair(ctx, env, prob)
}

// launchTarget fills in the defaults of --prefix and --env; with
// recover, it first recovers an operation of the install that was
// interrupted (as every entry point that takes a prefix does), so that
// the env is chosen from the install as it is after that.
func launchTarget(ctx context.Context, prefix, env string, e Env, recover bool) (string, string, error) {
	if prefix == "" {
		exe, _ := os.Executable()
		w := wizard.FindWhere(exe, nil, nil)
		if w.CloneEnv != "" {
			return "", "", &installer.UsageError{Msg: wizard.ClonedAppNote(w.CloneEnv, w.Prefix)}
		}
		p, ok := w.Prefix, w.Own
		if !ok {
			return "", "", &installer.UsageError{Msg: "--prefix is needed when onboard does not run from an install's " + state.DirName + " folder\n" + launchUsage}
		}
		prefix = p
	}
	if recover {
		if err := recoverFirst(ctx, prefix, e); err != nil {
			return "", "", err
		}
	}
	if env == "" {
		if in, err := wizard.ReadInstalled(prefix); err == nil {
			env = in.JupyterEnv()
		}
	}
	if env == "." || env == ".." || strings.ContainsAny(env, "/\\\x00") {
		// conda's names have no separators either: --env ../../x would be
		// a folder outside the install.
		return "", "", &installer.UsageError{Msg: fmt.Sprintf("--env %q is no environment name: base, or the name of %s/envs/NAME\n%s", env, prefix, launchUsage)}
	}
	return prefix, env, nil
}

// launchAndReport prints the URL, with its token. A browser that cannot be
// opened is not a failure: the person opens the printed URL.
func launchAndReport(ctx context.Context, prefix, env string, e Env) error {
	err := launchPrinting(ctx, prefix, env, e)
	var nb *launch.NoBrowserError
	if errors.As(err, &nb) {
		return nil // said
	}
	return err
}

// launchPrinting starts (or finds) Jupyter and prints its address, and,
// when no browser opened, says so; its error is launch.Jupyter's, a
// *launch.NoBrowserError included.
func launchPrinting(ctx context.Context, prefix, env string, e Env) error {
	s, err := launch.Jupyter(ctx, launchOptions(prefix, env))
	var nb *launch.NoBrowserError
	if err != nil && !errors.As(err, &nb) {
		return err
	}
	what := "started"
	if s.Reused {
		what = "already running"
	}
	fmt.Fprintf(e.Stdout, "Jupyter %s: %s\n(pid %d, log %s)\n", what, s.URL, s.PID, launch.LogPath(prefix, env))
	if nb != nil {
		fmt.Fprintf(e.Stdout, "No web browser could be opened (%v).\nOpen the address above in a browser; it holds the access token.\n", nb.Err)
	}
	return err
}

// startInWindow tells whether `launch jupyter` shows its start in a window:
// in the GUI build, on a display, when nobody sees what it prints (the
// menu shortcut: Terminal=false on Linux, no console on Windows).
// From a terminal it prints, as the nogui build does.
func startInWindow(env Env) bool {
	return startUI != nil && env.GUI != nil && !outputSeen(env, runtime.GOOS) && windowPossible()
}

// outputSeen tells whether what launch prints reaches someone: a terminal;
// on Windows any stdout at all (a shortcut's program has none, while a
// script's goes to a file or a pipe, which it reads: make wine's does);
// a writer that is no file (a test's buffer) too.
func outputSeen(env Env, goos string) bool {
	f, ok := env.Stdout.(*os.File)
	if !ok || f == nil || term.IsTerminal(int(f.Fd())) {
		return true
	}
	if goos == "windows" {
		_, err := f.Stat()
		return err == nil
	}
	return false
}

// jupyterStart is the launch of Jupyter in env that the start window runs:
// its Run, and its Retry after a repair, return the *launch.NoBrowserError
// that the window turns into the address to copy.
func jupyterStart(prefix, env string, e Env) launch.Start {
	// it prints as well: a script with its stdout in a file or a pipe,
	// on a display, read the address from there (audit BP 4)
	run := func(ctx context.Context) error { return launchPrinting(ctx, prefix, env, e) }
	p := launchProblem(prefix, env, nil, e)
	p.Retry = run
	name := "Jupyter"
	if in, err := wizard.ReadInstalled(prefix); err == nil {
		name = wizard.JupyterName(&in.Manifest, env)
	}
	return launch.Start{Name: name, Run: run, Problem: p}
}

func launchProblem(prefix, env string, err error, e Env) launch.Problem {
	p := launch.Problem{
		Prefix: prefix, Env: env, Err: err, LogPath: launch.LogPath(prefix, env),
		Repair: func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
			h, err := wizard.Real{}.Repair(ctx, prefix, "", r, logf)
			if h != nil {
				// the maintenance window's "last checked", as after the
				// other repairs: it showed the problems this one fixed
				// (audit BN 2)
				_, _ = wizard.RecordCheck(prefix, "repair", time.Now(), h)
			}
			if err == nil && !h.OK {
				err = fmt.Errorf("repair left problems: %s", h.Summary)
			}
			return err
		},
		Retry: func(ctx context.Context) error { return launchAndReport(ctx, prefix, env, e) },
	}
	if ok, _ := wizard.MayModify(prefix); !ok {
		p.Repair = nil // a shared install: only an administrator may repair it
	}
	return p
}

// offerRepair shows the problem in a window, or asks at the terminal, or
// (nobody to ask) returns it for main to print with its hint.
func offerRepair(ctx context.Context, env Env, p launch.Problem) error {
	switch {
	case launchUI != nil && env.GUI != nil && windowPossible():
		return launchUI(ctx, p)
	case p.Repairable() && isTerminal(env.Stdin):
		return promptRepair(ctx, env, p)
	}
	return p.Err
}

func promptRepair(ctx context.Context, env Env, p launch.Problem) error {
	fmt.Fprintf(env.Stderr, "onboard: %v\n", p.Err)
	fmt.Fprint(env.Stdout, "Repair the install now? [Y/n] ")
	var answer string
	fmt.Fscanln(env.Stdin, &answer)
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "" && a != "y" && a != "yes" {
		return reportedError{p.Err}
	}
	fmt.Fprintln(env.Stdout, "Repairing…")
	if err := p.Repair(ctx, nil, nil); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Repaired. Starting %s…\n", p.Name())
	return p.Retry(ctx)
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

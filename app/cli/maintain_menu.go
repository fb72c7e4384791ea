package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/state"
	"onboard/internal/ctxio"
	"onboard/internal/launchname"
)

// The maintenance app started with no arguments opens the maintenance
// window; where it has none (a build without windows: Solaris, the nogui
// builds; or no display, as over SSH) it is this menu in the terminal,
// not the install wizard (audit AL 1: the Maintenance launcher of a nogui
// build showed "[1/6] Welcome … This installs …", or exited 2 unseen).
// Its launcher runs it in a terminal there (platform.LauncherSpec.Terminal).

// ownInstall is the install whose maintenance app this program is, or ""
// (an installer, or a copy conda made in a cloned env).
func ownInstall() string {
	own, _ := appPlace()
	return own
}

// appPlace is where this program is a maintenance app: the install it is
// of (own), or the folder of a copy conda made when it cloned a base
// (clone, an env of another install); both "" for an installer.
func appPlace() (own, clone string) {
	exe, err := os.Executable()
	if err != nil {
		return "", ""
	}
	if p, inState := state.PrefixOf(exe); inState && state.HasManifest(p) {
		if _, isClone := state.CloneOf(p); isClone {
			return "", p
		}
		return p, ""
	}
	return "", ""
}

// maintenanceMenu offers verify, repair and uninstall of the install at
// prefix, one at a time, until the person quits or the install is removed.
func maintenanceMenu(ctx context.Context, env Env, prefix string) error {
	// named as its shortcut and window are: "Onboard Demo Maintenance"
	app, head := "this maintenance app", "Maintenance of the install in "+prefix
	inst, _ := wizard.ReadInstalled(prefix)
	if inst != nil && inst.Manifest.Name != "" {
		app = launchname.Maintenance(inst.Manifest.Name)
		head = fmt.Sprintf("%s: version %s in %s", app, inst.Manifest.Version, prefix)
	}
	if !onTerminal(env) {
		return &installer.UsageError{Msg: fmt.Sprintf("%s has no window here, and its menu needs a terminal; "+
			"run it in one, or run one of: %s", app, strings.Join([]string{state.AppCommand(prefix, "verify"), state.AppCommand(prefix, "repair"), state.AppCommand(prefix, "uninstall")}, "; "))}
	}
	in := bufio.NewReader(env.Stdin)
	sub := env
	sub.Stdin = in // the uninstall's question reads from the same input
	sub.GUI = nil  // no window: the answers are given here
	fmt.Fprintf(env.Stdout, "%s\n\nVerifying the install...\n", head)
	run := func(args ...string) (removed bool) {
		err := Run(ctx, append(args, "--prefix", prefix), sub)
		switch {
		case err == nil:
			return args[0] == "uninstall"
		case errors.Is(err, context.Canceled) && ctx.Err() == nil:
			// the uninstall's question answered no: it said so
		case !IsReported(err):
			fmt.Fprintf(env.Stdout, "onboard: error: %s\n", installer.Message(err))
			if h := installer.HintFor(err); h != "" {
				fmt.Fprintf(env.Stdout, "onboard: hint: %s\n", h)
			}
		}
		return false
	}
	run("verify")
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Stop Jupyter only where there is a Jupyter to stop, as the
		// window's button and Help menu (review BF 6)
		jupyter := inst != nil && slices.ContainsFunc(inst.Envs(), func(e string) bool {
			return launch.HasJupyter(prefix, e, inst.Manifest.Launchers, runtime.GOOS)
		})
		stop := ""
		if jupyter {
			// and Start: the window's rows have it, and the command
			// Finish printed was long to find again (audit BO 10)
			stop = "  4  Stop Jupyter\n  5  Start Jupyter (prints its address)\n"
		}
		fmt.Fprint(env.Stdout, "\nWhat would you like to do?\n"+
			"  1  Verify the install again\n"+
			"  2  Repair: put back what is missing or damaged\n"+
			"  3  Uninstall\n"+
			stop+
			"  q  Quit\n"+
			"Choose [q]: ")
		line, err := ctxio.ReadLine(ctx, in)
		if ctx.Err() != nil {
			fmt.Fprintln(env.Stdout)
			return ctx.Err()
		}
		choice := strings.ToLower(strings.TrimSpace(line))
		if err != nil && (choice == "" || !errors.Is(err, io.EOF)) {
			fmt.Fprintln(env.Stdout)
			return nil // the input ended: as quit
		}
		switch choice {
		case "1", "verify":
			run("verify")
		case "2", "repair":
			run("repair")
		case "3", "uninstall":
			if run("uninstall") {
				// a launcher's terminal closes when this ends: the result
				// stays until it is read (audit AM)
				fmt.Fprint(env.Stdout, "\nPress Enter to close.")
				_, _ = ctxio.ReadLine(ctx, in)
				fmt.Fprintln(env.Stdout)
				return nil
			}
		case "5", "start":
			if !jupyter {
				fmt.Fprintf(env.Stdout, "%q is not one of the choices: this install has no Jupyter.\n", choice)
				continue
			}
			run("launch", "jupyter")
		case "4", "stop":
			if !jupyter {
				fmt.Fprintf(env.Stdout, "%q is not one of the choices: this install has no Jupyter.\n", choice)
				continue
			}
			stopJupyters(env, prefix)
		case "", "q", "quit":
			return nil
		default:
			fmt.Fprintf(env.Stdout, "%q is not one of the choices.\n", choice)
		}
	}
}

// stopJupyters stops this user's Jupyter servers of the install at prefix,
// in every env, as the maintenance window's Stop Jupyter button does: the Finish
// step and the launcher say to stop Jupyter from the maintenance app,
// whose menu here had no way to (audit AQ 8).
func stopJupyters(env Env, prefix string) {
	stopped, err := launch.StopAll(prefix)
	if len(stopped) > 0 || err == nil {
		fmt.Fprintln(env.Stdout, launch.StoppedSentence(stopped))
	}
	if err != nil {
		fmt.Fprintf(env.Stdout, "onboard: error: %s\n", installer.Message(err))
	}
}

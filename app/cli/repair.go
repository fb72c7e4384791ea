package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"onboard/app/wizard"
	"onboard/assets"
	"onboard/installer"
	"onboard/installer/maintain"
	"onboard/installer/state"
	"onboard/internal/humanize"
)

func init() { register("repair", runRepair) }

func runRepair(ctx context.Context, args []string, env Env) error {
	fs := newFlags("repair", env)
	prefix := fs.String("prefix", "", "the install to repair"+prefixDefault)
	asJSON := fs.Bool("json", false, "print one JSON object: what was found, fixed and left")
	bundlePath := fs.String("bundle", "", "the installer or bundle to take lost packages from, kept again for repairs when the install's own copy is lost or damaged (default: that copy)")
	envName := fs.String("env", "", "repair only this environment: base, or the name of PREFIX/envs/NAME (default: the whole install, with its launchers)")
	if err := parse(fs, args); err != nil {
		return err
	}
	p, err := maintenancePrefix(*prefix)
	if err != nil {
		return err
	}
	if err := recoverFirst(ctx, p, env); err != nil {
		return err
	}
	// What repair does goes to the install's log, as an install's does;
	// the terminal gets what it found, fixed and left (audit Y3).
	logf, closeLog := installLogf(env, p, *asJSON)
	defer closeLog()
	res, err := maintain.Repair(ctx, p, maintain.RepairOptions{BundlePath: *bundlePath, Env: *envName,
		WindowsLauncher: assets.WindowsLauncher, LauncherIcon: assets.Icon(), Logf: logf})
	if res == nil {
		return err
	}
	_, _ = wizard.RecordCheck(p, "repair", time.Now(), wizard.HealthOfRepair(res)) // the window's "last checked"
	if *asJSON {
		if jerr := json.NewEncoder(env.Stdout).Encode(struct {
			Event string `json:"event"` // as install's lines (audit Y3)
			*maintain.RepairResult
		}{"result", res}); jerr != nil {
			return jerr
		}
	} else {
		writeRepairText(env, res)
	}
	if err != nil && *asJSON {
		return jsonReported{err} // the result carries what is left
	}
	if err != nil && errors.Is(err, context.Canceled) && len(res.Fixed) > 0 {
		return cancelledRepair{err}
	}
	if err != nil {
		return err
	}
	return nil
}

// cancelledRepair is a repair stopped (Ctrl-C, SIGTERM) after it fixed
// something: what it fixed stays, which the plain cancellation's hint
// ("what was begun was rolled back") denied (audit AI 3).
type cancelledRepair struct{ error }

func (e cancelledRepair) Unwrap() error { return e.error }

func (cancelledRepair) Hint() string {
	return "what it had fixed (listed above) is kept, and only the repair under way was undone; run repair again to finish, or verify to see what is left"
}

// writeRepairText prints what repair found, did and left, for people.
func writeRepairText(env Env, res *maintain.RepairResult) {
	w := env.Stdout
	what := res.Prefix
	if res.Env != "" {
		what = fmt.Sprintf("environment %s of %s", res.Env, res.Prefix)
	}
	switch {
	case len(res.Before) == 0 && len(res.Fixed) == 0:
		fmt.Fprintf(w, "%s is healthy: nothing to repair.\n", what)
		return
	case len(res.Before) == 0:
		// only the copy of the bundle kept for repairs was put back
		fmt.Fprintf(w, "%s is healthy.\n", what)
	default:
		fmt.Fprintf(w, "Found %s in %s.\n", humanize.Count(len(res.Before), "problem"), what)
	}
	for _, f := range res.Fixed {
		name := f.Package
		if name == "" {
			name = "(environment)"
		}
		fmt.Fprintf(w, "  fixed  %s: %s: %s\n", f.Env, name, f.Action)
	}
	if res.After == nil {
		// stopped before its check again: nothing says what is left
		if len(res.Fixed) == 0 {
			// it read as if the repair were done and only its check
			// skipped (audit BM 10)
			fmt.Fprintln(w, "Stopped before anything was repaired.")
		} else {
			fmt.Fprintln(w, "Stopped before the repair was checked again.")
		}
		return
	}
	if len(res.Before) == 0 {
		return
	}
	if len(res.Left) == 0 {
		fmt.Fprintln(w, "Repaired: verify finds no problems now.")
		return
	}
	fmt.Fprintf(w, "%s left:\n", isAre(len(res.Left), "problem"))
	for _, p := range res.Left {
		fmt.Fprintf(w, "  %s: %s: %-17s %s\n", p.Env, p.Package, p.Kind.Words(), p.Path)
	}
}

// isAre is "1 problem is" or "2 problems are".
func isAre(n int, noun string) string {
	if n == 1 {
		return humanize.Count(n, noun) + " is"
	}
	return humanize.Count(n, noun) + " are"
}

// installLogf logs to the install's own log (PREFIX/.onboard/install.log),
// opened at its first line, so that a repair that logs nothing (a folder
// that holds no install) makes no file. Where that log cannot be opened
// (a user who may not write it), the lines go to stderr, as before, rather
// than nowhere, unless stdout carries JSON (audit AA).
func installLogf(env Env, prefix string, asJSON bool) (installer.Logf, func()) {
	var (
		mu     sync.Mutex
		logf   installer.Logf
		closer = func() {}
		opened bool
	)
	return func(format string, args ...any) {
			mu.Lock()
			if !opened {
				opened = true
				if lf, c, err := fileLogf(state.LogPath(prefix)); err == nil {
					logf, closer = lf, c
				} else if !asJSON {
					fmt.Fprintf(env.Stderr, "onboard: note: %v; what repair does is said here instead\n", err)
					logf = func(format string, args ...any) { fmt.Fprintf(env.Stderr, format+"\n", args...) }
				}
			}
			lf := logf
			mu.Unlock()
			if lf != nil {
				lf(format, args...)
			}
		}, func() {
			mu.Lock()
			defer mu.Unlock()
			closer()
		}
}

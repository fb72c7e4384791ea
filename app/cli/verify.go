package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"onboard/app/wizard"
	"onboard/assets"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/maintain"
	"onboard/installer/state"
)

func init() { register("verify", runVerify) }

func runVerify(ctx context.Context, args []string, env Env) error {
	fs := newFlags("verify", env)
	prefix := fs.String("prefix", "", "the install to check"+prefixDefault)
	asJSON := fs.Bool("json", false, "print one JSON object with every problem")
	envName := fs.String("env", "", "check only this environment: base, or the name of PREFIX/envs/NAME (default: the whole install, with its launchers)")
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
	r, err := maintain.Verify(ctx, p, maintain.VerifyOptions{Env: *envName, Logf: stderrLogf(env, *asJSON)})
	if r == nil {
		return err
	}
	// the window's "last checked" (a user who may not write the install's
	// folder records nothing)
	_, _ = wizard.RecordCheck(p, "verify", time.Now(), wizard.HealthOfVerify(r))
	if *asJSON {
		if jerr := json.NewEncoder(env.Stdout).Encode(struct {
			Event string `json:"event"` // as install's lines (audit Y3)
			*maintain.Report
		}{"result", r}); jerr != nil {
			return jerr
		}
	} else if werr := r.WriteText(env.Stdout); werr != nil {
		return werr
	}
	if err != nil {
		if !*asJSON {
			them := "them"
			if len(r.Problems) == 1 {
				them = "it"
			}
			fmt.Fprintf(env.Stdout, "To put %s right, run: %s repair --prefix %s%s\n", them, state.QuoteArg(repairProgram(p, r)), state.QuoteArg(p), envFlag(*envName))
			return reportedError{err}
		}
		return jsonReported{err} // the report carries it
	}
	return nil
}

// repairProgram is the program a hint tells the person to run for the
// install at prefix: its maintenance app, else (none, or one the report r
// finds gone or damaged: an empty file was named) this program. There may
// be no onboard on PATH.
func repairProgram(prefix string, r *maintain.Report) string {
	broken := slices.ContainsFunc(r.Problems, func(p maintain.Problem) bool { return p.Kind == maintain.ProblemApp })
	if app := state.AppPath(prefix); isFile(app) && !broken {
		return app
	}
	if exe, err := os.Executable(); err == nil {
		return exe
	}
	return "onboard"
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// envFlag is " --env NAME" for a command about one env, else "".
func envFlag(name string) string {
	if name == "" {
		return ""
	}
	return " --env " + name
}

// maintenancePrefix resolves --prefix: when it is empty, the install this
// program acts on (wizard.FindWhere, the windows' rule too): its own, as an
// install's maintenance app, else the install of the bundle it carries in
// that bundle's default folder (IT's `INSTALLER uninstall --silent` after
// `INSTALLER install --silent`).
func maintenancePrefix(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(wizard.ExpandHome(flagValue))
	}
	w := findWhere()
	switch {
	case w.CloneEnv != "":
		// it belongs to no install of its own
		return "", &installer.UsageError{Msg: wizard.ClonedAppNote(w.CloneEnv, w.Prefix)}
	case w.Prefix != "":
		return w.Prefix, nil
	case w.Looked != "":
		// the installer knows where it installs: nothing is there (an
		// uninstall run again, an install removed by hand)
		return "", &installer.NotInstalledError{Path: w.Looked,
			Err: fmt.Errorf("this installer's default folder holds no install of %s; pass --prefix DIR for one elsewhere", w.Name)}
	}
	return "", &installer.UsageError{Msg: "no install given: pass --prefix DIR (the folder onboard installed into)"}
}

// prefixDefault is how -h says maintenancePrefix's default, after what
// the flag names ("the install to check").
const prefixDefault = " (default: the install this program belongs to, else the install in the folder this installer installs into by default)"

// findWhere is wizard.FindWhere for this program and the bundle it
// carries (none for the embedded demo: its commands name --prefix).
func findWhere() wizard.Where {
	exe, _ := os.Executable()
	var carried *bundle.Manifest
	if _, own := state.PrefixOf(exe); !own {
		// the bundle install would take, the embedded demo included: with
		// it, `onboard verify` after `onboard install` said "no install
		// given" (audit Y3)
		if found, err := bundle.Discover(bundle.DiscoverOptions{Demo: assets.DemoBundle()}); err == nil {
			carried = &found.Manifest
			found.Close()
		}
	}
	return wizard.FindWhere(exe, carried, wizard.Real{}.DefaultPrefix)
}

// recoverFirst rolls back (or finishes) an operation that an earlier run
// left interrupted, and says so: installer.RecoverOutcome, the recovery
// that every installer entry point runs first too (which then finds
// nothing left), printed here so that --json and --silent runs say it.
func recoverFirst(ctx context.Context, prefix string, env Env) error {
	_, err := recoverFirstOutcome(ctx, prefix, env)
	return err
}

func recoverFirstOutcome(ctx context.Context, prefix string, env Env) (installer.Recovered, error) {
	rec, err := installer.RecoverOutcome(ctx, prefix, nil)
	if err != nil {
		return rec, err
	}
	if m := rec.Message(); m != "" {
		fmt.Fprintf(env.Stderr, "onboard: %s (%s)\n", m, prefix)
	}
	return rec, nil
}

// stderrLogf logs to stderr, or nowhere when stdout carries JSON that a
// tool parses (stderr then stays quiet too, so the two never interleave).
func stderrLogf(env Env, quiet bool) installer.Logf {
	if quiet {
		return nil
	}
	return func(format string, args ...any) { fmt.Fprintf(env.Stderr, format+"\n", args...) }
}

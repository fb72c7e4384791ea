package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"onboard/app/wizard"
	"onboard/assets"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/internal/selfexe"
	"onboard/platform"
)

func init() { register("install", runInstall) }

type installFlags struct {
	prefix, bundle, subdir, trustKey string
	config, logFile                  string
	silent, allUsers, noLauncher     bool
	noMaintLauncher, shellSetup      bool
	asJSON, force                    bool
	keepPackageCache, dryRun         bool
	noShortcuts                      bool
}

// installFlagSet defines install's flags on f.
func installFlagSet(f *installFlags, env Env) *flag.FlagSet {
	fs := newFlags("install", env)
	fs.StringVar(&f.prefix, "prefix", "", "install folder (default: per user, from the bundle's name)")
	fs.StringVar(&f.bundle, "bundle", "", "install this bundle file instead of the one this installer carries")
	fs.StringVar(&f.subdir, "subdir", "", "install this conda subdir instead of the detected one (IT, tests)")
	fs.BoolVar(&f.silent, "silent", false, "no prompts and no progress output; errors only")
	fs.BoolVar(&f.allUsers, "all-users", false, "install for all users (default prefix and launchers)")
	fs.BoolVar(&f.noLauncher, "no-launcher", false, "create no Jupyter shortcut")
	fs.BoolVar(&f.noMaintLauncher, "no-maintenance-launcher", false, `create no "<Product> Maintenance" shortcut (to verify, repair or uninstall later)`)
	fs.BoolVar(&f.noShortcuts, "no-shortcuts", false, "create none of the shortcuts the packages' menu files (Menu/*.json) ask for, as conda --no-shortcuts")
	fs.BoolVar(&f.shellSetup, "shell-setup", false, "make the conda command work in new terminals: a marked block in your shell start-up files (uninstall removes it)")
	fs.StringVar(&f.config, "config", "", "take the choices from this TOML file (flags given here win); see README")
	fs.StringVar(&f.logFile, "log", "", "also append the install log to this file")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object per line: the packages' prelink messages (when any), progress events, then the result or the error (with --dry-run: the plan)")
	fs.BoolVar(&f.force, "force", false, "install even over a newer version or another bundle's install")
	fs.BoolVar(&f.keepPackageCache, "keep-package-cache", false, "also keep conda's package cache PREFIX/pkgs (archives and extracted copies; more disk, same result)")
	fs.StringVar(&f.trustKey, "trust-key", "", "refuse bundles not signed by this ed25519 public key (PEM)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "say what the install would do and change nothing; exit with the code the install would (onboard help install)")
	return fs
}

func runInstall(ctx context.Context, args []string, env Env) error {
	var f installFlags
	fs := installFlagSet(&f, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := applyConfig(fs, &f); err != nil {
		return err
	}
	if f.dryRun {
		return dryRun(ctx, f, env)
	}
	res, err := doInstall(ctx, f, env)
	if f.asJSON {
		return printJSONOutcome(env.Stdout, res, err)
	}
	if err != nil {
		return err
	}
	if !f.silent {
		printInstallResult(env.Stdout, res)
	} else {
		// what the person must hear even from a silent run (errors only
		// otherwise): their own envs left behind (the notes say it too)
		for _, w := range res.Warnings {
			fmt.Fprintf(env.Stderr, "onboard: warning: %s\n", w)
		}
	}
	return nil
}

// installOptions finds the bundle and turns the flags into the engine's
// options (no reporter, no log). The caller closes the bundle.
func installOptions(f installFlags) (installer.Options, *bundle.Found, error) {
	found, err := discoverBundle(f.bundle, f.trustKey)
	if err != nil {
		return installer.Options{}, nil, err
	}
	prefix := f.prefix
	if prefix == "" {
		if prefix, err = platform.DefaultPrefix(platform.HostTarget(), platform.HostEnv(), found.Manifest.Name, f.allUsers); err != nil {
			found.Close()
			return installer.Options{}, nil, &installer.UsageError{Msg: err.Error() + "; pass --prefix DIR"}
		}
	}
	if prefix, err = absPath(prefix); err != nil {
		found.Close()
		return installer.Options{}, nil, err
	}
	if f.logFile != "" && inside(f.logFile, prefix) {
		found.Close()
		return installer.Options{}, nil, &installer.UsageError{Msg: fmt.Sprintf(
			"--log %q is inside the install folder %q, which a failed install rolls back and uninstall removes, the log with it; choose a file outside it", f.logFile, prefix)}
	}
	return installer.Options{
		Prefix: prefix, Bundle: found.Bundle, Subdir: f.subdir, AllUsers: f.allUsers,
		JupyterLauncher: !f.noLauncher, MaintenanceLauncher: !f.noMaintLauncher,
		ShellSetup: f.shellSetup, Force: f.force, KeepPackageCache: f.keepPackageCache, NoShortcuts: f.noShortcuts,
		WindowsLauncher: assets.WindowsLauncher, LauncherIcon: assets.Icon(),
	}, found, nil
}

func doInstall(ctx context.Context, f installFlags, env Env) (res *installer.Result, err error) {
	// --log opens first, so that it records every way the run ends: a
	// damaged or missing bundle and the platform missing from it too
	var logf installer.Logf
	if f.logFile != "" && (f.prefix == "" || !inside(f.logFile, f.prefix)) {
		lf, closeLog, lerr := fileLogf(f.logFile)
		if lerr != nil {
			return nil, lerr
		}
		defer closeLog()
		logf = lf
		defer func() {
			if err != nil {
				logf("onboard install ended with exit code %d: %s", installer.ExitCode(err), installer.Message(err))
				if h := installer.HintFor(err); h != "" {
					logf("what to do: %s", h)
				}
			}
		}()
	}
	opts, found, err := installOptions(f)
	if err != nil {
		return nil, err
	}
	defer found.Close()
	opts.Logf = logf
	sub := installSubdir(&found.Manifest, f.subdir)
	plan := installPlan(&found.Manifest, sub)
	if plan != nil {
		plan.Copy = f.keepPackageCache || installer.KeepsPackageCache(opts.Prefix)
	}
	var msgs []bundle.Package
	if p := found.Manifest.Platforms[sub]; p != nil {
		msgs = p.WithMessages()
	}
	if len(msgs) > 0 {
		// conda shows them for what it installs: none when the install
		// has nothing to do or is refused (its plan changes nothing)
		if p, err := installer.Plan(ctx, opts); err != nil || !p.Proceed {
			msgs = nil
		}
	}
	var finish func(string)
	switch {
	case f.asJSON:
		printJSONMessages(env.Stdout, msgs)
		r := newJSONReporter(env.Stdout, plan)
		opts.Reporter, finish = r, r.Finish
	case !f.silent:
		if len(msgs) > 0 {
			// as conda install --yes: shown, and the install goes on
			fmt.Fprintf(env.Stderr, "\n%s\n", bundle.MessagesText(msgs))
		}
		r := newTextReporter(env.Stderr, plan)
		opts.Reporter, finish = r, r.Finish
		if found.Manifest.Demo {
			fmt.Fprintln(env.Stderr, "onboard: note: this is the DEMO bundle (stand-in packages, no real Python)")
		}
	}
	// The maintenance app upgrading its own install (install --bundle NEWER
	// from PREFIX/.onboard) moves its file out first where the OS needs it.
	var rel *wizard.Relocation
	if self, err := os.Executable(); err == nil {
		if rel, err = wizard.LeaveForUpgrade(self, opts.Prefix, selfexe.MustLeaveDir); err != nil {
			fmt.Fprintf(env.Stderr, "onboard: note: %v\n", err)
		}
	}
	res, err = installer.Install(ctx, opts)
	if rel != nil {
		if ferr := rel.Finish(); ferr != nil {
			fmt.Fprintf(env.Stderr, "onboard: warning: %v\n", ferr)
		}
	}
	if err == nil && finish != nil && (res == nil || res.Changed) {
		// (an install that changed nothing says so in its result, not
		// as "Installed... 100%", audit Y3)
		finish("Installed")
	}
	return res, err
}

// inside tells whether path is dir or in it, both made absolute.
func inside(path, dir string) bool {
	p, perr := filepath.Abs(wizard.ExpandHome(path))
	d, derr := filepath.Abs(wizard.ExpandHome(dir))
	if perr != nil || derr != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// installSubdir is the subdir given, else the one Install will choose;
// "" when none fits (Install then says why).
func installSubdir(m *bundle.Manifest, subdir string) string {
	if subdir == "" {
		subdir, _ = wizard.ChooseSubdir(m, platform.Detect().Candidates())
	}
	return subdir
}

// installPlan is what the progress of installing m's subdir counts; nil
// when there is no subdir.
func installPlan(m *bundle.Manifest, subdir string) *wizard.Plan {
	if subdir == "" {
		return nil
	}
	return wizard.PlanInstall(m, subdir)
}

// printJSONMessages prints the packages' prelink messages as one
// "messages" event, before the progress; nothing when there are none.
func printJSONMessages(w io.Writer, pkgs []bundle.Package) {
	type message struct {
		Package string `json:"package"`
		Version string `json:"version"`
		File    string `json:"file"`
		Text    string `json:"text"`
	}
	var ms []message
	for _, p := range pkgs {
		for _, m := range p.PrelinkMessages {
			ms = append(ms, message{p.Name, p.Version, m.File, m.Text})
		}
	}
	if len(ms) > 0 {
		_ = json.NewEncoder(w).Encode(map[string]any{"event": "messages", "messages": ms})
	}
}

// printJSONOutcome prints the result, or the error, as the last JSON line.
// An error is then reported (main does not print it again).
func printJSONOutcome(w io.Writer, res *installer.Result, err error) error {
	enc := json.NewEncoder(w)
	if err == nil {
		werr := enc.Encode(struct {
			Event string `json:"event"`
			*installer.Result
		}{"result", res})
		if errors.Is(werr, syscall.EPIPE) {
			// whoever read stdout stopped reading (install --json | head -1):
			// the install is done all the same, and says so by its exit code
			return nil
		}
		return werr
	}
	printJSONError(w, err)
	return jsonReported{err}
}

func printInstallResult(w io.Writer, r *installer.Result) {
	if !r.Changed {
		// named as the product, not its envs ("team is already installed",
		// audit Y3)
		fmt.Fprintf(w, "%s %s is already installed in %s (%s): nothing to do (onboard verify checks its files).\n", r.Name, r.Version, r.Prefix, r.Subdir)
		return
	}
	fmt.Fprintf(w, "installed %s %s (%s) into %s\n", r.Name, r.Version, r.Subdir, r.Prefix)
	if old := r.Replaced; old != nil {
		fmt.Fprintf(w, "replaced: %s %s (%s)\n", old.Name, old.Version, old.Subdir)
	}
	if len(r.Envs) > 0 {
		fmt.Fprintf(w, "environments: base, %s\n", strings.Join(r.Envs, ", "))
	}
	for _, c := range r.Clashes {
		fmt.Fprintf(w, "note: %s is provided by %s; the last one won\n", c.Path, strings.Join(c.Packages, " and "))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "log: %s\n", r.LogPath)
}

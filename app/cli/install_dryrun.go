package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"onboard/internal/humanize"

	"onboard/app/wizard"
	"onboard/installer"
)

// dryRun is `install --dry-run`: the engine's plan (installer.Plan),
// printed, with nothing changed. It ends with the error the install would
// end with, so the exit code is the install's.
func dryRun(ctx context.Context, f installFlags, env Env) error {
	opts, found, err := installOptions(f)
	var plan *installer.InstallPlan
	if err == nil {
		defer found.Close()
		plan, err = installer.Plan(ctx, opts)
		if err == nil {
			err = plan.CheckPackages(ctx, found.Bundle) // a damaged package: 3, as the install
		}
	} else {
		plan = installer.NoPlan(installer.Options{Prefix: f.prefix}, err) // no bundle, or no folder
	}
	switch {
	case f.asJSON:
		enc := json.NewEncoder(env.Stdout)
		if e := enc.Encode(struct {
			Event string `json:"event"`
			*installer.InstallPlan
		}{"plan", plan}); e != nil {
			return e
		}
		if err != nil {
			return jsonReported{err} // the plan carries it
		}
	case !f.silent:
		printPlan(env.Stdout, plan)
	}
	return err
}

// printPlan says the plan for people, in the wizards' words
// (wizard.Describe); a refusal is left to the error and hint lines.
func printPlan(w io.Writer, p *installer.InstallPlan) {
	if p.Kind == installer.PlanNone {
		return
	}
	v := wizard.Describe(p, p.Err)
	fmt.Fprintf(w, "dry run, nothing was changed: %s\n", v.Action)
	fmt.Fprintf(w, "folder: %s (%s, on %s)\n", p.Prefix, p.Subdir, p.Platform)
	for _, e := range p.Envs {
		fmt.Fprintf(w, "env %s: %s into %s\n", e.Name, humanize.Count(e.Packages, "package"), e.Prefix)
	}
	for _, d := range v.Details {
		if p.Err == nil || d != "What to do: "+p.Hint {
			fmt.Fprintln(w, d)
		}
	}
	for _, l := range v.Launchers {
		fmt.Fprintln(w, l)
	}
	for _, f := range p.LauncherFiles {
		fmt.Fprintf(w, "  %s\n", f)
	}
}

// installHelp is `onboard help install`.
const installHelp = `onboard install: install the bundle this installer carries (or --bundle FILE) offline.

Usage: onboard install [flags]

It prints progress on stderr and the result on stdout; --silent prints errors only; --json
prints one JSON object per line: progress events, then {"event":"result",...} or
{"event":"error",...}. An install of the same version, healthy, changes nothing; a newer
version replaces an older one (put back if anything fails); an older version, or another
bundle's install, is refused unless --force.

--dry-run says what the install would do and changes nothing: it creates no folder, takes no
lock, writes no file and recovers no interrupted install (it plans on the folder as the
recovery would leave it). When the install would go ahead it reads every package of the
payload and checks it against the bundle's manifest, as the install does (a few seconds a GB). It exits with the code the install would: 0 when the install would
go ahead or has nothing to do, 2 bad usage, 3 bundle missing or not usable, 4 folder not usable
(not writable, no space, path too long, not empty, a newer version or another bundle's install
there, an install for all users that only an administrator may change), 5 this machine's
platform not in the bundle, or too old for its packages. The install checks again when it runs. With --json it prints one
JSON object:

  event                "plan"
  kind                 fresh, nothing-to-do, upgrade, reinstall (same version, incomplete or
                       another subdir), downgrade, other-bundle, damaged-install, or none
                       (nothing could be planned: see error)
  proceed              true when the install would install the bundle
  name, id, version    the bundle's
  installed            the install in the folder: name, id, version, subdir, all_users
  prefix, platform, subdir     the folder, this machine (os/arch), the payload chosen
  envs                 name, prefix, packages, bytes (package files) of each env, base first
  need_bytes           disk space the install takes from the disk (as du counts it, less the
                       bundle's copy for repairs when that is a hard link of the installer)
  shared_bytes         what need_bytes leaves out for that hard link (left out when the copy
                       is not one)
  free_bytes           free space there for you; -1 when unknown
  longest_path         characters of the longest file path the install writes
  path_limit           the OS's limit (259 on Windows); 0 when none
  keep_package_cache, all_users
  forced               true when a reinstall is only what --force asks (the install there is
                       this version, complete)
  launchers            name and env (left out for the maintenance app) of each launcher
  launcher_files       the files, app bundles, shortcuts and registry keys they are made of
                       (not the shortcuts the packages' menu files ask for: those are known
                       once the packages are in place; --no-shortcuts makes none)
  shell_files          the start-up files --shell-setup would change
  recover              an interrupted "install", "uninstall" or "operation" the install first
                       rolls back or finishes
  problems             the folder checks' findings: severity, code, path, message, hint
  notes                what else to know (replacing an install: what it keeps of yours)
  error, code, hint    why the install would refuse; code is downgrade, other-bundle,
                       damaged-install, admin-required, usage, bundle, platform, or the folder
                       check's (not-writable, no-space, too-long, not-empty, conda-prefix, ...)
  exit_code            the exit code of the install; 0 when it would not fail
Fields with nothing to say (installed, shared_bytes, forced, shell_files, recover, problems,
notes, error, code, hint) are left out.

Flags:
`

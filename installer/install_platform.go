package installer

// Install and the platform package: subdir choice, the maintenance app's
// path, launchers (the prefix checks are the plan's: plan.go).

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/state"
	"onboard/platform"
)

// chooseSubdir picks the payload for this machine.
func chooseSubdir(b *bundle.Bundle, want string) (subdir, note string, err error) {
	have := b.Manifest.Subdirs()
	if want != "" {
		if b.Platform(want) == nil {
			return "", "", &PlatformError{Want: []string{want}, Have: have, Asked: true}
		}
		return want, "", nil
	}
	h := platform.Detect()
	s, note, ok := h.Choose(have)
	if !ok {
		return "", "", &PlatformError{Want: h.Candidates(), Have: have}
	}
	return s, note, nil
}

// maintenancePath is PREFIX/.onboard/onboard[.exe] for this host.
func maintenancePath(prefixDir string) string { return state.AppPath(prefixDir) }

// launchers removes the old install's launchers and creates the new ones.
// A failure here does not fail the install: it becomes a note (repair can
// make them again).
func (in *installRun) launchers(ctx context.Context) {
	in.o.Reporter.Stage(StageLaunchers, 0)
	if in.aside != "" {
		if err := engine.RemoveRecordedLaunchersOf(in.aside, in.o.Prefix, in.log.Printf); err != nil {
			in.note("the old launchers could not all be removed: %v", err)
		}
	}
	items := in.plan.specs
	if len(items) == 0 && !in.o.ShellSetup && in.o.NoShortcuts {
		return
	}
	t, env := platform.HostTarget(), platform.HostEnv()
	rec := platform.Record{Schema: 1, Target: t, Prefix: in.o.Prefix}
	// the record this one replaces: of a run killed while it made the
	// launchers (saveIntended's, or the planned one below), whose folders
	// this run finds made
	prev, _ := platform.LoadRecord(state.LaunchersPath(in.o.Prefix))
	if len(items) > 0 {
		plan, err := in.launcherPlan(t, env)
		if err == nil {
			// First the record of what is about to be made: a kill while
			// it is made leaves no launcher that no record names.
			planned := in.plannedRecord(plan, t, env)
			planned.KeepMade(prev)
			in.saveRecord(planned)
			rec, err = platform.Apply(plan, platform.Logf(in.log.Printf))
			if err != nil {
				// Apply removed what it had made. The record names what
				// should be there, so that verify reports the launchers
				// missing and repair makes them once the cause is gone
				// (a full or read-only home).
				rec = platform.PlannedRecord(plan)
			}
		}
		if err != nil {
			in.note("launchers were not created: %v; once that is fixed, run %s to make them", err, state.RepairCommand(in.o.Prefix))
		}
	}
	if in.o.ShellSetup {
		sh, err := platform.SetupShell(platform.ShellFiles(t, env), in.o.Prefix, engine.ShellBin(in.o.Prefix))
		if err != nil {
			in.note("terminal set-up failed: %v; once that is fixed, run %s to make it", err, state.RepairCommand(in.o.Prefix))
			// the record names the blocks asked for, as for launchers:
			// verify reports them missing and repair makes them (a full
			// home left the set-up a note in the log, and repair never
			// made it)
			sh = in.plannedRecord(platform.Plan{}, t, env)
		}
		rec.Merge(sh)
	}
	if !in.o.NoShortcuts {
		menus, notes := engine.MakeMenus(ctx, in.o.Prefix, in.o.Bundle.Platform(in.subdir).EnvNames(), in.o.Bundle.Manifest.MenuPackages, in.o.AllUsers, in.log.Printf)
		rec.Merge(menus)
		for _, n := range notes {
			in.note("%s", n)
		}
	}
	if len(items) == 0 && !in.o.ShellSetup && rec.Empty() {
		return // no menu asked for anything here: no record, as before
	}
	rec.KeepMade(prev)
	in.saveRecord(rec)
}

// launcherPlan is the plan of the bundle's launchers for this install.
func (in *installRun) launcherPlan(t platform.Target, env platform.Env) (platform.Plan, error) {
	app := engine.AppInfo(&in.o.Bundle.Manifest, in.o.Prefix)
	app.Icon, app.Installed, app.Size = launcherIcon(in.o), time.Now(), in.plan.NeedBytes
	return platform.Launchers(t, env, app, in.plan.specs, in.o.AllUsers)
}

// saveIntended records the launchers and the shell set-up the install is
// about to make, before the install is marked complete: a kill between
// that mark and launchers() leaves a record that names them, so verify
// reports them missing and repair makes them. The recovery finished such
// an install with none, an upgrade's old ones removed, and verify called
// it healthy (audit T 2).
func (in *installRun) saveIntended() {
	if len(in.plan.specs) == 0 && !in.o.ShellSetup {
		return
	}
	t, env := platform.HostTarget(), platform.HostEnv()
	var plan platform.Plan
	if len(in.plan.specs) > 0 {
		p, err := in.launcherPlan(t, env)
		if err != nil {
			return // said by launchers(), which meets it again
		}
		plan = p
	}
	in.saveRecord(in.plannedRecord(plan, t, env))
}

// plannedRecord is the record of plan and of the shell set-up asked for,
// before either is made.
func (in *installRun) plannedRecord(plan platform.Plan, t platform.Target, env platform.Env) platform.Record {
	rec := platform.PlannedRecord(plan)
	rec.Target, rec.Prefix = t, in.o.Prefix
	if in.o.ShellSetup {
		for _, f := range platform.ShellFiles(t, env) {
			_, err := os.Stat(f)
			if r, rerr := filepath.EvalSymlinks(f); rerr == nil {
				f = r
			}
			rec.Shell = append(rec.Shell, platform.ShellEdit{Path: f, Created: err != nil})
		}
	}
	return rec
}

func (in *installRun) saveRecord(rec platform.Record) {
	if err := platform.SaveRecord(state.LaunchersPath(in.o.Prefix), rec); err != nil {
		in.note("the launcher record was not saved: %v", err)
	}
}

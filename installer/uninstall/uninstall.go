package uninstall

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"onboard/installer/engine"
	"onboard/installer/link"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/rmtree"
	"onboard/internal/selfexe"
	"onboard/platform"
)

// Options configures Run.
type Options struct {
	// EnvironmentsTxt is the conda registry to clean; "" = the user's
	// ~/.conda/environments.txt; "-" = leave it alone.
	EnvironmentsTxt string
	Reporter        engine.Reporter
	Logf            engine.Logf
	// Warnf gets, besides Logf, what a person must do by hand after the
	// uninstall: a folder it could not remove, a line to take out of a
	// file, a Jupyter to stop (nil: Logf alone). The rest of the log is a
	// record for a log file, not something to show.
	Warnf engine.Logf
}

// warnf is opts' Warnf on top of logf.
func (opts Options) warnf(logf engine.Logf) engine.Logf {
	if opts.Warnf == nil {
		return logf
	}
	return func(format string, args ...any) { logf(format, args...); opts.Warnf(format, args...) }
}

// Run uninstalls an install: it runs the pre-unlink scripts of every
// package, removes the launchers, the uninstall registry entry and the
// shell set-up recorded in .onboard/launchers.json, removes the prefix's
// lines from environments.txt (other lines stay byte for byte) and deletes
// the prefix. Nothing of the user's outside the prefix is touched. A folder
// without .onboard/manifest.json is refused with a *TargetError.
func Run(ctx context.Context, prefixDir string, opts Options) error {
	logf := engine.LogfOrNop(opts.Logf)
	spelled := prefixDir
	if abs, err := filepath.Abs(prefixDir); err == nil {
		// A prefix that is a symlink: the install is where it leads.
		spelled, prefixDir = abs, engine.FollowPrefixLink(abs)
		if prefixDir != abs {
			logf("uninstall: %q is a symlink to %q: removing the install there (the link stays)", abs, prefixDir)
		}
	}
	if abs, err := filepath.Abs(prefixDir); err == nil {
		// Recover first: an uninstall killed while it deleted the prefix
		// (its manifest may be gone already) is finished here.
		if rec, err := engine.RecoverOutcome(ctx, abs, logf); err != nil || rec.Op == "uninstall" {
			return err
		}
	}
	abs, err := checkUninstallable(prefixDir)
	if err != nil {
		return err
	}
	if err := engine.CheckMayModify(abs, "uninstall"); err != nil {
		return err
	}
	if err := engine.CheckRecordedLaunchers(abs); err != nil {
		return err
	}
	stopJupyter(abs, logf, opts.warnf(logf))
	stopProgramsUnder(abs, logf)
	unlock, err := engine.LockForMaintenance(abs, "uninstall")
	if err != nil {
		return err
	}
	released := false
	defer func() {
		if !released {
			unlock()
		}
	}()
	// From here on the uninstall is finished, not undone, by the next
	// run, launchers and environments.txt lines included
	// (engine.FinishUninstall): the journal beside the prefix says so.
	// (Where the folder above the prefix may not be written there is no
	// journal: the prefix's own entry cannot be removed there anyway, and
	// a killed run is done again by the next uninstall while the manifest
	// is left.)
	j, err := engine.BeginOp("uninstall", abs, opts.EnvironmentsTxt)
	var le *engine.LockedError
	if errors.As(err, &le) {
		return err
	}
	if err != nil {
		logf("uninstall: no journal beside %q (%v); removing without one", abs, err)
		j = nil
	}
	if err := uninstallSteps(ctx, abs, spelled, opts, logf); err != nil {
		if j != nil {
			// A step that failed (or was cancelled) leaves the install, as
			// it says; only a kill leaves the journal, and the uninstall
			// to finish.
			j.Close(true)
		}
		return err
	}
	unlock()
	released = true
	engine.CrashPoint("removing")
	if err := removePrefix(abs, logf, opts.warnf(logf)); err != nil {
		if j != nil {
			j.Close(false)
		}
		return err
	}
	if j != nil {
		j.Close(true)
	}
	removeUserState(abs, opts.warnf(logf))
	return nil
}

// removeUserState removes this user's state folders of the install
// (records and logs of its Jupyter servers). Other users' state is
// private to them and left alone.
func removeUserState(prefixDir string, warnf engine.Logf) {
	us, err := platform.HostUserState(prefixDir)
	if err != nil {
		return
	}
	for _, d := range []string{us.Runtime, us.Dir} {
		if err := rmtree.RemoveAll(d); err != nil {
			warnf("uninstall: failed to remove %s: %v; remove it yourself", d, err)
		}
	}
}

// checkUninstallable resolves the prefix and refuses anything that is not
// an onboard install.
func checkUninstallable(prefixDir string) (string, error) {
	abs, err := filepath.Abs(prefixDir)
	if err != nil {
		return "", fmt.Errorf("failed to resolve prefix %q: %w", prefixDir, err)
	}
	if home, _ := os.UserHomeDir(); abs == filepath.Dir(abs) || abs == home {
		return "", &engine.TargetError{Op: "uninstall", Path: abs, Reason: "refusing to remove a root or home folder",
			Advice: "pass the folder onboard installed into with --prefix"}
	}
	if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
		// an uninstall run again, a folder removed by hand: said plainly,
		// not as a stat of a manifest (audit Y3)
		return "", &engine.TargetError{Op: "uninstall", Path: abs, Reason: "nothing is installed there: the folder does not exist",
			Advice: "check the folder's name; an install already removed needs nothing more"}
	}
	if _, err := os.Stat(state.ManifestPath(abs)); err != nil && state.LostState(abs) {
		// its launchers and environments.txt lines are still there, which
		// only an uninstall of the install removes (audit BM 9)
		return "", &engine.TargetError{Op: "uninstall", Path: abs, Reason: "its state folder " + state.DirName + " is gone (the conda settings onboard wrote there say onboard installed it)", Err: err,
			Advice: "run repair with the install's installer, which writes the state folder again (INSTALLER repair --prefix " + state.QuoteArg(abs) + "), then uninstall"}
	}
	if _, err := os.Stat(state.ManifestPath(abs)); err != nil {
		return "", &engine.TargetError{Op: "uninstall", Path: abs, Reason: "not an onboard install (it has no " + state.Rel(state.ManifestName) + ")", Err: err,
			Advice: "onboard only removes what it installed; check the folder, or remove it yourself"}
	}
	if err := engine.CheckNotAClone(abs); err != nil {
		return "", err // conda env remove removes it
	}
	return abs, nil
}

// uninstallSteps does everything but deleting the prefix, under the lock.
func uninstallSteps(ctx context.Context, abs, spelled string, opts Options, logf engine.Logf) error {
	rep := engine.ReporterOrNop(opts.Reporter)
	warnf := opts.warnf(logf)
	envs := state.Envs(abs, nil)
	man, _ := state.ReadManifest(abs)
	rep.Stage(engine.StageScripts, int64(len(envs)))
	for _, e := range envs {
		if err := ctx.Err(); err != nil {
			return err
		}
		runPreUnlinkScripts(ctx, e, abs, man, warnf)
		rep.Advance(1)
	}
	// a stop while the last env's scripts ran (they are killed with it)
	// is a stop before anything is removed, as the question said: the
	// uninstall went on and removed all (audit BP 1)
	if err := ctx.Err(); err != nil {
		return err
	}
	rep.Stage(engine.StageLaunchers, 0)
	// what `conda init` wrote for its conda into this user's shell files,
	// first: a start-up file the install made, with conda's block taken
	// out, is then left with onboard's alone, and goes with it (it was
	// left holding a blank line: audit AC 2, AK 6)
	for _, spelling := range slices.Compact([]string{abs, spelled}) {
		if _, err := platform.RemoveHostCondaInit(spelling, platform.Logf(logf)); err != nil {
			warnf("uninstall: %v", err)
		}
	}
	if err := engine.RemoveRecordedLaunchers(abs, logf); err != nil {
		return fmt.Errorf("failed to remove the launchers: %w", err)
	}
	if err := engine.RemoveMenus(abs, envs, man != nil && man.AllUsers, logf); err != nil { // and those conda made since
		warnf("uninstall: %v", err)
	}
	rep.Stage(engine.StageMetadata, 0)
	if p := prefix.EnvironmentsTxtPath(opts.EnvironmentsTxt); p != "" {
		// conda's list of envs, only a convenience (conda warns, and goes
		// on): a failure is logged, and the install is removed all the
		// same, rather than left half removed.
		for _, spelling := range slices.Compact([]string{abs, spelled}) {
			n, err := prefix.Unregister(p, spelling)
			if err != nil {
				warnf("uninstall: %v; remove the lines of %s and of the folders in it from %s by hand", err, spelling, p)
				continue
			}
			logf("uninstall: removed %d line(s) from %q", n, p)
		}
	}
	return nil
}

// runPreUnlinkScripts runs the pre-unlink script of every package of one
// env, in reverse name order, for the subdir the env was installed for;
// failures are only logged, as conda does.
func runPreUnlinkScripts(ctx context.Context, e state.Env, root string, man *state.Manifest, warnf engine.Logf) {
	m, err := state.ReadMeta(e.Dir)
	if err != nil {
		return
	}
	recs := m.Records
	sort.Slice(recs, func(i, j int) bool { return recs[i].FileName() > recs[j].FileName() })
	subdir := state.EnvSubdir(man, recs, hostSubdir)
	for _, r := range recs {
		_, err := link.RunScript(ctx, link.Script{Action: "pre-unlink", Prefix: e.Dir, RootPrefix: root,
			Subdir: subdir, Name: r.Name, Version: r.Version, Dist: r.Dist()})
		if err != nil {
			warnf("uninstall: pre-unlink script of %s failed: %v", r.Dist(), err)
		}
	}
}

// hostSubdir is this machine's conda subdir.
func hostSubdir() string { return platform.Detect().Subdir }

// removePrefix deletes the prefix. A running maintenance app inside it
// cannot delete itself on Windows; removeAroundRunningProgram handles that.
func removePrefix(abs string, logf, warnf engine.Logf) error {
	exe, _ := executable()
	// the program's file by its name in the prefix: started by another
	// spelling of it, or the installer whose hard link the maintenance app
	// is (audit AF)
	exe = selfexe.NameIn(exe, abs, state.AppPath(abs))
	if mustLeave(exe, abs) {
		return removeAroundRunningProgram(abs, exe, logf)
	}
	if err := engine.RemovePrefixFolder(abs, warnf); err != nil { // an empty folder left is said
		return fmt.Errorf("failed to remove %q: %w; close programs that use files in it and uninstall again", abs, err)
	}
	logf("uninstall: removed %q", abs)
	return nil
}

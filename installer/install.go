package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/rmtree"
	"onboard/platform"
)

// Install installs the bundle's base into Options.Prefix and each of its
// envs into PREFIX/envs/NAME, for the subdir chosen (Options.Subdir, else
// the best of this machine's candidates that the bundle has; none is a
// *PlatformError). It carries out the Plan of o: the same version, already
// installed (its records and maintenance app there), is left alone (Result.Changed false). A newer
// version replaces an older install: the old prefix is moved aside to
// PREFIX.onboard-old-<time> until the new one is complete, then removed,
// and put back when the install fails or is cancelled. An older version
// than the one installed, or another bundle's install, is refused with a
// *TargetError unless Options.Force. Each package is checked against the
// manifest as it is read (*BundleError).
//
// A refusal that the folder as it is already earns returns before
// anything is touched. Otherwise Install recovers an interrupted run, takes
// the prefix lock, and plans again on the folder as it now is, which may
// have changed since: that plan is the one carried out.
func Install(ctx context.Context, o Options) (*Result, error) {
	defer softMemoryLimit(largestEnvFiles(o.Bundle))()
	o.Reporter, o.Logf = ReporterOrNop(o.Reporter), LogfOrNop(o.Logf)
	first, err := Plan(ctx, o)
	if first.Kind == PlanNone {
		return nil, err
	}
	o.Prefix, o.KeepPackageCache = first.Prefix, first.KeepPackageCache
	in := &installRun{o: o, subdir: first.Subdir, log: newInstallLog(o.Logf)}
	defer engine.InstallUmask()()
	return in.run(ctx, first)
}

// installRun is the state of one Install.
type installRun struct {
	o      Options
	subdir string
	plan   *InstallPlan // the plan carried out, made under the lock
	log    *installLog
	notes  []string
	// warnings go to Result.Warnings
	warnings []string
	aside    string // the old prefix moved aside, "" when none
	// replaced is the install the prefix held, from its manifest (nil when none)
	replaced *InstalledVersion
	j        *engine.OpJournal // the journal of this install, beside the prefix

	unlockOld func() error // the lock of the install found at the prefix
	unlockNew func() error // the lock of the prefix being installed
	// self identifies the program the maintenance app is copied from, as
	// the install began (programAtStart); nil when it could not be read
	self *bundle.ProgramSum
}

// lockExisting takes the lock of an existing install (run recovers an
// interrupted run first), so that no other onboard works on it until this
// install is over.
func (in *installRun) lockExisting(ctx context.Context) error {
	p := in.o.Prefix
	if st, err := os.Stat(state.Dir(p)); err != nil || !st.IsDir() {
		return nil
	}
	if platform.OnlyLeftovers(state.Dir(p)) {
		// A log and a lock of a run that installed nothing (another
		// program deleted the install under it): no install to move
		// aside, which needs the parent folder writable (audit X).
		unlock, err := engine.LockPrefix(p) // not another onboard's
		if err != nil {
			return err
		}
		unlock()
		for _, n := range []string{state.LogName, state.LockName} {
			os.Remove(state.Path(p, n))
		}
		if err := os.Remove(state.Dir(p)); err != nil {
			return &TargetError{Path: p, Reason: "cannot remove onboard's leftovers in " + state.Dir(p), Err: err, Advice: "delete that folder and try again"}
		}
		in.log.Printf("removed %q: a log and a lock of a run that installed nothing", state.Dir(p))
		return nil
	}
	unlock, err := engine.LockPrefix(p)
	if err != nil {
		return err
	}
	in.unlockOld = unlock
	return nil
}

// unlock releases whichever locks are held.
func (in *installRun) unlock() {
	for _, u := range []*func() error{&in.unlockNew, &in.unlockOld} {
		if *u != nil {
			(*u)()
			*u = nil
		}
	}
}

// run carries out the plan. first is the plan of the folder as it was
// found; with nothing to recover, its refusal stands without touching
// anything.
func (in *installRun) run(ctx context.Context, first *InstallPlan) (*Result, error) {
	defer in.log.Close()
	o, m := in.o, &in.o.Bundle.Manifest
	in.log.Printf("install %s %s (%s) into %q from %s", m.Name, m.Version, in.subdir, o.Prefix, o.Bundle.Source)
	if first.Err != nil && first.Recover == "" {
		return nil, in.refuse(first.Err)
	}
	if src, err := maintenanceSource(); err == nil {
		s, err := programAtStart(src)
		var be *BundleError
		if errors.As(err, &be) {
			return nil, in.refuse(err)
		}
		if err == nil {
			in.self = &s
		}
	}
	defer in.unlock()
	rec, err := RecoverOutcome(ctx, o.Prefix, nil) // the note below logs what it did
	if err != nil {
		return nil, err
	}
	if m := rec.Message(); m != "" {
		in.note("%s", m)
	}
	if err := in.lockExisting(ctx); err != nil {
		if first.Kind == PlanNothingToDo && engine.IsReadOnlyFS(err) {
			// A run again on an install whose disk is read-only: nothing
			// to change, and nothing can be; the re-run is done, as the
			// dry run said (exit 0).
			in.note("%s is on a read-only disk: the install is there and healthy, and nothing was changed (nor could its launchers be)", o.Prefix)
			return in.result(false, nil), nil
		}
		if first.Kind == PlanNothingToDo && errors.Is(err, fs.ErrPermission) {
			// A user's run again on an install for all users (a login
			// script): healthy, nothing to do, and its lock is the
			// administrators' to take; it said exit 4, "choose another
			// folder", where the dry run said 0.
			in.note("%s is installed for all users, healthy: nothing to do, and nothing was changed", o.Prefix)
			return in.result(false, nil), nil
		}
		return nil, err
	}
	plan, err := Plan(ctx, o)
	if err != nil {
		return nil, in.refuse(err)
	}
	in.plan = plan
	for _, n := range plan.Notes {
		if !slices.Contains(plan.carryNotes, n) { // the result says it, as done
			in.notes = append(in.notes, n)
		}
	}
	for _, pr := range plan.Problems {
		in.notes = append(in.notes, pr.Message)
		in.log.Printf("%s", pr) // "warning: …": its severity first
	}
	if plan.Kind == PlanNothingToDo {
		defer in.logToExisting()
		if plan.writeLaunchers {
			in.launchers(ctx)
		}
		// its records and maintenance app are there (upToDate); its
		// files are verify's to check (audit T 4: "healthy" was said of an
		// install with files deleted)
		in.log.Printf("%s %s is already installed: nothing to do ('onboard verify' checks its files)", m.Name, m.Version)
		return in.result(false, nil), nil
	}
	in.log.Printf("plan: %s", plan.Kind)
	if p := m.Platforms[in.subdir]; p != nil {
		if t := bundle.MessagesText(p.WithMessages()); t != "" {
			in.log.Printf("%s", strings.TrimRight(t, "\n")) // the front ends showed them before
		}
	}
	res, err := in.swapInstall(ctx)
	if err != nil {
		in.log.Printf("install failed: %v", err)
		kept := "the folder is as it was before"
		if in.aside != "" && plan.Installed != nil {
			// an upgrade: the question it leaves is what is installed now
			kept = fmt.Sprintf("the upgrade was undone, and %s %s is installed as before", plan.Installed.Name, plan.Installed.Version)
			in.log.Printf("rolled back: %s %s is installed as before", plan.Installed.Name, plan.Installed.Version)
			if terr := asTargetError(o.Prefix, err, kept); terr != err || errors.Is(err, context.Canceled) {
				return nil, terr
			}
			return nil, &rolledBackError{err: err, kept: kept}
		}
		return nil, asTargetError(o.Prefix, err, kept)
	}
	return res, nil
}

// stillThere checks, before the install is called complete, that what it
// made is there: its manifest and each env's conda-meta/history. Another
// program deleting the folder under it made an install exit 0 that
// verify then found broken (audit T 5).
func (in *installRun) stillThere() error {
	p := in.o.Prefix
	man, err := state.ReadManifest(p)
	gone := state.Path(p, state.ManifestName)
	if err == nil {
		gone = ""
		for _, dir := range man.EnvDirs(p) {
			h := prefix.HistoryPath(dir)
			if _, err := os.Lstat(h); err != nil {
				gone = h
				break
			}
		}
	}
	if gone == "" {
		return nil
	}
	return &TargetError{Path: p, Reason: fmt.Sprintf("the install was deleted by another program while it was being made (%q is gone)", gone),
		Advice: "make sure nothing else works on the folder, and run the installer again"}
}

// rolledBackError is an upgrade's failure, which says what is installed
// now: the old version, put back.
type rolledBackError struct {
	err  error
	kept string
}

func (e *rolledBackError) Error() string { return e.err.Error() + "; " + e.kept }
func (e *rolledBackError) Unwrap() error { return e.err }

// refuse logs a refusal, in the existing install's log when there is one.
func (in *installRun) refuse(err error) error {
	in.log.Printf("refused: %v", err)
	in.logToExisting()
	return err
}

// logToExisting writes the pending log lines to an existing install's log.
func (in *installRun) logToExisting() {
	if st, err := os.Stat(state.Dir(in.o.Prefix)); err == nil && st.IsDir() {
		if in.log.Open(state.LogPath(in.o.Prefix)) == nil {
			in.log.Close()
		}
	}
}

// swapInstall moves an existing install aside, installs, and removes or
// restores the old one. The whole of it is journaled beside the prefix
// (opjournal.go): a run killed at any point is undone, or finished when
// the new install was complete, by the next onboard run on the prefix.
func (in *installRun) swapInstall(ctx context.Context) (*Result, error) {
	p := in.o.Prefix
	j, err := engine.BeginOp("install", p, "")
	if err != nil {
		return nil, err
	}
	in.j = j
	engine.CrashPoint("begun")
	st, _ := os.Stat(state.Dir(p))
	if st == nil && in.unlockOld != nil {
		// The install this run locked is gone: another program deleted
		// it. Making the new one in its place would find this run's own
		// lock and blame another onboard (audit T 5).
		in.rollback()
		return nil, &TargetError{Path: p, Reason: "the install was deleted by another program as the upgrade began; nothing was installed",
			Advice: "make sure nothing else works on the folder, and run the installer again"}
	}
	if st != nil {
		var left []string
		if old, err := state.ReadManifest(p); err == nil {
			u := changesSince(p, old, in.o.Bundle.Platform(in.subdir), in.newCondarc())
			in.notes = append(in.notes, u.addedNotes()...)
			left = u.Left
			in.replaced = installedVersion(old)
		}
		in.aside = state.AsidePath(p, time.Now().UnixNano())
		if len(left) > 0 {
			// the user's envs the bundle's of their names replace: a
			// silent run said nothing (audit AV 3)
			in.warnings = append(in.warnings, leftNote(left, in.aside))
		}
		// The old lock lives in the moved folder, which no one works on
		// once it is moved; the new prefix gets its own lock at once.
		if in.unlockOld != nil {
			in.unlockOld()
			in.unlockOld = nil
		}
		if err := j.MoveAside(in.aside); err != nil {
			in.rollback()
			return nil, &TargetError{Path: p, Reason: "the old install cannot be moved aside", Err: err,
				Advice: "close programs that use it (Jupyter, terminals in it) and try again"}
		}
		in.log.Printf("moved the old install aside to %q", in.aside)
	}
	unlock, err := engine.LockPrefix(p)
	if err != nil {
		in.rollback()
		return nil, err
	}
	in.unlockNew = unlock
	res, err := in.install(ctx)
	if err == nil {
		err = ctx.Err() // cancelled in a step that goes on to its end
	}
	if err == nil {
		err = in.stillThere()
	}
	if err == nil {
		in.saveIntended()
		err = j.Reach("finish")
	}
	if err != nil {
		in.rollback()
		in.logFailure(err)
		return nil, err
	}
	n0 := len(in.notes)
	// Only now, with the new install complete ("finish"): a rollback
	// deletes the new prefix, and would delete what was carried into it.
	keepAside := false
	if in.aside != "" {
		c, err := engine.CarryUserFiles(in.aside, p, in.log.Printf)
		if note := c.Note(in.aside); note != "" {
			in.notes = append(in.notes, note)
		}
		if err != nil {
			in.notes = append(in.notes, err.Error())
		}
		keepAside = err != nil || c.KeepAside()
	}
	in.launchers(ctx)
	in.log.Printf("installed %s %s (%s) into %q", in.o.Bundle.Manifest.Name, in.o.Bundle.Manifest.Version, in.subdir, p)
	in.unlock()
	if in.aside != "" && keepAside {
		in.log.Printf("kept the old install at %q: it holds what the new one could not take over", in.aside)
	} else if in.aside != "" {
		if err := rmtree.RemoveAll(in.aside); err != nil {
			in.notes = append(in.notes, fmt.Sprintf("the old install at %q could not be removed: %v; delete it by hand", in.aside, err))
		}
	}
	engine.CrashPoint("commit")
	j.Close(true)
	in.j = nil
	res.Notes = append(res.Notes, in.notes[n0:]...)
	return res, nil
}

// newCondarc is the conda settings file the new install writes
// (pkg.BundleCondarcFile; nil: none).
func (in *installRun) newCondarc() []byte {
	return in.o.Bundle.Manifest.CondarcYAML()
}

// rollback removes the half-made prefix and puts the old one back, from
// the journal, as a recovery after a crash would.
func (in *installRun) rollback() {
	in.o.Reporter.Stage(StageRollback, 0)
	in.unlock() // Windows cannot remove or rename folders with open files
	in.log.Close()
	if in.j == nil {
		return
	}
	if _, err := in.j.Undo(in.o.Logf); err != nil {
		// The journal stays: the next run tries again.
		in.o.Logf("rollback: %v", err)
		in.j.Close(false)
	} else {
		in.j.Close(true)
	}
	in.j = nil
}

// logFailure adds to the log of the install now at the prefix (the old
// one, put back after a failed upgrade) what this run logged and why it
// failed: the new install's log went with it, and the log is where an
// administrator looks.
func (in *installRun) logFailure(err error) {
	if in.aside == "" {
		return
	}
	path := state.LogPath(in.o.Prefix)
	if _, serr := os.Stat(path); serr != nil {
		return
	}
	l := newInstallLog(nil)
	if l.Open(path) != nil {
		return
	}
	defer l.Close()
	l.Printf("install of %s %s failed and was rolled back; this install was put back. Its log:", in.o.Bundle.Manifest.Name, in.o.Bundle.Manifest.Version)
	for _, line := range in.log.Kept() {
		l.Printf("  %s", line)
	}
	l.Printf("failed: %s", engine.Message(err))
}

func (in *installRun) result(changed bool, envs *envOutcome) *Result {
	r := &Result{Name: in.o.Bundle.Manifest.Name, ID: in.o.Bundle.Manifest.ID, Prefix: in.o.Prefix, Subdir: in.subdir, Version: in.o.Bundle.Manifest.Version,
		Envs: in.o.Bundle.Platform(in.subdir).EnvNames(), Changed: changed, Notes: append([]string(nil), in.notes...),
		LogPath: state.LogPath(in.o.Prefix), Replaced: in.replaced, Warnings: append([]string(nil), in.warnings...)}
	if envs != nil {
		r.Clashes = envs.clashes
		r.Notes = append(r.Notes, envs.notes...)
	}
	for i := range r.Notes { // Windows paths as Windows writes them
		r.Notes[i] = engine.PlainQuotes(r.Notes[i])
	}
	return r
}

// largestEnvFiles is the path count of the bundle's largest env and of its
// largest package, of any platform (0 when there is no bundle).
func largestEnvFiles(b *bundle.Bundle) (envFiles, pkgFiles int) {
	if b == nil {
		return 0, 0
	}
	count := func(pkgs []bundle.Package) {
		n := 0
		for _, p := range pkgs {
			n += p.Files
			pkgFiles = max(pkgFiles, p.Files)
		}
		envFiles = max(envFiles, n)
	}
	for _, pl := range b.Manifest.Platforms {
		count(pl.Base)
		for _, pkgs := range pl.Envs {
			count(pkgs)
		}
	}
	return envFiles, pkgFiles
}

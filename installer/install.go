package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/internal/rmtree"
)

// Install installs the bundle's base into Options.Prefix and each of its
// envs into PREFIX/envs/NAME, for the subdir chosen (Options.Subdir, else
// the best of this machine's candidates that the bundle has; none is a
// *PlatformError). Every package of that subdir is checked against the
// manifest before the prefix is touched (*BundleError). The same version,
// already installed and healthy, is left alone (Result.Changed false). A
// newer version replaces an older install: the old prefix is moved aside to
// PREFIX.onboard-old-<time> until the new one is complete, then removed, and
// put back when the install fails or is cancelled. An older version than
// the one installed, or another bundle's install, is refused with a
// *TargetError unless Options.Force.
func Install(ctx context.Context, o Options) (*Result, error) {
	defer softMemoryLimit()()
	if o.Bundle == nil {
		return nil, &UsageError{Msg: "no bundle to install"}
	}
	if o.Prefix == "" || !filepath.IsAbs(o.Prefix) {
		return nil, &UsageError{Msg: fmt.Sprintf("the prefix %q is not an absolute path; pass --prefix with a full path", o.Prefix)}
	}
	o.Prefix = filepath.Clean(o.Prefix)
	o.Reporter, o.Logf = ReporterOrNop(o.Reporter), LogfOrNop(o.Logf)
	subdir, note, err := chooseSubdir(o.Bundle, o.Subdir)
	if err != nil {
		return nil, err
	}
	in := &installRun{o: o, subdir: subdir, log: newInstallLog(o.Logf)}
	if note != "" {
		in.notes = append(in.notes, note)
	}
	defer installUmask()()
	return in.run(ctx)
}

// installRun is the state of one Install.
type installRun struct {
	o      Options
	subdir string
	log    *installLog
	notes  []string
	aside  string     // the old prefix moved aside, "" when none
	j      *opJournal // the journal of this install, beside the prefix

	unlockOld func() error // the lock of the install found at the prefix
	unlockNew func() error // the lock of the prefix being installed
}

// lockExisting takes the lock of an existing install (run recovers an
// interrupted run first), so that no other onboard works on it until this
// install is over.
func (in *installRun) lockExisting(ctx context.Context) error {
	p := in.o.Prefix
	if st, err := os.Stat(state.Dir(p)); err != nil || !st.IsDir() {
		return nil
	}
	unlock, err := LockPrefix(p)
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

func (in *installRun) run(ctx context.Context) (*Result, error) {
	defer in.log.Close()
	o, m := in.o, &in.o.Bundle.Manifest
	in.log.Printf("install %s %s (%s) into %q from %s", m.Name, m.Version, in.subdir, o.Prefix, o.Bundle.Source)
	defer in.unlock()
	rec, err := RecoverOutcome(ctx, o.Prefix, nil) // the note below logs what it did
	if err != nil {
		return nil, err
	}
	if m := rec.Message(); m != "" {
		in.note("%s", m)
	}
	if err := in.lockExisting(ctx); err != nil {
		return nil, err
	}
	old, err := in.decide()
	if err != nil || old == nil && in.upToDate() {
		defer in.logToExisting()
		if err == nil {
			if _, err := os.Stat(state.LaunchersPath(o.Prefix)); err != nil {
				// No launcher record: an install finished by a recovery
				// (killed while it made them), or one whose launchers
				// failed. Make them now.
				in.launchers()
			}
			in.log.Printf("%s %s is already installed and healthy: nothing to do", m.Name, m.Version)
			return in.result(false, nil), nil
		}
		in.log.Printf("refused: %v", err)
		return nil, err
	}
	if err := in.checkTarget(old != nil); err != nil {
		return nil, err
	}
	res, err := in.swapInstall(ctx)
	if err != nil {
		in.log.Printf("install failed: %v", err)
		return nil, asTargetError(o.Prefix, err)
	}
	return res, nil
}

// logToExisting writes the pending log lines to an existing install's log.
func (in *installRun) logToExisting() {
	if st, err := os.Stat(state.Dir(in.o.Prefix)); err == nil && st.IsDir() {
		if in.log.Open(state.LogPath(in.o.Prefix)) == nil {
			in.log.Close()
		}
	}
}

// decide compares the bundle with what the prefix holds. It returns the
// installed manifest when the install must replace it, nil when the prefix
// holds no onboard install or the same version (see upToDate).
func (in *installRun) decide() (*state.Manifest, error) {
	o, m := in.o, &in.o.Bundle.Manifest
	old, err := state.ReadManifest(o.Prefix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		if o.Force {
			return &state.Manifest{}, nil
		}
		return nil, &TargetError{Path: o.Prefix, Reason: "its " + state.Rel(state.ManifestName) + " is damaged", Err: err,
			Advice: "run 'onboard repair', or pass --force to install over it"}
	}
	if old.ID != m.ID && !o.Force {
		return nil, &TargetError{Path: o.Prefix, Reason: fmt.Sprintf("it holds %s (%s), another bundle", old.Name, old.ID),
			Advice: "choose another folder with --prefix, or uninstall that one first"}
	}
	switch c := bundle.CompareVersions(m.Version, old.Version); {
	case c < 0 && !o.Force:
		return nil, &TargetError{Path: o.Prefix, Reason: fmt.Sprintf("it holds %s %s, newer than this installer's %s", old.Name, old.Version, m.Version),
			Advice: "use the newer installer, or pass --force to go back to " + m.Version}
	case c == 0 && old.Subdir == in.subdir && !o.Force:
		return nil, nil
	}
	return old, nil
}

// upToDate reports whether the prefix holds this very bundle version for
// this subdir, healthy: every package has its conda-meta record and the
// maintenance app is there.
func (in *installRun) upToDate() bool {
	o := in.o
	old, err := state.ReadManifest(o.Prefix)
	if err != nil || old.ID != o.Bundle.Manifest.ID || old.Version != o.Bundle.Manifest.Version || old.Subdir != in.subdir {
		return false
	}
	if _, err := os.Stat(maintenancePath(o.Prefix)); err != nil {
		return false
	}
	p := o.Bundle.Platform(in.subdir)
	if !recordsPresent(o.Prefix, p.Base) {
		return false
	}
	for _, n := range p.EnvNames() {
		if !recordsPresent(filepath.Join(o.Prefix, "envs", n), p.Envs[n]) {
			return false
		}
	}
	return true
}

func recordsPresent(dir string, pkgs []bundle.Package) bool {
	for _, p := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, "conda-meta", p.Dist()+".json")); err != nil {
			return false
		}
	}
	return true
}

// swapInstall moves an existing install aside, installs, and removes or
// restores the old one. The whole of it is journaled beside the prefix
// (opjournal.go): a run killed at any point is undone, or finished when
// the new install was complete, by the next onboard run on the prefix.
func (in *installRun) swapInstall(ctx context.Context) (*Result, error) {
	p := in.o.Prefix
	j, err := beginOp("install", p)
	if err != nil {
		return nil, err
	}
	in.j = j
	crashPoint("begun")
	if st, _ := os.Stat(state.Dir(p)); st != nil {
		in.aside = state.AsidePath(p, time.Now().UnixNano())
		// The old lock lives in the moved folder, which no one works on
		// once it is moved; the new prefix gets its own lock at once.
		if in.unlockOld != nil {
			in.unlockOld()
			in.unlockOld = nil
		}
		if err := j.moveAside(in.aside); err != nil {
			in.rollback()
			return nil, &TargetError{Path: p, Reason: "the old install cannot be moved aside", Err: err,
				Advice: "close programs that use it (Jupyter, terminals in it) and try again"}
		}
		in.log.Printf("moved the old install aside to %q", in.aside)
	}
	unlock, err := LockPrefix(p)
	if err != nil {
		in.rollback()
		return nil, err
	}
	in.unlockNew = unlock
	res, err := in.install(ctx)
	if err == nil {
		err = j.reach("finish")
	}
	if err != nil {
		in.rollback()
		return nil, err
	}
	n0 := len(in.notes)
	in.launchers()
	in.log.Printf("installed %s %s (%s) into %q", in.o.Bundle.Manifest.Name, in.o.Bundle.Manifest.Version, in.subdir, p)
	in.unlock()
	if in.aside != "" {
		if err := rmtree.RemoveAll(in.aside); err != nil {
			in.notes = append(in.notes, fmt.Sprintf("the old install at %q could not be removed: %v; delete it by hand", in.aside, err))
		}
	}
	crashPoint("commit")
	j.close(true)
	in.j = nil
	res.Notes = append(res.Notes, in.notes[n0:]...)
	return res, nil
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
	if _, err := in.j.undo(in.o.Logf); err != nil {
		// The journal stays: the next run tries again.
		in.o.Logf("rollback: %v", err)
		in.j.close(false)
	} else {
		in.j.close(true)
	}
	in.j = nil
}

func (in *installRun) result(changed bool, envs *envOutcome) *Result {
	r := &Result{Prefix: in.o.Prefix, Subdir: in.subdir, Version: in.o.Bundle.Manifest.Version,
		Envs: in.o.Bundle.Platform(in.subdir).EnvNames(), Changed: changed, Notes: append([]string(nil), in.notes...),
		LogPath: state.LogPath(in.o.Prefix)}
	if envs != nil {
		r.Clashes = envs.clashes
		r.Notes = append(r.Notes, envs.notes...)
	}
	return r
}

package maintain

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/pkg"
	"onboard/installer/state"
)

// errKeptGone says that the copy of the bundle an install keeps for its
// repairs is gone: the file the install kept it in is not there.
var errKeptGone = errors.New("it is gone")

// errNoneKept says that neither file an install keeps its bundle in is
// there: the maintenance app is gone too, or the prefix was made by
// InstallEnv alone (the tests' fixtures), and no copy is put back.
var errNoneKept = errors.New("neither the maintenance app nor bundle.zip is there")

// openKeptBundle opens the bundle the install at prefixDir keeps for its
// repairs (see the install's writeMaintenance): bundle.zip beside the
// maintenance app, or appended to it. path is the file it came from, or
// the first one there when none opens (err then says why); "" when
// neither file is there. When bundle.zip is gone and the app carries no
// bundle, path is bundle.zip and err errKeptGone: the install kept its
// bundle there (audit BM 6: the note blamed the app, which nobody had
// changed). Repair takes packages from it, and verify checks that it is
// still this install's.
func openKeptBundle(prefixDir string) (f *bundle.Found, path string, err error) {
	kept, app := state.BundlePath(prefixDir), state.AppPath(prefixDir)
	for _, p := range []string{kept, app} {
		// a link that leads nowhere is that file's fault, not the next's
		// (audit AH: verify blamed the maintenance app)
		if _, serr := os.Lstat(p); serr != nil {
			continue
		}
		found, oerr := bundle.Discover(bundle.DiscoverOptions{Path: p})
		if oerr == nil {
			return found, p, nil
		}
		if path == "" {
			path, err = p, oerr
		}
	}
	if path == app && !carriesZip(app) {
		return nil, kept, errKeptGone
	}
	return nil, path, err
}

// carriesZip tells whether the program at path has a zip appended (whole
// or not), so that it, not a bundle.zip beside it, holds the install's
// bundle; true when that cannot be told.
func carriesZip(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return true
	}
	p, err := bundle.FindPayload(f, st.Size())
	return err != nil || p.ZipSize > 0
}

// keptUsable tells whether the install keeps a copy of its bundle that
// opens, is the bundle of man, and, unless it is the file given (given),
// holds the packages of man's platform whole: a repair given the
// installer reads it once to find a copy damaged in place (audit BM 11),
// which a repair without it cannot take packages from. why says what is
// wrong with it, for the log.
func keptUsable(ctx context.Context, prefixDir string, man *state.Manifest, given string) (ok bool, why error) {
	f, p, err := openKeptBundle(prefixDir)
	if p == "" {
		return false, errNoneKept
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if f.Manifest.ID != man.ID || f.Manifest.Version != man.Version {
		return false, fmt.Errorf("it is %s %s", f.Manifest.Name, f.Manifest.Version)
	}
	if given != "" && sameFile(p, given) {
		return true, nil
	}
	if err := f.Verify(ctx, man.Subdir, 2, nil); err != nil {
		return false, err
	}
	return true, nil
}

// sameFile tells whether a and b are the same file.
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// isInstallsBundle tells whether the bundle manifest m is the one man was
// installed from: its id and version, and for the install's platform the
// same packages with the same sha256.
func isInstallsBundle(m *bundle.Manifest, man *state.Manifest) bool {
	if m.ID != man.ID || m.Version != man.Version {
		return false
	}
	a, b := m.Platforms[man.Subdir], man.Platforms[man.Subdir]
	if a == nil || b == nil {
		return a == b
	}
	want := map[string]string{}
	for _, p := range b.All() {
		want[p.Dist()] = p.SHA256
	}
	got := a.All() // an env's package may be the base's too: counted by list
	if len(got) != len(b.All()) {
		return false
	}
	for _, p := range got {
		if sha, ok := want[p.Dist()]; !ok || sha != p.SHA256 {
			return false
		}
	}
	return true
}

// repairWithInstaller is the command that repairs the install at prefix
// with its installer file given for INSTALLER.
func repairWithInstaller(prefix string) string {
	return state.AppCommand(prefix, "repair", "--prefix", prefix, "--bundle", "INSTALLER")
}

// keptBundleError is a repair stopped by the copy of the bundle the
// install keeps for repairs: gone, not usable, or damaged where a
// package was read from it. Repairing again cannot help; the install's
// installer given with --bundle can, and puts the copy back
// (repairer.keepBundle).
type keptBundleError struct {
	Prefix string
	Path   string // the kept copy
	Of     string // "Name Version" of the install; "" when not known
	Dist   string // the package read from it when it failed; "" = none
	Err    error  // what is wrong; errKeptGone when it is gone
}

func (e *keptBundleError) Error() string {
	what := "the copy of the bundle the install keeps for repairs, " + e.Path
	switch {
	case errors.Is(e.Err, errKeptGone):
		return what + ", is gone"
	case e.Dist != "":
		return fmt.Sprintf("failed to take %s from %s, which is damaged: %v", e.Dist, what, e.Err)
	}
	return fmt.Sprintf("%s, is damaged (%v)", what, e.Err)
}

func (e *keptBundleError) Unwrap() error { return e.Err }

// hint says what to do: give the installer, as one command.
func (e *keptBundleError) hint() string {
	of := "this was installed from"
	if e.Of != "" {
		of = "of " + e.Of
	}
	return fmt.Sprintf("repair with the installer file %s, which also puts the copy back: run %s in a terminal, with that file's path for INSTALLER",
		of, repairWithInstaller(e.Prefix))
}

// keptError is the keptBundleError of a kept copy at path that could not
// be opened (err), or of none kept at all (path "").
func (rp *repairer) keptError(path string, err error) *keptBundleError {
	if path == "" {
		path, err = state.BundlePath(rp.prefix), errKeptGone
	}
	return &keptBundleError{Prefix: rp.prefix, Path: path, Of: rp.installName(), Err: err}
}

// keptFault is err, which reading the package dist from the bundle gave,
// as the kept copy's fault when the bundle is that copy and err says its
// bytes are not what its manifest lists: a copy that installed this very
// package has been damaged since (audit BM 11: the hint said to repair
// again, which failed the same way).
func (rp *repairer) keptFault(dist string, err error) error {
	if rp.kept == "" || !isReadDamage(err) {
		return err
	}
	return &keptBundleError{Prefix: rp.prefix, Path: rp.kept, Of: rp.installName(), Dist: dist, Err: err}
}

// isReadDamage tells whether err says that bytes read from a bundle are
// damaged: a package's hash or size, its archive, or the zip itself.
func isReadDamage(err error) bool {
	var (
		hm *pkg.HashMismatchError
		pe *pkg.Error
		fe *pkg.FormatError
		be *bundle.Error
	)
	return errors.As(err, &hm) || errors.As(err, &pe) || (errors.As(err, &fe) && !fe.NotHere) || errors.As(err, &be) ||
		errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF)
}

// installName is "Name Version" of the install, "" before its manifest
// is known.
func (rp *repairer) installName() string {
	if rp.man == nil {
		return ""
	}
	return rp.man.Name + " " + rp.man.Version
}

// keepBundle puts the copy of the bundle the install keeps for repairs
// back from the bundle given with --bundle, as the install keeps it
// (engine.KeepBundle), when that copy is gone, does not open, is another
// bundle's or is damaged (keptUsable), and the given bundle is the
// install's (isInstallsBundle): so later repairs work without --bundle
// again (audit BM 6).
func (rp *repairer) keepBundle(ctx context.Context, man *state.Manifest) error {
	if rp.opts.BundlePath == "" || man == nil {
		return nil
	}
	ok, why := keptUsable(ctx, rp.prefix, man, rp.opts.BundlePath)
	if errors.Is(why, context.Canceled) {
		return why
	}
	if ok || errors.Is(why, errNoneKept) {
		return nil
	}
	b, err := rp.bundle()
	if err != nil || b == nil {
		return nil // a --bundle that cannot be used was refused up front
	}
	if !isInstallsBundle(&b.Manifest, man) {
		rp.logf("repair: the copy of the bundle kept for repairs is not usable (%v), and %q is %s %s, not the bundle this install of %s %s was made from: not kept in its place",
			why, rp.opts.BundlePath, b.Manifest.Name, b.Manifest.Version, man.Name, man.Version)
		return nil
	}
	rp.logf("repair: the copy of the bundle kept for repairs is not usable (%v): putting it back from %q", why, rp.opts.BundlePath)
	how, err := engine.KeepBundle(b, state.BundlePath(rp.prefix), man.AllUsers)
	if err != nil {
		return err
	}
	rp.logf("repair: bundle for repairs: %s", how)
	rp.fixed(BaseEnv, "", fmt.Sprintf("put back %s, the copy of the bundle kept for repairs, from %s", state.Rel(state.BundleName), b.Path))
	return nil
}

// checkKeptBundle notes when the bundle the install keeps for repairs is
// gone, unusable, or no longer this install's version: the install itself
// is whole, but a repair that needs a package would fail. On an install
// for one user the maintenance app is a hard link of the installer that
// was run, so writing another file over that download in place (cp,
// curl -o) changes it too.
func (v *verifier) checkKeptBundle() {
	if v.man == nil {
		return
	}
	m := v.man.Manifest
	fix := fmt.Sprintf("a repair that needs packages will fail until it is given the installer of %s %s, which also puts the copy back: %s",
		m.Name, m.Version, repairWithInstaller(v.prefix))
	f, p, err := openKeptBundle(v.prefix)
	switch {
	case p == "":
		v.note("the install keeps no copy of its bundle for repairs (%s is gone); %s", state.AppPath(v.prefix), fix)
	case errors.Is(err, errKeptGone):
		v.note("the copy of the bundle the install keeps for repairs, %s, is gone; %s", p, fix)
	case err != nil:
		v.note("the copy of the bundle the install keeps for repairs, %s, is not usable (%v): it was changed or replaced since the install (a hard link of the installer changes with it); %s", p, err, fix)
	default:
		defer f.Close()
		if f.Manifest.ID != m.ID || f.Manifest.Version != m.Version {
			v.note("the copy of the bundle the install keeps for repairs, %s, is now %s %s, not this install's %s %s: it was changed or replaced since the install (a hard link of the installer changes with it); %s",
				p, f.Manifest.Name, f.Manifest.Version, m.Name, m.Version, fix)
		}
	}
}

package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/internal/buildgui"
	"onboard/internal/rmtree"
	"onboard/platform"
)

// IsInside tells whether p is dir or a path under it.
func IsInside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && (rel == "." || !startsWithDotDot(rel))
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:2] == ".." && os.IsPathSeparator(rel[2])
}

// RemoveRecordedLaunchers removes what the launchers.json of the install
// at prefixDir records (an old install being replaced, or one being
// uninstalled); nothing when it has none.
func RemoveRecordedLaunchers(prefixDir string, logf Logf) error {
	return RemoveRecordedLaunchersOf(prefixDir, prefixDir, logf)
}

// RemoveRecordedLaunchersOf removes the launchers that the launchers.json
// in dir records for the install at owner: dir is owner, or the folder an
// upgrade moved owner's old install to. A record of another install (one
// copied in with the folder) is not this install's to act on.
func RemoveRecordedLaunchersOf(dir, owner string, logf Logf) error {
	return platform.Remove(recordedLaunchers(dir, owner, logf), platform.Logf(logf))
}

// CheckRecordedLaunchers refuses, before anything is changed, an uninstall
// of the install at prefixDir whose launchers cannot all be removed (an
// immutable launcher file, a folder this user may not write): a
// *TargetError with the code "launcher-stuck" (exit 4), naming them and
// what to do. Else the uninstall would stop half-way, some launchers gone
// and the install still there.
func CheckRecordedLaunchers(prefixDir string) error {
	err := platform.CheckRemove(recordedLaunchers(prefixDir, prefixDir, nil))
	var se *platform.StuckError
	if !errors.As(err, &se) {
		return err
	}
	return &TargetError{Path: prefixDir, Op: "uninstall", Reason: se.Error(), Advice: se.Hint(), Code: TargetLauncherStuck}
}

// recordedLaunchers is the launcher record in dir of the install at
// owner, or what it likely made where that record is gone or not its own.
func recordedLaunchers(dir, owner string, logf Logf) platform.Record {
	path := state.LaunchersPath(dir)
	rec, err := platform.LoadRecord(path)
	if err == nil && !samePath(rec.Prefix, owner) {
		err = fmt.Errorf("the launcher record %s is of the install at %s, not of %s", path, rec.Prefix, owner)
	}
	if err != nil {
		// No record (an install killed before it saved it, or one made
		// without launchers), a damaged one, or another install's: what a
		// default install makes is removed where it names this install,
		// as Remove checks every file, and nothing else.
		if !errors.Is(err, fs.ErrNotExist) {
			LogfOrNop(logf)("%v: removing the launchers an install of this bundle makes, where they name it", err)
		}
		rec = LikelyLaunchers(dir, owner)
	}
	return rec
}

// SamePath tells whether a and b are one folder: as spelled, or once
// their symlinks are resolved (an install reached through a symlinked
// folder above it, /data/acme and /mnt/data/acme).
func SamePath(a, b string) bool { return samePath(a, b) }

func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	return errA == nil && errB == nil && ra == rb
}

// AppInfo is what the launchers and the "Apps & features" entry of the
// install of m at prefix say about it: its name, id, version, publisher
// and URL.
func AppInfo(m *bundle.Manifest, prefix string) platform.AppInfo {
	return platform.AppInfo{Name: m.Name, ID: m.ID, Version: m.Version, Publisher: m.Publisher, URL: m.URL, Prefix: prefix}
}

// LikelyLaunchers is the record of what an install at owner would have
// made of its launchers, for this user and for all users: its bundle's
// launchers (from the manifest in dir: owner, or where an upgrade moved
// it), the maintenance launcher and the shell blocks; for removing them
// when the install's own record is gone, damaged or another's.
func LikelyLaunchers(dir, owner string) platform.Record {
	t, env := platform.HostTarget(), platform.HostEnv()
	rec := platform.Record{Schema: 1, Target: t, Prefix: owner}
	for _, f := range platform.ShellFiles(t, env) {
		rec.Shell = append(rec.Shell, platform.ShellEdit{Path: f})
	}
	man, err := state.ReadManifest(dir)
	if err != nil {
		return rec
	}
	app := AppInfo(&man.Manifest, owner)
	var items []platform.LauncherSpec
	for _, l := range man.Launchers {
		items = append(items, platform.LauncherSpec{Name: l.Name, Env: l.Env})
	}
	items = append(items, platform.MaintenanceSpec(man.Name, buildgui.HasWindow))
	for _, all := range []bool{false, true} {
		if plan, err := platform.Launchers(t, env, app, items, all); err == nil {
			p := platform.PlannedRecord(plan)
			p.Shell = nil
			rec.Merge(p)
		}
	}
	return rec
}

// ShellBin is the folder of the install at p that the shell set-up puts on
// PATH: condabin on Windows or when the install has one, else bin.
func ShellBin(p string) string {
	if runtime.GOOS == "windows" {
		return filepath.Join(p, "condabin")
	}
	if _, err := os.Stat(filepath.Join(p, "condabin")); err == nil {
		return filepath.Join(p, "condabin")
	}
	return filepath.Join(p, "bin")
}

// RemoveOnClose closes a scratch file and removes it.
type RemoveOnClose struct{ F *os.File }

// Close closes the file and removes it; the error is the close's.
func (r RemoveOnClose) Close() error {
	err := r.F.Close()
	os.Remove(r.F.Name())
	return err
}

// FollowPrefixLink returns where the prefix p really is when p itself is a
// symlink (/srv/python -> /data/python, made to put the install on another
// disk): every command works on that folder, so that an uninstall removes
// the install, not the link, and an upgrade moves the install aside, not
// the link. A prefix that is no symlink, or one that leads nowhere, is p.
// (Folders above it that are links need nothing: renaming and removing p
// go through them.)
func FollowPrefixLink(p string) string {
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return p
	}
	r, err := filepath.EvalSymlinks(p)
	if err != nil || !filepath.IsAbs(r) {
		return p
	}
	return r
}

// RemovePrefixFolder deletes the folder p and everything in it. A folder
// that cannot itself be removed once emptied (a mount point: EBUSY; one in
// a read-only or protected parent) is left, empty: what was installed is
// gone, and the folder was the administrator's to make.
func RemovePrefixFolder(p string, logf Logf) error {
	err := rmtree.RemoveAll(p)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if ents, rerr := os.ReadDir(p); rerr == nil && len(ents) == 0 {
		LogfOrNop(logf)("left the empty folder %q, which cannot be removed (%v): a mount point, or a folder in one that may not be changed", p, err)
		return nil
	}
	return err
}

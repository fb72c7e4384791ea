package installer

// Plan: what Install would do, worked out without doing any of it. The
// wizard asks it as a person types a folder, `install --dry-run` prints
// it, and Install carries it out (plan_install.go), so all three decide
// the same way.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf16"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/link"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/buildgui"
	"onboard/platform"
)

// PlanKind says what Install would do with the folder.
type PlanKind int

// The kinds of plan. A refused plan (downgrade, another bundle, a damaged
// install, or a folder that cannot be used) carries its error in
// InstallPlan.Err; with Options.Force the first three go ahead.
const (
	PlanNone        PlanKind = iota // nothing could be planned: no bundle, a relative path, the platform not in the bundle
	PlanFresh                       // no install of onboard's is there: a new install
	PlanNothingToDo                 // this version is installed for this subdir and healthy
	PlanUpgrade                     // an older version of the bundle is installed: it is replaced
	PlanReinstall                   // this version is installed but incomplete or for another subdir (or Force): it is installed again
	PlanDowngrade                   // a newer version is installed: refused unless Force
	PlanOtherBundle                 // another bundle's install is there: refused unless Force
	PlanDamaged                     // an install whose .onboard/manifest.json cannot be read: refused unless Force
)

var planKindNames = [...]string{"none", "fresh", "nothing-to-do", "upgrade", "reinstall", "downgrade", "other-bundle", "damaged-install"}

// String returns the kind as --dry-run --json prints it: "fresh",
// "nothing-to-do", "upgrade", ...
func (k PlanKind) String() string {
	if k < 0 || int(k) >= len(planKindNames) {
		return fmt.Sprintf("PlanKind(%d)", int(k))
	}
	return planKindNames[k]
}

// MarshalText makes a PlanKind read as its String in JSON.
func (k PlanKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// InstallPlan is what Install would do with Options: the verdict, and what
// it rests on. Its JSON is what `onboard install --dry-run --json` prints
// (docs/bundle.md, "What an install would do").
type InstallPlan struct {
	Kind PlanKind `json:"kind"`
	// Proceed says Install would install the bundle: no refusal, and not
	// nothing-to-do (which only remakes launchers whose record is gone).
	Proceed bool `json:"proceed"`
	// Name, ID and Version are the bundle's.
	Name    string `json:"name"`
	ID      string `json:"id"`
	Version string `json:"version"`
	// Installed is the install the folder holds (once an interrupted run
	// is recovered); nil when none.
	Installed *InstalledVersion `json:"installed,omitempty"`
	Prefix    string            `json:"prefix"`
	Platform  string            `json:"platform"` // the machine's OS/architecture, e.g. "linux/amd64"
	Subdir    string            `json:"subdir"`   // the bundle's payload chosen for it
	Envs      []PlanEnv         `json:"envs"`     // base first
	// NeedBytes is the disk space the install takes from the disk
	// (bundle.Platform.DiskEstimate, less the bundle's copy for repairs
	// when that is a hard link: du counts a link, the disk does not);
	// FreeBytes what the disk has free for this user, -1 when unknown.
	// SharedBytes is what that hard link saves: the whole kept file, which
	// du counts and the Welcome step's figure with it (DiskEstimate and
	// CarriedBeyond), and NeedBytes does not (0 when it is copied).
	NeedBytes   int64 `json:"need_bytes"`
	FreeBytes   int64 `json:"free_bytes"`
	SharedBytes int64 `json:"shared_bytes,omitempty"`
	// LongestPath is the length, in UTF-16 units as Windows counts a path, of the longest file path
	// the install writes (the prefix included); PathLimit the OS's limit
	// (259 on Windows), 0 when it has none.
	LongestPath      int  `json:"longest_path"`
	PathLimit        int  `json:"path_limit"`
	KeepPackageCache bool `json:"keep_package_cache"`
	AllUsers         bool `json:"all_users"`
	// Forced says a reinstall is only what --force asks: the version
	// there is this one, complete and for this platform.
	Forced bool `json:"forced,omitempty"`
	// Launchers are those Install would create, LauncherFiles the files,
	// app bundles, shortcuts and registry keys they are made of, and
	// ShellFiles the start-up files the shell set-up would change.
	Launchers     []PlanLauncher `json:"launchers"`
	LauncherFiles []string       `json:"launcher_files"`
	ShellFiles    []string       `json:"shell_files,omitempty"`
	// Recover names the interrupted operation on the folder that Install
	// first rolls back or finishes ("install", "uninstall", "operation");
	// the plan is of the folder as that leaves it.
	Recover string `json:"recover,omitempty"`
	// Problems are the folder checks' findings (platform.CheckPrefix):
	// warnings, and the error that refuses the folder.
	Problems []platform.Problem `json:"problems,omitempty"`
	Notes    []string           `json:"notes,omitempty"`
	// Error, Code, Hint and ExitCode describe Err: the message, its code
	// (a TargetError code, or "usage", "platform", "admin-required"...),
	// what to do, and the exit code Install would end with (0 when it
	// would not fail).
	Error    string `json:"error,omitempty"`
	Code     string `json:"code,omitempty"`
	Hint     string `json:"hint,omitempty"`
	ExitCode int    `json:"exit_code"`
	// Err is why Install would refuse, the typed error it would return
	// (ExitCode, errors.As); nil when it would not.
	Err error `json:"-"`

	specs          []platform.LauncherSpec // the launchers, for Install
	writeLaunchers bool                    // Install (re)makes the launchers
	carryNotes     []string                // the Notes on what a replacement keeps: said again, in the past, by the result
}

// InstalledVersion is the install a folder holds, from its manifest.
type InstalledVersion struct {
	Name     string `json:"name"`
	ID       string `json:"id"`
	Version  string `json:"version"`
	Subdir   string `json:"subdir"`
	AllUsers bool   `json:"all_users,omitempty"`
}

// installedVersion is what the manifest old says of its install.
func installedVersion(old *state.Manifest) *InstalledVersion {
	return &InstalledVersion{Name: old.Name, ID: old.ID, Version: old.Version, Subdir: old.Subdir, AllUsers: old.AllUsers}
}

// PlanEnv is one env an install makes.
type PlanEnv struct {
	Name     string `json:"name"` // "base" for the prefix itself
	Prefix   string `json:"prefix"`
	Packages int    `json:"packages"`
	Bytes    int64  `json:"bytes"` // its package files
}

// PlanLauncher is one launcher an install creates.
type PlanLauncher struct {
	Name string `json:"name"`
	Env  string `json:"env,omitempty"` // "" = the maintenance app's
}

// Plan works out what Install(ctx, o) would do, and changes nothing: it
// takes no lock, writes no file (on Unix; on Windows the folder check
// creates and removes a probe file), creates no folder and recovers no
// interrupted run (it plans on the folder as the recovery would leave
// it). It is cheap enough to call as a person types a folder.
//
// The error is the one Install would refuse with before writing anything
// (a *UsageError, *PlatformError, *TargetError with a Code,
// *AdminRequiredError), nil when it would go ahead; the plan says the
// same in Err. The plan is never nil. Install checks again, under its
// lock, since the folder may change in between; Plan does not see a
// second onboard working on the folder (Install's *LockedError).
func Plan(ctx context.Context, o Options) (*InstallPlan, error) {
	return planWith(ctx, o, hostPlanner())
}

// planHost is the machine a plan is made for: the real one, or in tests a
// Windows target on a Linux host.
type planHost struct {
	target platform.Target
	env    platform.Env
	facts  func(prefix string) platform.PrefixFacts
	// virtual gives the machine's conda virtual packages for a subdir;
	// nil = not known (nothing is checked).
	virtual func(subdir string) platform.Virtual
}

func hostPlanner() planHost {
	return planHost{target: platform.HostTarget(), env: platform.HostEnv(), facts: platform.HostPrefixFacts, virtual: hostVirtual}
}

// hostVirtual is this machine's conda virtual packages for subdir.
func hostVirtual(subdir string) platform.Virtual {
	return platform.VirtualPackages(platform.Detect(), subdir, os.LookupEnv)
}

// CheckSystem is the check of Plan that this machine can run the
// packages of b's subdir (an *OldSystemError when not), for a front end
// to make before it asks anything.
func CheckSystem(b *bundle.Bundle, subdir string) error {
	return checkVirtual(&b.Manifest, subdir, planHost{virtual: hostVirtual})
}

// checkVirtual refuses a payload this machine cannot run
// (platform.CheckVirtual): what the bundle's virtual_specs ask, then the
// first package, in the order of the envs, whose dependencies ask more.
func checkVirtual(m *bundle.Manifest, subdir string, h planHost) error {
	pl := m.Platforms[subdir]
	if h.virtual == nil || pl == nil {
		return nil
	}
	v := h.virtual(subdir)
	if len(v) == 0 {
		return nil // another OS's payload (--subdir): not this machine's to judge
	}
	if prob := platform.CheckVirtual(m.Name+" "+m.Version, pl.VirtualSpecs, v); prob != nil {
		return &OldSystemError{Subdir: subdir, Problem: *prob}
	}
	for _, p := range pl.All() {
		if prob := platform.CheckVirtual(p.Name+" "+p.Version, p.Depends, v); prob != nil {
			return &OldSystemError{Subdir: subdir, Problem: *prob}
		}
	}
	return nil
}

func planWith(ctx context.Context, o Options, h planHost) (*InstallPlan, error) {
	p := newPlan(o, h.target)
	err := p.work(ctx, o, h)
	p.setErr(err)
	for i := range p.Notes { // Windows paths as Windows writes them
		p.Notes[i] = engine.PlainQuotes(p.Notes[i])
	}
	return p, err
}

func newPlan(o Options, t platform.Target) *InstallPlan {
	return &InstallPlan{Prefix: o.Prefix, Platform: t.String(), FreeBytes: -1, KeepPackageCache: o.KeepPackageCache,
		AllUsers: o.AllUsers, Envs: []PlanEnv{}, Launchers: []PlanLauncher{}, LauncherFiles: []string{}}
}

// NoPlan is the plan when nothing could be planned because of err, found
// before Plan could be asked (no bundle): Kind PlanNone, err in Err.
func NoPlan(o Options, err error) *InstallPlan {
	p := newPlan(o, platform.HostTarget())
	p.setErr(err)
	return p
}

// CheckPackages reads every package of the plan's payload out of b and
// checks it against the manifest (size and sha256; the md5 goes into conda-meta unchecked, as the install leaves it), as the install does
// while it extracts, when the plan would install: `install --dry-run`
// then exits as the install would for a damaged package too (3), where
// it said 0 (audit W2). It records a failure in the plan and returns it.
func (p *InstallPlan) CheckPackages(ctx context.Context, b *bundle.Bundle) error {
	if !p.Proceed || b == nil {
		return p.Err
	}
	if err := b.Verify(ctx, p.Subdir, 0, nil); err != nil {
		err = WrapBundleError(err)
		p.setErr(err)
		return err
	}
	return nil
}

// setErr records the refusal in the plan.
func (p *InstallPlan) setErr(err error) {
	p.Err = err
	p.Proceed = err == nil && p.Kind != PlanNone && p.Kind != PlanNothingToDo
	p.ExitCode = ExitCode(err)
	if err != nil {
		p.Error, p.Code, p.Hint = engine.Message(err), ErrorCode(err), HintFor(err)
	}
}

func (p *InstallPlan) work(ctx context.Context, o Options, h planHost) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.Bundle == nil {
		return &UsageError{Msg: "no bundle to install"}
	}
	m := &o.Bundle.Manifest
	p.Name, p.ID, p.Version = m.Name, m.ID, m.Version
	if o.Prefix == "" {
		return &UsageError{Msg: "no folder to install into: choose one (--prefix DIR)"}
	}
	if !h.target.IsAbs(o.Prefix) {
		return &UsageError{Msg: fmt.Sprintf("cannot install into %q: it is not an absolute path; give the full path of a folder", o.Prefix)}
	}
	if probs := platform.NameProblems(h.target, o.Prefix); len(probs) > 0 {
		// before anything of the folder is read: Windows answers "Invalid
		// name", which read as a damaged install
		return &TargetError{Path: o.Prefix, Reason: probs[0].Message, Code: probs[0].Code, Advice: probs[0].Hint}
	}
	p.Prefix = filepath.Clean(o.Prefix)
	if h.target == platform.HostTarget() {
		// A prefix that is a symlink: the install goes where it leads,
		// so that an upgrade moves that folder aside, not the link.
		if r := engine.FollowPrefixLink(p.Prefix); r != p.Prefix {
			p.Notes = append(p.Notes, fmt.Sprintf("%s is a symlink to %s: the install goes there", p.Prefix, r))
			p.Prefix = r
		} else if _, err := os.Stat(p.Prefix); errors.Is(err, syscall.ELOOP) {
			return loopError(p.Prefix)
		} else if fi, err := os.Lstat(p.Prefix); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p.Prefix)
			return &TargetError{Path: p.Prefix, Reason: fmt.Sprintf("it is a symlink to %s, which does not exist", target), Code: platform.ProblemNotDir,
				Advice: "create the folder it leads to first, or choose another folder"}
		}
	}
	if h.target == platform.HostTarget() {
		// another onboard at work there: what it leaves is not known yet
		if err := engine.Busy(p.Prefix); err != nil {
			return err
		}
	}
	if !o.KeepPackageCache && h.target == platform.HostTarget() && KeepsPackageCache(p.Prefix) {
		// the install's choice, which IT's installer run again without
		// the flag, and the window (which does not ask), must not undo:
		// offline, pkgs/ is what conda clones and installs from
		o.KeepPackageCache, p.KeepPackageCache = true, true
		p.Notes = append(p.Notes, "the install keeps conda's package cache (pkgs/), so the new version keeps one too")
	}
	subdir, note, err := chooseSubdir(o.Bundle, o.Subdir)
	if err != nil {
		return err
	}
	p.Subdir = subdir
	if note != "" {
		p.Notes = append(p.Notes, note)
	}
	pl := o.Bundle.Platform(subdir)
	if err := checkVirtual(m, subdir, h); err != nil {
		return err
	}
	p.envs(h.target, pl)
	est := pl.DiskEstimate(MaintenanceAppBytes(), entryPointExe(o.WindowsLauncher, subdir), o.KeepPackageCache)
	p.NeedBytes = est + CarriedExtra(o.Bundle, pl, p.Prefix, o.AllUsers)
	// the full size, as du counts it and Welcome says, less what the disk
	// gives: the whole kept file when it is a hard link (the other
	// platforms' archives too: audit BJ 3)
	p.SharedBytes = max(0, est+CarriedBeyond(o.Bundle, pl)-p.NeedBytes)
	req := platform.PrefixRequest{Prefix: p.Prefix, NeedBytes: p.NeedBytes, MaxRelPath: maxRelPath(pl, o.KeepPackageCache),
		NeedFiles: pl.FileEstimate(o.KeepPackageCache), Envs: pl.EnvNames()}
	p.LongestPath, p.PathLimit = platform.LongestPath(req), platform.PathLimit(h.target)
	p.planLaunchers(o, h)

	after := predictRecovery(p.Prefix)
	p.Recover = after.op
	if after.op != "" {
		p.Notes = append(p.Notes, recoverNote(after))
	}
	old, err := p.decide(o, subdir, after)
	if err != nil || p.Kind == PlanNothingToDo {
		return err // a user's run again on a healthy install for all users has nothing to do
	}
	if o.AllUsers && !canInstallForAllUsers() {
		// its launchers, modes and shared folders are an administrator's
		// to make: the install went ahead, exit 0, without them, and
		// verify then called it damaged
		return &AdminRequiredError{Prefix: p.Prefix, Action: "install-for-all-users"}
	}
	if old != nil {
		if err := engine.CheckMayModify(after.root, "replace"); err != nil {
			return err
		}
	}
	if old != nil {
		u := changesSince(after.root, old, pl, m.CondarcYAML())
		p.carryNotes = u.planNotes()
		p.Notes = append(p.Notes, p.carryNotes...)
	}
	return p.checkFolder(h, req, after, old != nil)
}

// KeepsPackageCache tells whether the install at prefixDir keeps conda's
// package cache (--keep-package-cache), as its manifest says. An install
// over it keeps one too.
func KeepsPackageCache(prefixDir string) bool {
	m, err := state.ReadManifest(prefixDir)
	return err == nil && m.PackageCache != nil && *m.PackageCache
}

// canInstallForAllUsers tells whether this process may install for all
// users (root; an elevated administrator on Windows); tests replace it.
var canInstallForAllUsers = platform.CanInstallForAllUsers

// envs lists the base and each env, in the order Install makes them.
func (p *InstallPlan) envs(t platform.Target, pl *bundle.Platform) {
	size := func(pkgs []bundle.Package) (n int64) {
		for _, k := range pkgs {
			n += k.Size
		}
		return n
	}
	p.Envs = []PlanEnv{{Name: state.BaseEnv, Prefix: p.Prefix, Packages: len(pl.Base), Bytes: size(pl.Base)}}
	for _, n := range pl.EnvNames() {
		p.Envs = append(p.Envs, PlanEnv{Name: n, Prefix: t.Join(p.Prefix, "envs", n), Packages: len(pl.Envs[n]), Bytes: size(pl.Envs[n])})
	}
}

// decide compares the bundle with the install the folder holds once
// recovered, and sets Kind and Installed. It returns that install's
// manifest when Install would replace it.
func (p *InstallPlan) decide(o Options, subdir string, after afterRecovery) (*state.Manifest, error) {
	m := &o.Bundle.Manifest
	old, err := readPlanManifest(after.root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.Kind = PlanFresh
		return nil, nil
	case errors.Is(err, syscall.ENAMETOOLONG):
		// no install can be there: the folder check says why
		p.Kind = PlanFresh
		return nil, nil
	case errors.Is(err, syscall.ELOOP):
		// a loop of symlinks on the way: no folder, not a damaged
		// install (audit BA 2)
		return nil, loopError(p.Prefix)
	case errors.Is(err, fs.ErrPermission):
		return nil, &TargetError{Path: p.Prefix, Reason: "this user may not look into it (permission denied)", Code: platform.ProblemUncheckable,
			Advice: "choose a folder of your own, or run the installer as the folder's owner or an administrator"}
	case err != nil && fileInTheWay(p.Prefix) != "":
		f := fileInTheWay(p.Prefix)
		return nil, &TargetError{Path: p.Prefix, Reason: fmt.Sprintf("%s is a file, not a folder", f), Code: platform.ProblemNotDir,
			Advice: "choose another folder, or move that file away"}
	case err != nil:
		p.Kind = PlanDamaged
		if o.Force {
			return &state.Manifest{}, nil
		}
		return nil, &TargetError{Path: p.Prefix, Reason: "its .onboard/manifest.json is damaged", Err: err, Code: TargetDamaged,
			Advice: "run " + state.RepairCommand(p.Prefix) + ", or pass --force to install over it"}
	}
	p.Installed = installedVersion(old)
	if old.ID != m.ID {
		p.Kind = PlanOtherBundle
		if !o.Force {
			return nil, &TargetError{Path: p.Prefix, Reason: fmt.Sprintf("it holds %s (%s), another bundle", old.Name, old.ID), Code: TargetOtherBundle,
				Advice: "choose another folder with --prefix, or uninstall that one first"}
		}
		return old, nil
	}
	switch c := bundle.CompareVersions(m.Version, old.Version); {
	case c < 0:
		p.Kind = PlanDowngrade
		if !o.Force {
			return nil, &TargetError{Path: p.Prefix, Reason: fmt.Sprintf("it holds %s %s, newer than this installer's %s", old.Name, old.Version, m.Version), Code: TargetDowngrade,
				Advice: "use the newer installer, or pass --force to go back to " + m.Version}
		}
	case c > 0:
		p.Kind = PlanUpgrade
	case old.Subdir == subdir && !o.Force && upToDate(after.root, o.Bundle, subdir):
		p.Kind = PlanNothingToDo
		// An install finished by a recovery (killed while it made its
		// launchers), or one whose launchers failed, has no launcher
		// record, or one whose launchers are not all there: Install
		// makes them now.
		if launchersMade(after.root) {
			p.Launchers, p.LauncherFiles, p.ShellFiles, p.writeLaunchers = []PlanLauncher{}, []string{}, nil, false
		}
		return nil, nil
	default:
		p.Kind = PlanReinstall
		p.Forced = o.Force && old.Subdir == subdir && upToDate(after.root, o.Bundle, subdir)
	}
	return old, nil
}

// readPlanManifest reads the manifest of the install in dir ("" = none)
// from its owner, installer/state.
func readPlanManifest(dir string) (*state.Manifest, error) {
	if dir == "" {
		return nil, fs.ErrNotExist
	}
	return state.ReadManifest(dir)
}

// upToDate reports whether dir holds this very bundle version for this
// subdir, healthy: every package has its conda-meta record, or the env's
// conda-meta/history shows it removed or replaced with conda, or the env
// was removed with conda (prefix.EnvRemovedWithConda): the user's changes,
// which verify does not call damage either; and the maintenance app is
// there.
func upToDate(dir string, b *bundle.Bundle, subdir string) bool {
	old, err := readPlanManifest(dir)
	if err != nil || old.ID != b.Manifest.ID || old.Version != b.Manifest.Version || old.Subdir != subdir {
		return false
	}
	if _, err := os.Stat(maintenancePath(dir)); err != nil {
		return false
	}
	p := b.Platform(subdir)
	if !recordsPresent(dir, p.Base) {
		return false
	}
	list := prefix.EnvironmentsTxtPath("")
	for _, n := range p.EnvNames() {
		env := filepath.Join(dir, "envs", n)
		if prefix.EnvRemovedWithConda(env, dir, list) || prefix.EnvMadeWithConda(env) {
			continue // the user's change, as verify says
		}
		if !recordsPresent(env, p.Envs[n]) {
			return false
		}
	}
	return true
}

func recordsPresent(dir string, pkgs []bundle.Package) bool {
	var removed map[string]bool
	for _, p := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, "conda-meta", p.Dist()+".json")); err == nil {
			continue
		}
		if removed == nil {
			data, err := os.ReadFile(filepath.Join(dir, "conda-meta", "history"))
			if err != nil {
				return false
			}
			removed = prefix.RemovedByHistory(data)
		}
		if !removed[p.Dist()] {
			return false
		}
	}
	return true
}

// checkFolder runs the platform's checks of the folder (writable, space,
// path length, spelling, conda envs around it). An install of onboard's
// that is being replaced is no "not empty" problem.
func (p *InstallPlan) checkFolder(h planHost, req platform.PrefixRequest, after afterRecovery, replacing bool) error {
	facts := after.facts(h.facts(p.Prefix))
	p.FreeBytes = facts.FreeBytes
	var refusal error
	for _, pr := range platform.CheckPrefixWith(h.target, after.env(h.env), req, facts) {
		if replacing && pr.Code == platform.ProblemNotEmpty {
			continue
		}
		p.Problems = append(p.Problems, pr)
		if pr.Severity == platform.Error && refusal == nil {
			refusal = &TargetError{Path: p.Prefix, Reason: pr.Message, Advice: pr.Hint, Code: pr.Code}
		}
	}
	for _, pr := range besideProblems(h.target, p.Prefix, replacing, facts) {
		p.Problems = append(p.Problems, pr)
		if refusal == nil {
			refusal = &TargetError{Path: p.Prefix, Reason: pr.Message, Advice: pr.Hint, Code: pr.Code}
		}
	}
	return refusal
}

// besideProblems are what would stop the install where it works beside
// the prefix, found before anything is done: the journal
// PARENT/.NAME.onboard-journal, and for one that replaces an install, the
// old one moved aside to PARENT/NAME.onboard-old-<n> (a rename), which a
// mount point cannot be. Each name must fit in a folder entry (255 bytes
// on Unix, 255 UTF-16 units on Windows).
func besideProblems(t platform.Target, prefixDir string, replacing bool, f platform.PrefixFacts) []platform.Problem {
	var out []platform.Problem
	base := t.Base(prefixDir)
	size := len(base)
	if t.OS == "windows" {
		size = len(utf16.Encode([]rune(base)))
	}
	names := map[string]int{"the journal beside it (." + base + state.DirName + "-journal)": size + 1 + len(state.DirName) + len("-journal")}
	if replacing {
		names["the old install, moved aside while the new one is made ("+base+state.DirName+"-old-<time>)"] = size + len(state.DirName) + len("-old-") + 19
	}
	for what, n := range names {
		if n > 255 {
			out = append(out, platform.Problem{Severity: platform.Error, Code: platform.ProblemTooLong, Path: prefixDir,
				Message: fmt.Sprintf("the folder's name is too long for %s: %d characters, over the 255 a name may have", what, n),
				Hint:    fmt.Sprintf("choose a folder whose last part is at most %d characters", size-(n-255))})
		}
	}
	if replacing && f.MountPoint {
		out = append(out, platform.Problem{Severity: platform.Error, Code: platform.ProblemMountPoint, Path: prefixDir,
			Message: "it is a mount point: onboard replaces an install by moving it aside, which a mount point cannot be",
			Hint:    "uninstall it first (the empty folder stays), then install; or install into a folder inside it"})
	}
	return out
}

// Warnings returns the messages of the folder checks' warnings.
func (p *InstallPlan) Warnings() []string {
	var out []string
	for _, pr := range p.Problems {
		if pr.Severity == platform.Warning {
			out = append(out, pr.Message)
		}
	}
	return out
}

// planLaunchers lists the launchers Options ask for and the files they
// are made of on this machine (platform.Launchers, which writes nothing).
func (p *InstallPlan) planLaunchers(o Options, h planHost) {
	p.writeLaunchers = true
	for _, s := range launcherSpecs(o) {
		if !s.Launchable(h.target) {
			// a build without windows on macOS: its menu needs a
			// terminal, which an .app that Finder starts has not
			p.Notes = append(p.Notes, fmt.Sprintf("no %s launcher: this build of onboard has no window, and a macOS app starts with no terminal; "+
				"run %s in Terminal for its menu of verify, repair and uninstall", s.Name, state.AppPath(p.Prefix)))
			continue
		}
		p.specs = append(p.specs, s)
		p.Launchers = append(p.Launchers, PlanLauncher{Name: s.Name, Env: s.Env})
	}
	if len(p.specs) > 0 {
		m := &o.Bundle.Manifest
		app := engine.AppInfo(m, p.Prefix)
		app.Icon = launcherIcon(o)
		lp, err := platform.Launchers(h.target, h.env, app, p.specs, o.AllUsers)
		if err != nil {
			p.Notes = append(p.Notes, fmt.Sprintf("launchers would not be created: %v", err))
		} else {
			p.LauncherFiles = launcherPaths(lp)
		}
	}
	if o.ShellSetup {
		p.ShellFiles = platform.ShellFiles(h.target, h.env)
		if len(p.ShellFiles) == 0 {
			p.Notes = append(p.Notes, noShellSetup(h.target))
		}
	}
}

// noShellSetup says why a shell set-up asked for changes nothing on t.
func noShellSetup(t platform.Target) string {
	if t.OS == "windows" {
		return "the shell set-up changes nothing on Windows (conda's own conda init is not run): " +
			"open a terminal with an environment activated, conda included, from the maintenance window's Terminal button"
	}
	return "the shell set-up changes nothing: no home folder was found for its start-up files"
}

// launcherSpecs are the launchers Options ask for: the bundle's (Jupyter)
// and the maintenance app's.
func launcherSpecs(o Options) []platform.LauncherSpec {
	var items []platform.LauncherSpec
	if o.JupyterLauncher {
		for _, l := range o.Bundle.Manifest.Launchers {
			items = append(items, platform.LauncherSpec{Name: l.Name, Env: l.Env})
		}
	}
	if o.MaintenanceLauncher {
		items = append(items, platform.MaintenanceSpec(o.Bundle.Manifest.Name, buildgui.HasWindow))
	}
	return items
}

// launcherPaths names what a launcher plan creates: app bundles, files
// outside them, shortcuts and registry keys.
func launcherPaths(lp platform.Plan) []string {
	out := append([]string{}, lp.Bundles...)
	for _, f := range lp.Files {
		inBundle := false
		for _, b := range lp.Bundles {
			if strings.HasPrefix(f.Path, b+"/") || strings.HasPrefix(f.Path, b+`\`) {
				inBundle = true
			}
		}
		if !inBundle {
			out = append(out, f.Path)
		}
	}
	for _, s := range lp.Shortcuts {
		out = append(out, s.Path)
	}
	for _, r := range lp.Registry {
		out = append(out, r.Root+`\`+r.Key)
	}
	return out
}

// noarchPythonGrowth is how much longer a noarch: python path gets when
// site-packages/ becomes lib/pythonX.YY/site-packages/ (Lib/site-packages on
// Windows, shorter).
const noarchPythonGrowth = len("lib/python3.14t/")

// maxRelPath is the longest path, inside the prefix, that an install of pl
// writes: where packages are extracted (the env's scratch folder
// .condatmp/pkgs/<dist>/..., or the package cache pkgs/<dist>/... with
// keepCache) and in the base or an env.
func maxRelPath(pl *bundle.Platform, keepCache bool) int {
	longest := 0
	measure := func(envDir string, pkgs []bundle.Package) {
		for _, k := range pkgs {
			if k.LongestPath == 0 {
				continue
			}
			inCache := len(envDir+".condatmp/pkgs/"+k.Dist()+"/") + k.LongestPath
			if keepCache {
				inCache = len("pkgs/"+k.Dist()+"/") + k.LongestPath
			}
			inEnv := len(envDir) + k.LongestPath + noarchPythonGrowth
			longest = max(longest, inCache, inEnv)
		}
	}
	measure("", pl.Base)
	for _, n := range pl.EnvNames() {
		measure("envs/"+n+"/", pl.Envs[n])
	}
	return longest
}

// CarriedExtra is what the install's copy of bundle b for offline repairs
// takes from the disk of prefix beyond what DiskEstimate counts for it
// (this subdir's archives once, and the maintenance app): nothing of it,
// so minus those, when it is carried as a hard link (the bundle file on
// the same file system, the installing user's own, an install for that
// user: engine.CarryFile); else CarriedBeyond, the rest of the file copied.
// The free-space check needs this; the Welcome step's figure, as du
// counts the install, adds CarriedBeyond, since du counts a link in full.
func CarriedExtra(b *bundle.Bundle, pl *bundle.Platform, prefix string, allUsers bool) int64 {
	if b == nil {
		return 0
	}
	if b.Path != "" && platform.CanHardLink(b.Path, prefix) && !allUsers && engine.MayShare(b.Path) {
		return -carriedCounted(b, pl)
	}
	return CarriedBeyond(b, pl)
}

// CarriedBeyond is how much more than DiskEstimate counts for it the
// install's copy of bundle b takes, as du counts it: the whole file is
// kept (a signed installer stays whole), so every other platform's
// archives, the zip's own records and assets, and the installer itself
// when it carries the bundle and is not the maintenance app. The demo's
// bundle, from the program's own bytes, is written out as its zip. 0 when
// the file cannot be read.
func CarriedBeyond(b *bundle.Bundle, pl *bundle.Platform) int64 {
	if b == nil {
		return 0
	}
	size := b.ZipSize()
	if b.Path != "" {
		st, err := os.Stat(b.Path)
		if err != nil {
			return 0
		}
		size = st.Size()
	}
	return max(0, (size+4095)/4096*4096-carriedCounted(b, pl))
}

// carriedCounted is what DiskEstimate counts of the install's copy of b:
// this subdir's archives once, and the maintenance app when the bundle's
// file is the installer that becomes it.
func carriedCounted(b *bundle.Bundle, pl *bundle.Platform) int64 {
	counted := pl.CarriedBytes()
	if b.Path == "" {
		return counted
	}
	if src, err := maintenanceSource(); err == nil && sameFile(b.Path, src) {
		counted += MaintenanceAppBytes()
	}
	return counted
}

// MaintenanceAppBytes is the size of the maintenance app an install
// writes: this program without an appended bundle; 0 when unknown.
func MaintenanceAppBytes() int64 {
	exe, err := maintenanceSource()
	if err != nil {
		return 0
	}
	n, _ := bundle.PlainSize(exe)
	return n
}

// ErrorCode names the kind of err for scripts and front ends: a
// TargetError's Code, or "usage", "bundle", "platform", "in-use",
// "admin-required", "not-installed", "cancelled", "target"; "" for nil,
// "failed" for anything else.
func ErrorCode(err error) string {
	var (
		te *TargetError
		ae *AdminRequiredError
		le *LockedError
		ne *NotInstalledError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &te) && te.Code != "":
		return te.Code
	case errors.As(err, &ae):
		return "admin-required"
	case errors.As(err, &le):
		return "in-use"
	case errors.As(err, &ne):
		return "not-installed"
	}
	switch ExitCode(err) {
	case ExitUsage:
		return "usage"
	case ExitBundle:
		return "bundle"
	case ExitPlatform:
		return "platform"
	case ExitCancelled:
		return "cancelled"
	case ExitTarget:
		return "target"
	}
	return "failed"
}

// entryPointExe is the size of the launcher .exe each entry point of a
// Windows env gets (0 for other envs, or with no launcher).
func entryPointExe(launcher func(subdir string) []byte, subdir string) int64 {
	if launcher == nil || !link.IsWindows(subdir) {
		return 0
	}
	return int64(len(launcher(subdir)))
}

// fileInTheWay returns p, or the folder above it, that exists and is not
// a folder ("" when none is): an install there cannot be made, nor read.
func fileInTheWay(p string) string {
	for {
		fi, err := os.Stat(p)
		if err == nil {
			if fi.IsDir() {
				return ""
			}
			return p
		}
		up := filepath.Dir(p)
		if up == p {
			return ""
		}
		p = up
	}
}

// launchersMade tells whether the install at dir has its launcher record
// and every launcher file it names (the record is saved before they are
// made, and names them when they could not be).
func launchersMade(dir string) bool {
	rec, err := platform.LoadRecord(state.LaunchersPath(dir))
	if err != nil || rec.Planned { // saved before they were made: maybe never made
		return false
	}
	for _, f := range rec.Files {
		if _, err := os.Stat(f.Path); err != nil && f.Source == "" {
			return false
		}
	}
	for _, b := range rec.Bundles {
		if _, err := os.Stat(b); err != nil {
			return false
		}
	}
	return true
}

// loopError refuses a folder whose path goes through symlinks that lead
// back to themselves: the system finds no folder there.
func loopError(prefix string) error {
	return &TargetError{Path: prefix, Reason: "its path goes through symlinks that lead back to each other (a loop), so there is no folder there", Code: platform.ProblemNotDir,
		Advice: "choose another folder, or change those symlinks so that they lead to a folder"}
}

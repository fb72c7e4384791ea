package maintain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/humanize"
	"onboard/internal/rmtree"
)

// RepairOptions configures Repair.
type RepairOptions struct {
	// Bundle is where archives gone from PREFIX/pkgs are taken from; nil =
	// open BundlePath, else discover the bundle beside or inside this program.
	Bundle     *bundle.Bundle
	BundlePath string
	// EnvironmentsTxt is the conda registry; "" = ~/.conda/environments.txt,
	// "-" = leave it alone.
	EnvironmentsTxt string
	// Env limits the repair to one environment, as VerifyOptions.Env
	// limits a check; "" repairs the whole install.
	Env string
	// WindowsLauncher supplies the entry-point launcher when a Windows
	// package with entry points is linked again (see
	// EnvRequest.WindowsLauncher).
	WindowsLauncher func(subdir string) []byte
	// LauncherIcon is the icon of the launchers repair makes again when
	// the bundle carries none (installer.Options.LauncherIcon).
	LauncherIcon []byte
	Reporter     engine.Reporter
	Logf         engine.Logf
}

// Fix is one thing Repair did.
type Fix struct {
	Env     string `json:"env"`
	Package string `json:"package,omitempty"` // "" for env-wide metadata
	Action  string `json:"action"`            // e.g. "re-linked", "re-extracted ...", "wrote conda-meta/history"
}

// RepairResult reports what Repair did and what is left.
type RepairResult struct {
	Prefix string `json:"prefix"`
	// Env is the one environment repaired (RepairOptions.Env); "" = the
	// whole install.
	Env    string    `json:"env,omitempty"`
	Before []Problem `json:"before"` // what verify found first
	Fixed  []Fix     `json:"fixed"`
	Left   []Problem `json:"left"` // what verify still finds afterwards
	After  *Report   `json:"-"`
}

// Repair puts an install right: it verifies, re-links only the damaged
// paths of the damaged packages (a whole package when its record is gone
// or unreadable) from an extracted copy (PREFIX/pkgs, re-extracting an
// archive whose extracted copy is damaged, and taking the archive from
// the bundle when it is gone), runs their post-link scripts again,
// restores conda-meta/history, environments.txt and the launchers, then
// verifies again what it worked on. It works under the prefix lock, one
// journaled transaction per package, so a repair that is killed is
// rolled back package by package by the next run. Files no package owns
// are left alone. When problems are left it returns the result and an
// error (exit code 1) that says how many.
func Repair(ctx context.Context, prefixDir string, opts RepairOptions) (*RepairResult, error) {
	abs, err := filepath.Abs(prefixDir)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve prefix %q: %w", prefixDir, err)
	}
	abs = engine.FollowPrefixLink(abs)
	if err := engine.CheckInstalled(abs); err != nil {
		return nil, err // before the lock: a folder with no install is left as it was
	}
	if err := engine.CheckMayModify(abs, "repair"); err != nil {
		return nil, err
	}
	defer engine.InstallUmask()()
	rp := newRepairer(abs, opts)
	defer rp.close()
	if opts.BundlePath != "" && opts.Bundle == nil {
		// a --bundle that cannot be used is refused before anything is
		// done (exit 3), as install refuses it
		if _, err := rp.bundle(); err != nil {
			var be *bundle.Error
			if errors.As(err, &be) {
				return nil, &engine.BundleError{Path: be.Path, Reason: be.Reason, Err: be.Err, Advice: be.Advice}
			}
			return nil, err
		}
	}
	if _, err := engine.RecoverOutcome(ctx, abs, rp.logf); err != nil {
		return nil, err
	}
	unlock, err := engine.LockForMaintenance(abs, "repair")
	if err != nil {
		return nil, err
	}
	defer unlock()
	return rp.run(ctx)
}

// repairer holds the state of one Repair run.
type repairer struct {
	prefix string
	opts   RepairOptions
	logf   engine.Logf
	man    *state.Manifest
	bnd    *bundle.Bundle
	bndErr error
	opened bool
	// kept is the copy of the bundle the install keeps for repairs when
	// bnd is that copy (a package read from it damaged is its fault).
	kept string
	res  *RepairResult
	// relinked lists, per env, the dists this run re-linked; failed, per
	// env, those it tried to and could not (their history keeps them).
	relinked map[string][]string
	failed   map[string]map[string]bool
	// keepsCache is whether the install keeps a package cache (see
	// keepsPackageCache), found once.
	keepsCache func() bool
	// v is the first check: its record heads are what repair knows of
	// the envs' packages (no record is read whole again).
	v *verifier
	// heads are the record heads of each env, as the first check read
	// them and as whole re-links rewrote them.
	heads map[string][]*prefix.Record
	// partial lists, per env and dist, the paths of the packages of which
	// only the damaged paths were linked again: all the second check
	// looks at in them.
	partial map[string]map[string]map[string]bool
}

func newRepairer(prefix string, opts RepairOptions) *repairer {
	rp := &repairer{prefix: prefix, opts: opts, logf: engine.LogfOrNop(opts.Logf), bnd: opts.Bundle,
		res: &RepairResult{Prefix: prefix, Env: opts.Env, Before: []Problem{}, Fixed: []Fix{}, Left: []Problem{}}}
	// asked once the first check has read the manifest; packages are
	// repaired on several goroutines
	rp.keepsCache = sync.OnceValue(rp.keepsPackageCache)
	return rp
}

func (rp *repairer) pkgsDir() string { return filepath.Join(rp.prefix, "pkgs") }

// keepsPackageCache tells whether the install keeps a package cache
// (--keep-package-cache), as its manifest says (state.Manifest's
// PackageCache); for a manifest written before that was recorded, whether
// PREFIX/pkgs holds the archive or the extracted copy of a package of the
// bundle. A pkgs/ that conda made since does not count: any conda command
// makes one (for its own index cache, and the packages it fetched, the
// bundle's among them), and taking it for the install's would copy each
// repaired package's archive and extracted copy into it and re-link the
// whole package, where a scratch folder and the damaged paths do.
func (rp *repairer) keepsPackageCache() bool {
	if !isDir(rp.pkgsDir()) {
		return false
	}
	if rp.man != nil && rp.man.PackageCache != nil {
		return *rp.man.PackageCache
	}
	if rp.man == nil || rp.man.Platforms[rp.man.Subdir] == nil {
		return true // nothing to tell it by: as before
	}
	return holdsBundlePackage(rp.pkgsDir(), rp.man.Platforms[rp.man.Subdir])
}

// holdsBundlePackage tells whether pkgsDir holds the archive or the
// extracted copy of a package of pl.
func holdsBundlePackage(pkgsDir string, pl *bundle.Platform) bool {
	if pl == nil || !isDir(pkgsDir) {
		return false
	}
	lists := [][]bundle.Package{pl.Base}
	for _, ps := range pl.Envs {
		lists = append(lists, ps)
	}
	for _, ps := range lists {
		for _, p := range ps {
			if isDir(filepath.Join(pkgsDir, p.Dist())) {
				return true
			}
			if _, err := os.Stat(filepath.Join(pkgsDir, p.Fn)); err == nil {
				return true
			}
		}
	}
	return false
}

func (rp *repairer) verifyOpts() VerifyOptions {
	return VerifyOptions{EnvironmentsTxt: rp.opts.EnvironmentsTxt, Env: rp.opts.Env, Reporter: rp.opts.Reporter, Logf: rp.opts.Logf}
}

func (rp *repairer) fixed(env, dist, action string) {
	rp.logf("repair: %s %s: %s", env, dist, action)
	rp.res.Fixed = append(rp.res.Fixed, Fix{Env: env, Package: dist, Action: action})
}

func (rp *repairer) run(ctx context.Context) (*RepairResult, error) {
	v, before, err := verifyAt(ctx, rp.prefix, rp.verifyOpts(), nil)
	if before == nil {
		return nil, err
	}
	rp.res.Before = before.Problems
	if before.Healthy {
		rp.res.After = before
		return rp.res, rp.keepBundle(ctx, v.man)
	}
	var failures []error
	if hasKind(before.Problems, ProblemManifest) {
		// First: what the rest checks the install against.
		if err := rp.writeManifest(); err != nil {
			failures = append(failures, err)
			rp.logf("repair: %v", err)
		} else if v, before, err = verifyAt(ctx, rp.prefix, rp.verifyOpts(), nil); before == nil {
			return rp.res, err
		} else if before.Healthy {
			rp.res.After = before
			return rp.res, rp.keepBundle(ctx, v.man)
		}
	}
	rp.v, rp.man = v, v.man
	if err := rp.keepBundle(ctx, rp.man); err != nil {
		if errors.Is(err, context.Canceled) {
			return rp.res, err
		}
		failures = append(failures, err)
		rp.logf("repair: %v", err)
	}
	targets := rp.linkOrder(repairTargets(before))
	rep := engine.ReporterOrNop(rp.opts.Reporter)
	rep.Stage(engine.StageLink, 0)
	for _, t := range targets {
		rep.Item(t.env + ": " + t.dist)
		if err := rp.repairPackage(ctx, t); err != nil {
			if errors.Is(err, context.Canceled) {
				return rp.res, err
			}
			if rp.failed == nil {
				rp.failed = map[string]map[string]bool{}
			}
			if rp.failed[t.env] == nil {
				rp.failed[t.env] = map[string]bool{}
			}
			rp.failed[t.env][t.dist] = true
			failures = append(failures, err)
			rp.logf("repair: %v", err)
		}
	}
	failures = append(failures, rp.repairMetadata(ctx, before)...)
	failures = append(failures, rp.writeHistory()...)
	if rp.man != nil && rp.man.AllUsers {
		for _, dir := range rp.touchedEnvDirs() {
			if err := engine.NormaliseModes(dir); err != nil {
				failures = append(failures, err)
			}
		}
	}
	after, err := rp.checkAgain(ctx, before)
	if after == nil {
		return rp.res, err
	}
	rp.res.After, rp.res.Left = after, after.Problems
	if !after.Healthy {
		return rp.res, &RepairError{Left: len(after.Problems), Causes: failures, Prefix: rp.prefix}
	}
	return rp.res, nil
}

// checkAgain verifies what this repair worked on: the envs that had
// problems and, in them, the packages that had problems (the others were
// healthy a moment ago, under the same lock, and a re-link writes only its
// own package's paths) — of a package whose damaged paths alone were
// linked again, those paths; the launchers and the maintenance app when
// they had problems. Paths
// that other packages of those envs also own are still settled against
// them.
func (rp *repairer) checkAgain(ctx context.Context, before *Report) (*Report, error) {
	envs := map[string]bool{}
	only := map[string]map[string]bool{}
	launchers, app := false, false
	for _, p := range before.Problems {
		envs[p.Env] = true
		if only[p.Env] == nil {
			only[p.Env] = map[string]bool{}
		}
		if p.Package != "" {
			only[p.Env][p.Package] = true
		}
		launchers = launchers || p.Kind == ProblemLauncher
		app = app || p.Kind == ProblemApp
	}
	_, after, err := verifyAt(ctx, rp.prefix, rp.verifyOpts(), func(v *verifier) {
		v.envSet, v.only, v.onlyPaths, v.launchers, v.app = envs, only, rp.partial, launchers, app
	})
	return after, err
}

// touchedEnvDirs are the folders whose modes a repair of an install for
// all users sets again: the install's, or the one env's it repaired.
func (rp *repairer) touchedEnvDirs() []string {
	if rp.opts.Env == "" {
		return []string{rp.prefix}
	}
	return []string{rp.envDir(rp.opts.Env)}
}

// RepairError reports a repair that could not put everything right. It
// maps to exit code 1.
type RepairError struct {
	Left   int     // problems verify still finds
	Causes []error // why packages could not be repaired
	Prefix string  // the install, for the commands the hint gives
}

func (e *RepairError) Error() string {
	s := "repair left " + humanize.Count(e.Left, "problem")
	if len(e.Causes) > 0 {
		s += ": " + errors.Join(e.Causes...).Error()
	}
	return s
}

func (e *RepairError) Unwrap() []error { return e.Causes }

// Hint says what to do next, from what stopped the repair. Each names
// what a person does, in words that fit the command line and the
// maintenance window (which shows the hint under the error), and a
// reinstall says how (reinstallAdvice).
func (e *RepairError) Hint() string {
	joined := errors.Join(e.Causes...) // nil: verify still finds problems, and no step failed
	all := ""
	if joined != nil {
		all = strings.ToLower(joined.Error())
	}
	var (
		kept *keptBundleError
		way  *prefix.InTheWayError
	)
	switch {
	case errors.As(joined, &kept):
		return kept.hint()
	case strings.Contains(all, "no space left") || strings.Contains(all, "not enough space") || strings.Contains(all, "disk quota"):
		return "free disk space, then repair again"
	case strings.Contains(all, "read-only file system"):
		return "the disk is read-only: remount it writable, then repair again"
	case errors.As(joined, &way):
		return inTheWayHint(e.Causes)
	case errors.Is(joined, fs.ErrPermission) || strings.Contains(all, "operation not permitted"):
		return "a file or folder of the install may not be changed (its permissions, or an immutable flag): fix that, or repair as the user or administrator who installed it"
	case strings.Contains(all, "conda installed it"):
		return "packages that conda installed are repaired with conda, as the message says; the rest with a repair (a reinstall would drop every package conda added)"
	case strings.Contains(all, "--bundle"):
		return fmt.Sprintf("repair with the installer file this was installed from: run %s in a terminal, with that file's path for INSTALLER; if that fails, %s",
			repairWithInstaller(e.prefix()), reinstallAdvice(e.prefix()))
	}
	return "repair again; if the same problems are left, " + reinstallAdvice(e.prefix()) + " (the problems above say what is wrong)"
}

func (e *RepairError) prefix() string {
	if e.Prefix == "" {
		return "PREFIX"
	}
	return e.Prefix
}

// reinstallAdvice says how to install the bundle over the install at
// prefix again: its installer with --force, since a plain install of the
// version installed changes nothing (audit BM 12).
func reinstallAdvice(prefix string) string {
	return fmt.Sprintf("reinstall: run INSTALLER install --force --prefix %s in a terminal, with the path of the installer file for INSTALLER (without --force it changes nothing, as this version is installed)",
		state.QuoteArg(prefix))
}

// inTheWayHint says to remove what is in the way of the repair, where the
// errors name it: repairing again alone fails the same way (audit BM 12).
func inTheWayHint(causes []error) string {
	var paths []string
	for _, c := range causes {
		var way *prefix.InTheWayError
		if errors.As(c, &way) && !slices.Contains(paths, way.Path) {
			paths = append(paths, way.Path)
		}
	}
	what := "what is in the way at the paths named above"
	if len(paths) == 1 {
		what = state.QuoteArg(paths[0])
	}
	return "remove " + what + " (move it elsewhere first if it holds anything of yours), then repair again"
}

// repairTarget is one damaged package of one env.
type repairTarget struct {
	env  string
	dist string
}

// repairTargets lists the damaged packages, base first, by name (see
// linkOrder for the order they are repaired in).
func repairTargets(r *Report) []repairTarget {
	var out []repairTarget
	dm := r.Damaged()
	envs := make([]string, 0, len(dm))
	for e := range dm {
		envs = append(envs, e)
	}
	sort.Slice(envs, func(i, j int) bool {
		if envs[i] == BaseEnv || envs[j] == BaseEnv {
			return envs[i] == BaseEnv && envs[j] != BaseEnv
		}
		return envs[i] < envs[j]
	})
	for _, e := range envs {
		ds := append([]string{}, dm[e]...)
		sort.Strings(ds)
		for _, d := range ds {
			out = append(out, repairTarget{env: e, dist: d})
		}
	}
	return out
}

// linkOrder puts each env's targets in conda's link order (link.Order):
// a package after those it depends on, so that python is linked before
// the noarch: python packages that need it when their records were lost
// together. Names and depends come from the record, else the bundle.
func (rp *repairer) linkOrder(ts []repairTarget) []repairTarget {
	out := make([]repairTarget, 0, len(ts))
	for i := 0; i < len(ts); {
		j := i
		for j < len(ts) && ts[j].env == ts[i].env {
			j++
		}
		group := ts[i:j]
		names, deps := make([]string, len(group)), make([][]string, len(group))
		for k, t := range group {
			names[k] = t.dist
			if r := rp.record(t); r != nil {
				names[k], deps[k] = r.head.Name, r.head.Depends
				if r.noarchPy {
					deps[k] = append(append([]string{}, deps[k]...), "python")
				}
			} else if p := rp.manifestPackage(t); p != nil {
				names[k], deps[k] = p.Name, p.Depends
			}
		}
		for _, k := range link.Order(names, deps) {
			out = append(out, group[k])
		}
		i = j
	}
	return out
}

func (rp *repairer) envDir(env string) string {
	if env == BaseEnv {
		return rp.prefix
	}
	return filepath.Join(rp.prefix, "envs", env)
}

// repairPackage makes one package whole: a healthy extracted copy (see
// extracted) of what it re-links, then its damaged paths (or all of them,
// and its record, when the record was lost) in the env, then its
// post-link script.
func (rp *repairer) repairPackage(ctx context.Context, t repairTarget) error {
	src, err := rp.source(t)
	if err != nil {
		return err
	}
	opts, err := rp.linkOptions(t.env)
	if err != nil {
		return err
	}
	only := rp.damagedPaths(t)
	x, did, err := rp.extracted(ctx, src, rp.entryFilter(t, opts, only))
	if src.scratch != "" {
		defer rmtree.RemoveAll(src.scratch)
	}
	if err != nil {
		return err
	}
	var done []string // what to report, before the re-link's own, once it is linked again
	at := len(rp.res.Fixed)
	if did != "" {
		done = append(done, did)
		if src.scratch == "" {
			// PREFIX/pkgs/<dist> is a new copy: link all of the package
			// to it again, as the install had it hard-linked
			only = nil
		}
	}
	err = rp.relink(ctx, t, src, x, opts, only)
	if errors.Is(err, errWholePackage) {
		rmtree.RemoveAll(src.scratch)
		if x, did, err = rp.extracted(ctx, src, nil); err != nil {
			return err
		}
		done = append(done[:0], did)
		err = rp.relink(ctx, t, src, x, opts, nil)
	}
	if err != nil {
		return fmt.Errorf("failed to re-link %s into %q: %w", t.dist, rp.envDir(t.env), err)
	}
	for i, d := range done {
		rp.logf("repair: %s %s: %s", t.env, t.dist, d)
		rp.res.Fixed = slices.Insert(rp.res.Fixed, at+i, Fix{Env: t.env, Package: t.dist, Action: d})
	}
	if rp.relinked == nil {
		rp.relinked = map[string][]string{}
	}
	rp.relinked[t.env] = append(rp.relinked[t.env], t.dist)
	return nil
}

// record returns the readable record of t as the first check read it
// (its head), or nil when it is missing or unreadable.
func (rp *repairer) record(t repairTarget) *recInfo {
	for _, e := range rp.v.envs {
		if e.name != t.env {
			continue
		}
		for _, r := range e.recs {
			if r.broken == "" && r.dist() == t.dist {
				return r
			}
		}
	}
	return nil
}

// damagedPaths returns the paths of t that the first check found damaged,
// when re-linking those is enough: its record is readable and every
// problem is a path's. nil means the whole package (and its record).
func (rp *repairer) damagedPaths(t repairTarget) map[string]bool {
	if rp.record(t) == nil {
		return nil
	}
	out := map[string]bool{}
	for _, p := range rp.res.Before {
		if p.Env != t.env || p.Package != t.dist {
			continue
		}
		switch p.Kind {
		case ProblemMissing, ProblemAltered, ProblemWrongSize, ProblemWrongLink:
			out[p.Path] = true
		default:
			return nil
		}
	}
	return out
}

// source finds where the package's archive should be, from its record
// when readable, else from the installed manifest.
func (rp *repairer) source(t repairTarget) (*pkgSource, error) {
	src := &pkgSource{dist: t.dist, env: t.env, manPkg: rp.manifestPackage(t)}
	if rec := rp.record(t); rec != nil {
		r := rec.head
		src.fn, src.url = r.Fn, r.URL
		src.spec = r.Name + "==" + r.Version + "=" + r.Build
		src.expect = pkg.Expect{SHA256: r.SHA256, MD5: r.MD5, Size: r.Size}
		if mp := src.manPkg; mp != nil && mp.SHA256 != "" && mp.SHA256 == r.SHA256 {
			// the bundle's own archive: its unpacked size is the budget,
			// as at install; without it the default refused a package of
			// far more bytes than archive (audit AS 2)
			src.expect.Unpacked = mp.UnpackedSize
		}
		src.recArchive, src.recExtracted = r.PackageTarballFullPath, r.ExtractedPackageDir
	} else if mp := src.manPkg; mp != nil {
		src.fn, src.url = mp.Fn, mp.URL
		src.expect = pkg.Expect{SHA256: mp.SHA256, MD5: mp.MD5, Size: mp.Size, Unpacked: mp.UnpackedSize}
	} else {
		return nil, fmt.Errorf("failed to repair %s: its record is unreadable and the installed manifest does not list it", t.dist)
	}
	if src.fn == "" {
		src.fn = t.dist + ".conda"
	}
	src.archive = filepath.Join(rp.pkgsDir(), src.fn)
	return src, nil
}

// manifestPackage returns the bundle's entry for the target, or nil.
func (rp *repairer) manifestPackage(t repairTarget) *bundle.Package {
	if rp.man == nil || rp.man.Platforms[rp.man.Subdir] == nil {
		return nil
	}
	p := rp.man.Platforms[rp.man.Subdir]
	list := p.Base
	if t.env != BaseEnv {
		list = p.Envs[t.env]
	}
	for i := range list {
		if list[i].Dist() == t.dist {
			return &list[i]
		}
	}
	return nil
}

// bundle opens the bundle once, when a package needs it.
func (rp *repairer) bundle() (*bundle.Bundle, error) {
	if rp.bnd != nil || rp.opened {
		return rp.bnd, rp.bndErr
	}
	rp.opened = true
	if rp.opts.BundlePath == "" {
		// The bundle this install carries (see writeMaintenance): beside
		// the maintenance app, or appended to it.
		f, p, err := openKeptBundle(rp.prefix)
		if err == nil && p != "" {
			rp.bnd, rp.kept = f.Bundle, p
			return rp.bnd, nil
		}
		// else one this program carries (the installer run as repair);
		// none is the kept copy's fault, said as such (audit BM 6, 11)
		kerr := rp.keptError(p, err)
		rp.logf("repair: %v", kerr)
		f, err = bundle.Discover(bundle.DiscoverOptions{})
		if err != nil {
			rp.logf("repair: and no other bundle was found: %v", err)
			rp.bndErr = kerr
			return nil, kerr
		}
		rp.bnd = f.Bundle
		return rp.bnd, nil
	}
	f, err := bundle.Discover(bundle.DiscoverOptions{Path: rp.opts.BundlePath})
	if err != nil {
		rp.bndErr = err
		return nil, err
	}
	rp.bnd = f.Bundle
	return rp.bnd, nil
}

func (rp *repairer) close() {
	if rp.opened && rp.bnd != nil {
		rp.bnd.Close()
	}
}

// samePath tells whether two paths name the same place ("" never does).
func samePath(a, b string) bool {
	return a != "" && filepath.Clean(a) == filepath.Clean(b)
}

func hasKind(ps []Problem, k ProblemKind) bool {
	for _, p := range ps {
		if p.Kind == k {
			return true
		}
	}
	return false
}

// writeManifest writes .onboard/manifest.json again, as the install wrote
// it: the manifest of the bundle the install keeps (or --bundle), for the
// platform its base's records are for, for all users unless the base or
// one of the bundle's envs has conda's .nonadmin (which an install for one
// user writes in each: the base's alone may be lost with the manifest).
// The bundle must be the install's: one of its base packages is installed.
func (rp *repairer) writeManifest() error {
	path := state.ManifestPath(rp.prefix)
	b, err := rp.bundle()
	if err == nil && b == nil {
		err = errors.New("none was found")
	}
	if err != nil {
		return fmt.Errorf("failed to write the installed manifest %s again: no bundle of the install (%w); pass the installer with --bundle FILE", path, err)
	}
	meta, err := state.ReadMetaHeads(rp.prefix)
	if err != nil {
		return fmt.Errorf("failed to write the installed manifest %s again: %w", path, err)
	}
	subdir := state.EnvSubdir(nil, meta.Records, hostSubdir)
	pl := b.Manifest.Platforms[subdir]
	if pl == nil {
		return fmt.Errorf("failed to write the installed manifest %s again: the bundle %s %s has no %s packages, which the install's records are for; pass its installer with --bundle FILE", path, b.Manifest.Name, b.Manifest.Version, subdir)
	}
	installed := map[string]bool{}
	for _, r := range meta.Records {
		installed[r.Dist()] = true
	}
	if !slices.ContainsFunc(pl.Base, func(p bundle.Package) bool { return installed[p.Dist()] }) {
		return fmt.Errorf("failed to write the installed manifest %s again: none of the base packages of the bundle %s %s is installed, so it is not this install's; pass its installer with --bundle FILE", path, b.Manifest.Name, b.Manifest.Version)
	}
	// whether the install kept a package cache, as well as its pkgs/ tells
	keep := holdsBundlePackage(rp.pkgsDir(), pl)
	oneUser := state.IsOneUser(rp.prefix)
	for _, env := range pl.EnvNames() {
		oneUser = oneUser || state.IsOneUser(filepath.Join(rp.prefix, "envs", env))
	}
	m := state.NewManifest(b.Manifest, subdir, !oneUser, keep)
	m.Made = rp.madeOf(&b.Manifest, !oneUser)
	if err := state.WriteManifest(rp.prefix, m); err != nil {
		return err
	}
	rp.fixed(BaseEnv, "", fmt.Sprintf("wrote %s again from the bundle %s %s", state.Rel(state.ManifestName), b.Manifest.Name, b.Manifest.Version))
	return nil
}

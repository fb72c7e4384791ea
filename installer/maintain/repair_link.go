package maintain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"onboard/installer/engine"
	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/humanize"
	"onboard/internal/pathfold"
	"onboard/internal/rmtree"
	"onboard/platform"
)

// relink links one extracted package into its env again, in its own
// journaled transaction: existing paths are moved aside (and put back if
// anything fails, or by Recover after a crash) and the post-link script
// runs again. With only (the damaged paths of a package whose record is
// readable), just those paths are linked again, their .pyc compiled, and
// the record is left as it is. Otherwise the whole package is, and the
// record rewritten; paths another record of the env owns and that are
// healthy (a clash the other package won) are left.
func (rp *repairer) relink(ctx context.Context, t repairTarget, src *pkgSource, x *pkg.Extracted, opts *link.Options, only map[string]bool) error {
	j, err := prefix.Begin(state.Dir(rp.prefix), opts.Prefix, prefix.RootExisted)
	if err != nil {
		return err
	}
	if err := rp.relinkIn(ctx, j, t, src, x, opts, only); err != nil {
		if rerr := j.Rollback(); rerr != nil {
			return fmt.Errorf("%w (and the rollback failed: %v)", err, rerr)
		}
		return err
	}
	return j.Commit()
}

func (rp *repairer) relinkIn(ctx context.Context, j *prefix.Journal, t repairTarget, src *pkgSource, x *pkg.Extracted, opts *link.Options, only map[string]bool) error {
	env := opts.Prefix
	if err := j.TempDir(opts.TempDir); err != nil {
		return err
	}
	if err := os.MkdirAll(opts.TempDir, 0o755); err != nil {
		return fmt.Errorf("failed to create %q: %w", opts.TempDir, err)
	}
	defer rmtree.RemoveAll(opts.TempDir)
	plan, pyc, err := rp.planDamaged(ctx, t, x, opts, only)
	if err != nil {
		return err
	}
	whole := plan == nil
	if whole && src.partial {
		return errWholePackage // before anything in the env changed
	}
	if whole {
		if plan, err = link.Prepare(ctx, x, opts); err != nil {
			return err
		}
		rp.skipClashWinners(t, plan)
		pyc = plan.PycSources
	}
	plan.Archive = src.archive
	if src.scratch != "" {
		// Record where conda's cache would hold it, not the scratch copy.
		plan.ExtractedDir = src.recExtracted
		if plan.ExtractedDir == "" {
			plan.ExtractedDir = filepath.Join(rp.pkgsDir(), src.dist)
		}
	}
	rep := engine.ReporterOrNop(rp.opts.Reporter)
	if err := link.Execute(ctx, []*link.Plan{plan}, opts, j, false, rep.Advance); err != nil {
		return err
	}
	if err := rp.restoreModes(t, env, plan); err != nil {
		return err
	}
	// A damaged .pyc goes first: compileall keeps one whose header says
	// it is up to date, and the repair would leave it as it was.
	for p := range only {
		if strings.HasSuffix(p, ".pyc") {
			os.Remove(filepath.Join(env, filepath.FromSlash(p)))
		}
	}
	// No progress: repair's stage counts the bytes linked, not files.
	if note := link.Compile(ctx, opts, pyc, nil); note != "" {
		rp.logf("repair: %s: %s", t.dist, note)
	}
	if !whole {
		rp.fixed(t.env, t.dist, "re-linked "+humanize.Count(len(only), "damaged path"))
		if rp.partial == nil {
			rp.partial = map[string]map[string]map[string]bool{}
		}
		if rp.partial[t.env] == nil {
			rp.partial[t.env] = map[string]map[string]bool{}
		}
		rp.partial[t.env][t.dist] = only
		return rp.postLink(ctx, t, x, opts)
	}
	recPath := filepath.Join(env, "conda-meta", t.dist+".json")
	requested := rp.requestedSpecs(t, x.Index.Name, recPath)
	if requested == nil && slices.Contains(rp.man.EnvDists()[t.env], t.dist) {
		// a package of the bundle, its record and the history's specs
		// lost (a whole env put back): the install requested every
		// package with an exact pin, as conda's explicit install does.
		// Without one conda took it for a dependency, and its update
		// --all then removed the bundle's packages.
		requested = []string{prefix.ExactSpec(plan.Record(nil))}
	}
	if err := os.MkdirAll(filepath.Dir(recPath), 0o755); err != nil {
		return fmt.Errorf("failed to create %q: %w", filepath.Dir(recPath), err)
	}
	if err := j.Preserve(recPath); err != nil {
		return err
	}
	if _, err := prefix.WriteRecord(env, plan.Record(requested)); err != nil {
		return err
	}
	rp.setHead(t.env, plan.Meta())
	rp.fixed(t.env, t.dist, "re-linked")
	return rp.postLink(ctx, t, x, opts)
}

// restoreModes makes executable again the files just linked that the
// install made executable (state.Executables) and that are not: a hard
// link shares its mode with the package copy it came from, which a
// `chmod -x` of the env's file changed too, and the chmod puts both right.
// Only the paths plan linked are touched: a path another package won is
// that package's (audit BD 2).
func (rp *repairer) restoreModes(t repairTarget, env string, plan *link.Plan) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	x, err := state.ReadExecutables(state.ExecutablesPath(rp.prefix, t.env))
	if err != nil || len(x[t.dist]) == 0 {
		return nil // unreadable: verify said so, and checked no mode then
	}
	want := make(map[string]bool, len(x[t.dist]))
	for _, rel := range x[t.dist] {
		want[rel] = true
	}
	for _, a := range plan.Actions {
		if a.Skip || !want[a.Target] {
			continue
		}
		p := filepath.Join(env, filepath.FromSlash(a.Target))
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 != 0 {
			continue
		}
		// executable where readable, and by its owner always (a file
		// of mode 0000 or 0200 gained nothing: audit BD 3)
		m := fi.Mode().Perm()
		if err := os.Chmod(p, m|(m&0o444)>>2|0o500); err != nil {
			return fmt.Errorf("failed to make %q executable again: %w; check that you may change it", p, err)
		}
	}
	return nil
}

// errWholePackage says the package must be linked whole but only some of
// its files were extracted: repairPackage extracts it whole and tries
// again.
var errWholePackage = errors.New("the whole package is to be linked again")

// planDamaged plans the damaged paths only (only): the package's entries
// whose path in the env is damaged, its damaged entry points, and the
// .py files (noarch: python) whose damaged .pyc is to be compiled again.
// It returns a nil plan when the whole package must be linked: only is
// nil, or names a path the package does not make (the record says more
// than the package: rewriting the record puts that right).
func (rp *repairer) planDamaged(ctx context.Context, t repairTarget, x *pkg.Extracted, opts *link.Options, only map[string]bool) (*link.Plan, []string, error) {
	if only == nil {
		return nil, nil, nil
	}
	target, pycOf := targetFuncs(x, opts)
	part := *x
	paths := *x.Paths
	paths.Paths = nil
	covered := map[string]bool{}
	var pyc []string
	for _, e := range x.Paths.Paths {
		tp := target(e.Path)
		if only[tp] {
			paths.Paths = append(paths.Paths, e)
			covered[tp] = true
		}
		if p := pycOf(e.Path, tp); p != "" && only[p] {
			pyc = append(pyc, tp)
			covered[p] = true
		}
	}
	part.Paths = &paths
	plan, err := link.Prepare(ctx, &part, opts)
	if err != nil {
		return nil, nil, err
	}
	plan.Actions = slices.DeleteFunc(plan.Actions, func(a *link.Action) bool {
		if a.Entry < 0 && !only[a.Target] {
			return true
		}
		covered[a.Target] = true
		return false
	})
	for p := range only {
		if !covered[p] {
			rp.logf("repair: %s: %s is not a path of the package; linking all of it again", t.dist, p)
			return nil, nil, nil
		}
	}
	for _, s := range plan.PycSources {
		if !slices.Contains(pyc, s) {
			pyc = append(pyc, s)
		}
	}
	return plan, pyc, nil
}

// targetFuncs returns where a package path goes in the env, and where the
// .pyc compiled from it goes ("" for none), as link.Prepare and
// link.Compile place them.
func targetFuncs(x *pkg.Extracted, opts *link.Options) (func(string) string, func(short, target string) string) {
	py := opts.Python
	if !link.NoarchPython(x) || py == nil {
		return func(p string) string { return p }, func(string, string) string { return "" }
	}
	return py.TargetPath, func(short, target string) string {
		if !link.IsPycSource(short) {
			return ""
		}
		return py.PycPath(target)
	}
}

// entryFilter selects the package entries a repair re-links (see
// planDamaged), to check only those in an extracted copy; nil = all.
func (rp *repairer) entryFilter(t repairTarget, opts *link.Options, only map[string]bool) func(pkg.PathEntry) bool {
	rec := rp.record(t)
	if only == nil || rec == nil {
		return nil
	}
	target := func(p string) string { return p }
	if rec.noarchPy && opts.Python != nil {
		target = opts.Python.TargetPath
	}
	return func(e pkg.PathEntry) bool { return only[target(e.Path)] }
}

// postLink runs the package's post-link script again; a failure fails the
// re-link, as it fails an install.
func (rp *repairer) postLink(ctx context.Context, t repairTarget, x *pkg.Extracted, opts *link.Options) error {
	res, err := link.RunScript(ctx, link.Script{Action: "post-link", Prefix: opts.Prefix, RootPrefix: rp.prefix,
		Subdir: opts.Subdir, Name: x.Index.Name, Version: x.Index.Version, BuildNumber: x.Index.BuildNumber, Dist: t.dist})
	if err != nil {
		return err
	}
	if res.Skipped != "" {
		rp.logf("repair: %s", res.Skipped)
	}
	if res.Ran {
		rp.fixed(t.env, t.dist, "ran the post-link script again")
	}
	return nil
}

// linkOptions builds the link options of an env: its subdir and python,
// from the record heads (envHeads).
func (rp *repairer) linkOptions(env string) (*link.Options, error) {
	dir := rp.envDir(env)
	opts := &link.Options{Prefix: dir, Subdir: rp.envSubdir(env), TempDir: filepath.Join(dir, pkg.ScratchFolder),
		Launcher: rp.opts.WindowsLauncher}
	for _, r := range rp.envHeads(env) {
		if r.Name == "python" {
			py, err := link.NewPython(r.Version, r.PythonSitePackagesPath, opts.Subdir)
			if err != nil {
				return nil, err
			}
			opts.Python = py
		}
	}
	return opts, nil
}

// envHeads returns the heads of the env's readable records: as the first
// check read them, with those of whole re-links since; for an env it did
// not read (a repair of another env), the good ones of
// state.ReadMetaHeads.
func (rp *repairer) envHeads(env string) []*prefix.Record {
	if rp.heads == nil {
		rp.heads = map[string][]*prefix.Record{}
	}
	if hs, ok := rp.heads[env]; ok {
		return hs
	}
	var hs []*prefix.Record
	scanned := false
	for _, e := range rp.v.envs {
		if e.name != env {
			continue
		}
		scanned = true
		for _, r := range e.recs {
			if r.broken == "" {
				hs = append(hs, r.head)
			}
		}
	}
	if !scanned {
		if m, err := state.ReadMetaHeads(rp.envDir(env)); err == nil {
			hs = m.Records
		}
	}
	rp.heads[env] = hs
	return hs
}

// setHead records the head of a record a whole re-link wrote.
func (rp *repairer) setHead(env string, h *prefix.Record) {
	hs := slices.DeleteFunc(slices.Clone(rp.envHeads(env)), func(r *prefix.Record) bool { return r.Name == h.Name })
	rp.heads[env] = append(hs, h)
}

// envSubdir is the subdir the env was installed for (state.EnvSubdir).
func (rp *repairer) envSubdir(env string) string {
	return state.EnvSubdir(rp.man, rp.envHeads(env), hostSubdir)
}

// skipClashWinners leaves alone the paths of the plan that another record
// of the env also names and that verify found healthy: the other package
// won that clash at install time. The other records are streamed, and
// only the plan's own paths are kept.
func (rp *repairer) skipClashWinners(t repairTarget, plan *link.Plan) {
	mine := make(map[string]bool, len(plan.Actions)) // keyed as the host compares names (pathfold.Key)
	for _, a := range plan.Actions {
		mine[pathfold.Key(a.Target)] = true
	}
	others := map[string]bool{}
	for _, e := range rp.v.envs {
		if e.name != t.env {
			continue
		}
		for _, r := range e.recs {
			if r.dist() == t.dist || r.broken != "" {
				continue
			}
			_ = rp.v.entries(r, &rp.v.bufs, func(c *check) {
				if k := pathfold.Key(c.rel); mine[k] && !c.filesOnly {
					others[k] = true
				}
			})
		}
	}
	damaged := map[string]bool{}
	for _, p := range rp.res.Before {
		if p.Env == t.env {
			damaged[pathfold.Key(p.Path)] = true
		}
	}
	for _, a := range plan.Actions {
		if k := pathfold.Key(a.Target); others[k] && !damaged[k] {
			a.Skip = true
		}
	}
}

// requestedSpecs returns the specs that selected the package: from its
// old record when readable, else from the "# update specs" lines of the
// env's history, else none (a dependency).
func (rp *repairer) requestedSpecs(t repairTarget, name, recPath string) []string {
	if r, err := state.ReadRecord(recPath); err == nil && r.Dist() == t.dist {
		return r.RequestedSpecs
	}
	data, _ := os.ReadFile(prefix.HistoryPath(rp.envDir(t.env)))
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(line, "# update specs: ")
		if !ok {
			continue
		}
		for _, s := range parsePyList(rest) {
			if link.DependsName(s) == name {
				out = append(out, s)
			}
		}
	}
	return out
}

// parsePyList parses a Python list repr of strings: ['a', "b"].
func parsePyList(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if len(part) >= 2 && (part[0] == '\'' || part[0] == '"') {
			out = append(out, part[1:len(part)-1])
		}
	}
	return out
}

// hostSubdir is this machine's conda subdir.
func hostSubdir() string { return platform.Detect().Subdir }

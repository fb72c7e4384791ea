package maintain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"onboard/installer/engine"
	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/humanize"
	"onboard/internal/pathfold"
)

// verifier holds the state of one Verify run. What it keeps grows with
// the number of records and of problems, not of files: each record is
// streamed entry by entry to a bounded pool of hashing workers, and only
// the paths that fail are kept (issue #19).
type verifier struct {
	prefix string
	opts   VerifyOptions
	rep    engine.Reporter
	logf   engine.Logf
	report *Report
	man    *state.Manifest
	envs   []*envScan
	// envSet, when set, limits the check to these envs (Repair's second
	// check); only, when set, to these dists of each env: the other
	// records are read only to tell who owns a failing path.
	envSet map[string]bool
	only   map[string]map[string]bool
	// onlyPaths, when it names a dist of an env, limits the check of that
	// package to these paths (Repair's second check of a package whose
	// damaged paths alone were linked again).
	onlyPaths map[string]map[string]map[string]bool
	// launchers: check .onboard/launchers.json's launchers.
	launchers bool
	// app: check the maintenance app.
	app    bool
	mu     sync.Mutex
	failed []failure // paths that failed against one owner
	hashed atomic.Int64
	bufs   [2][]byte // the producer's record buffers
	// queued counts the checks handed to workers and not done yet, and
	// peakQueued its highest value: what the verifier holds of the
	// paths at once (tests check that it does not grow with them).
	queued, peakQueued atomic.Int64
	// wholeRecords counts the records read whole (wholeRecord), not
	// streamed.
	wholeRecords int
	// ctx, while the records are read, stops the reading when done.
	ctx context.Context
}

// envInfo is one conda environment of the install.
type envInfo struct {
	name string // BaseEnv or the folder name under PREFIX/envs
	dir  string
	// remade: a bundle env the user removed and made again with conda
	// (prefix.EnvMadeWithConda): checked against its own records only
	remade bool
}

// envScan is one env being checked: its readable records.
type envScan struct {
	envInfo
	recs []*recInfo // by file name
}

// failure is a check that failed; it is a problem unless another record
// of the env owns the same path and is satisfied (a clash).
type failure struct {
	c      check
	kind   ProblemKind
	detail string
}

func newVerifier(prefix string, opts VerifyOptions) *verifier {
	return &verifier{
		prefix: prefix, opts: opts,
		rep: engine.ReporterOrNop(opts.Reporter), logf: engine.LogfOrNop(opts.Logf),
		report:    &Report{Prefix: prefix, Env: opts.Env, Problems: []Problem{}},
		launchers: !opts.SkipLaunchers && opts.Env == "",
		app:       opts.Env == "",
		bufs:      [2][]byte{make([]byte, recordBufSize), make([]byte, recordBufSize)},
	}
}

// problem and note keep a Windows path as Windows writes it, where %q
// doubled its backslashes.
func (v *verifier) problem(p Problem) {
	p.Detail = engine.PlainQuotes(p.Detail)
	v.report.Problems = append(v.report.Problems, p)
}

func (v *verifier) note(format string, args ...any) {
	v.report.Notes = append(v.report.Notes, engine.PlainQuotes(fmt.Sprintf(format, args...)))
}

// wanted tells whether the files of dist in env are checked.
func (v *verifier) wanted(env, dist string) bool {
	return v.only == nil || v.only[env][dist]
}

// run scans every env, hashes what it must, then checks what lies outside
// the envs (environments.txt, launchers).
func (v *verifier) run(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	man, manErr := state.ReadManifest(v.prefix)
	v.man = man
	envs, err := v.scopeEnvs(listEnvs(v.prefix, man))
	if err != nil {
		return err
	}
	envs = v.dropRemoved(envs)
	withBase := len(envs) > 0 && envs[0].name == BaseEnv
	switch {
	case errors.Is(manErr, fs.ErrNotExist) && withBase && keepsBundle(v.prefix):
		// An install of onboard's (it keeps its bundle) without its
		// manifest: uninstall and install refuse it; repair writes it again.
		v.problem(Problem{Env: BaseEnv, Path: state.Rel(state.ManifestName), Kind: ProblemManifest,
			Detail: "the installed manifest is gone; run repair to write it again from the bundle the install keeps"})
	case errors.Is(manErr, fs.ErrNotExist) && withBase && state.LostState(v.prefix):
		// An install of onboard's (the conda settings it wrote say so)
		// without its state folder: neither its bundle nor its manifest is
		// left to repair it from, and uninstall refuses it.
		v.problem(Problem{Env: BaseEnv, Path: state.DirName, Kind: ProblemManifest,
			Detail: fmt.Sprintf("the install's state folder is gone (its manifest, maintenance app, launcher record and the bundle kept for repairs; %s says onboard installed it), so it cannot be checked against its bundle, nor uninstalled; run repair with the install's installer, which writes it again: INSTALLER repair --prefix %s (or repair --bundle INSTALLER)",
				pkg.BundleCondarcFile, state.QuoteArg(v.prefix))})
	case errors.Is(manErr, fs.ErrNotExist):
		v.note("no %s: the package list was not checked against a bundle", state.Rel(state.ManifestName))
	case manErr != nil && withBase:
		v.problem(Problem{Env: BaseEnv, Path: state.Rel(state.ManifestName), Kind: ProblemManifest, Detail: manErr.Error()})
	case manErr != nil:
		v.note("%s is unreadable (%v): the package list was not checked against a bundle", state.Rel(state.ManifestName), manErr)
	}
	if _, err := os.Stat(state.JournalPath(v.prefix)); err == nil {
		v.note("an interrupted install or repair left a journal: repair the install to roll it back first")
	}
	if v.opts.Env != "" && !v.opts.SkipLaunchers {
		v.note("the launchers belong to the whole install: they are checked when it is verified without naming an environment")
	}
	var total int64
	for _, e := range envs {
		v.report.Envs = append(v.report.Envs, e.name)
		if err := ctx.Err(); err != nil {
			return err
		}
		es := v.scanEnv(e)
		v.envs = append(v.envs, es)
		for _, r := range es.recs {
			if v.wanted(e.name, r.dist()) {
				total += r.bytes
			}
		}
	}
	v.rep.Stage(engine.StageVerify, total)
	if err := v.checkAll(ctx); err != nil {
		return err
	}
	if err := v.settle(ctx); err != nil {
		return err
	}
	v.checkEnvironmentsTxt(envs)
	v.checkNonAdmin(envs)
	v.checkSettings(envs)
	if v.app {
		v.checkApp()
	}
	if v.launchers {
		v.checkLaunchers()
		v.checkKeptBundle()
	}
	return nil
}

// dropRemoved leaves out, in a check of the whole install, the bundle's
// envs the user removed with conda, and says so.
func (v *verifier) dropRemoved(envs []envInfo) []envInfo {
	for i, e := range envs {
		if _, ofBundle := v.man.EnvDists()[e.name]; e.name == BaseEnv || !ofBundle || !prefix.EnvMadeWithConda(e.dir) {
			continue // an env the bundle never had is reported as not from it
		}
		// checked as any env made with conda is, against its own records
		// (audit U 6: it was not checked at all, and a file deleted there
		// went unreported), never against the bundle's packages
		envs[i].remade = true
		v.report.Remade = append(v.report.Remade, e.name)
		v.note("the environment %s was made with conda (its history starts with conda's command, not the install's): it is the user's, not the bundle's; its files were checked against its own conda-meta records, and none of the bundle's packages is put into it; to have the bundle's back, remove it with 'conda env remove -n %s', then run 'repair --env %s'", e.name, e.name, e.name)
	}
	list := prefix.EnvironmentsTxtPath(v.opts.EnvironmentsTxt)
	if v.opts.Env != "" || list == "" {
		return envs
	}
	return slices.DeleteFunc(envs, func(e envInfo) bool {
		if e.name == BaseEnv || !prefix.EnvRemovedWithConda(e.dir, v.prefix, list) {
			return false
		}
		v.report.Removed = append(v.report.Removed, e.name)
		if to := prefix.RenamedTo(e.dir, v.prefix); to != "" {
			v.note("the environment %s was renamed to %s with conda: that is the user's change, not damage; 'repair --env %s' puts the bundle's %s back beside it", e.name, filepath.Base(to), e.name, e.name)
			return true
		}
		v.note("the environment %s was removed with conda (its folder is gone and %s no longer names it): that is the user's change, not damage; 'repair --env %s' puts it back", e.name, list, e.name)
		return true
	})
}

// scopeEnvs keeps the envs the options name; an unknown name is a usage
// error that lists the install's envs.
func (v *verifier) scopeEnvs(all []envInfo) ([]envInfo, error) {
	var out []envInfo
	for _, e := range all {
		if (v.opts.Env == "" || e.name == v.opts.Env) && (v.envSet == nil || v.envSet[e.name]) {
			out = append(out, e)
		}
	}
	if v.opts.Env != "" && len(out) == 0 {
		names := make([]string, len(all))
		for i, e := range all {
			names[i] = e.name
		}
		return nil, &engine.UsageError{Msg: fmt.Sprintf("the install in %q has no environment named %q; it has %s",
			v.prefix, v.opts.Env, strings.Join(names, ", "))}
	}
	return out, nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// scanEnv reads one env's records (skimRecord: heads only) and checks
// what lies beside them: conda-meta/history, and a record for every
// package the installed bundle put there.
func (v *verifier) scanEnv(e envInfo) *envScan {
	es := &envScan{envInfo: e}
	if fi, err := os.Stat(filepath.Join(e.dir, "conda-meta", "history")); err != nil {
		v.problem(Problem{Env: e.name, Path: "conda-meta/history", Kind: ProblemHistory,
			Detail: "conda does not treat the folder as an environment without it"})
	} else if !fi.Mode().IsRegular() {
		v.problem(Problem{Env: e.name, Path: "conda-meta/history", Kind: ProblemHistory,
			Detail: "it is a " + fi.Mode().Type().String() + ", not a file: conda refuses the environment (DirectoryNotACondaEnvironmentError)"})
	}
	names, err := state.MetaFiles(e.dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		v.problem(Problem{Env: e.name, Path: "conda-meta", Kind: ProblemUnreadableRecord, Detail: err.Error()})
	}
	execs := v.executables(e)
	have := map[string]bool{}
	for _, n := range names {
		rec, err := skimRecord(filepath.Join(state.MetaDir(e.dir), n), v.bufs[0])
		var bad *state.BadRecord
		switch {
		case errors.As(err, &bad):
			have[bad.Dist()] = true
			if v.wanted(e.name, bad.Dist()) {
				v.problem(Problem{Env: e.name, Package: bad.Dist(), Path: "conda-meta/" + bad.File,
					Kind: ProblemUnreadableRecord, Detail: bad.Reason})
			}
			continue
		case err != nil: // gone since it was listed (conda at work)
			v.problem(Problem{Env: e.name, Path: "conda-meta", Kind: ProblemUnreadableRecord, Detail: err.Error()})
			continue
		}
		rec.env = es
		rec.pkgDir = v.extractedDir(rec)
		if l := execs[rec.dist()]; len(l) > 0 {
			rec.execs = make(map[string]bool, len(l))
			for _, p := range l {
				rec.execs[p] = true
			}
		}
		have[rec.dist()] = true
		es.recs = append(es.recs, rec)
		if v.wanted(e.name, rec.dist()) {
			v.report.Packages++
		}
	}
	man := v.man
	if _, ours := man.EnvDists()[e.name]; man != nil && !ours && e.name != BaseEnv {
		v.note("environment %s is not from the bundle (made with conda after the install): its files were checked against its own conda-meta records", e.name)
	}
	removed := removedWithConda(e.dir)
	var needs map[string][]string
	for _, dist := range man.EnvDists()[e.name] {
		if have[dist] || !v.wanted(e.name, dist) || e.remade {
			continue
		}
		if removed[dist] {
			if needs == nil {
				needs = es.dependents()
			}
			// conda remove --force (or a later install --no-deps of
			// what needs it) leaves a package that others need gone:
			// conda, or Jupyter, then fails to start (audit AW 1). What
			// no package left needs was the user's to remove.
			if by := needs[prefix.DistPackageName(dist)]; len(by) > 0 {
				v.problem(Problem{Env: e.name, Package: dist, Path: "conda-meta/" + dist + ".json", Kind: ProblemMissingRecord,
					Detail: fmt.Sprintf("it was removed with conda, but %s of this environment need it, and fail without it", humanize.List(by, 3))})
				continue
			}
			v.note("%s: %s was removed or replaced with conda after the install (conda-meta/history); that is the user's change, not damage", e.name, dist)
			continue
		}
		v.problem(Problem{Env: e.name, Package: dist, Path: "conda-meta/" + dist + ".json",
			Kind: ProblemMissingRecord, Detail: "the installed bundle has this package but conda-meta has no record of it"})
	}
	return es
}

// executables reads the list of the files the install made executable in
// env e; none for an env the user made again with conda, which is checked
// against its own records only.
func (v *verifier) executables(e envInfo) state.Executables {
	if e.remade {
		return nil
	}
	x, err := state.ReadExecutables(state.ExecutablesPath(v.prefix, e.name))
	if err != nil {
		v.note("%s: the modes of its files were not checked: %v", e.name, err)
	}
	return x
}

// dependents maps each package name that the env's records depend on, and
// that no record of the env has, to the packages that depend on it.
func (es *envScan) dependents() map[string][]string {
	have := map[string]bool{}
	for _, r := range es.recs {
		have[r.head.Name] = true
	}
	out := map[string][]string{}
	for _, r := range es.recs {
		for _, d := range r.head.Depends {
			if n := link.DependsName(d); n != "" && !have[n] && !slices.Contains(out[n], r.head.Name) {
				out[n] = append(out[n], r.head.Name)
			}
		}
	}
	for _, by := range out {
		slices.Sort(by)
	}
	return out
}

// extractedDir returns the record's extracted package folder, or "" when
// it is gone (then link targets cannot be compared).
func (v *verifier) extractedDir(r *recInfo) string {
	for _, d := range []string{r.head.ExtractedPackageDir, filepath.Join(v.prefix, "pkgs", r.dist())} {
		if d != "" && isDir(d) {
			return d
		}
	}
	return ""
}

// The hashing workers take checks in batches of up to batchChecks paths
// or batchBytes recorded bytes.
const (
	batchChecks = 256
	batchBytes  = 8 << 20
)

var batchPool = sync.Pool{New: func() any { b := make([]check, 0, batchChecks); return &b }}

// checkAll streams the records in scope and checks their paths on a pool
// of workers (errgroup with a limit: the first error, a cancellation,
// stops the rest and is the one returned). The records are read in this
// goroutine while the workers hash; at most Workers batches wait.
func (v *verifier) checkAll(ctx context.Context) error {
	workers := v.opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	v.ctx = gctx
	defer func() { v.ctx = nil }()
	bp := batchPool.Get().(*[]check)
	var inBatch int64
	flush := func() {
		if len(*bp) == 0 {
			return
		}
		b := bp
		if q := v.queued.Add(int64(len(*b))); q > v.peakQueued.Load() {
			v.peakQueued.Store(q) // only this goroutine raises it
		}
		g.Go(func() error { return v.runBatch(gctx, b) })
		bp = batchPool.Get().(*[]check)
		inBatch = 0
	}
	var keep map[string]bool // the paths of the record to check; nil = all
	var passed int64         // progress of the paths keep leaves out
	emit := func(c *check) {
		if keep != nil && !keep[c.rel] {
			// counted in the stage's total: the progress passes them by
			if passed += max(c.size, 0); passed >= 1<<20 {
				v.rep.Advance(passed)
				passed = 0
			}
			return
		}
		*bp = append(*bp, *c)
		v.report.Files++
		if c.size > 0 {
			inBatch += c.size
		}
		if len(*bp) == batchChecks || inBatch >= batchBytes {
			flush()
		}
	}
feed:
	for _, e := range v.envs {
		for _, rec := range e.recs {
			if gctx.Err() != nil {
				break feed
			}
			if !v.wanted(e.name, rec.dist()) {
				continue
			}
			keep = v.onlyPaths[e.name][rec.dist()]
			if err := v.entries(rec, &v.bufs, emit); err != nil && !errors.Is(err, errStopped) {
				rec.broken = err.Error()
			}
		}
	}
	flush()
	batchPool.Put(bp)
	v.rep.Advance(passed)
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	v.report.Bytes += v.hashed.Load()
	return nil
}

// runBatch checks a batch of paths and keeps those that fail.
func (v *verifier) runBatch(ctx context.Context, b *[]check) error {
	defer func() {
		v.queued.Add(-int64(len(*b)))
		clear(*b)
		*b = (*b)[:0]
		batchPool.Put(b)
	}()
	if err := ctx.Err(); err != nil {
		return err
	}
	bp := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(bp)
	op := newOpener()
	defer op.done()
	var fails []failure
	var hashed, units int64
	for i := range *b {
		c := &(*b)[i]
		kind, detail, n := c.run(*bp, op)
		hashed += n
		if kind != "" {
			fails = append(fails, failure{c: *c, kind: kind, detail: detail})
		}
		if c.size > 0 {
			units += c.size
			if units >= 1<<20 {
				v.rep.Advance(units)
				units = 0
			}
		}
	}
	v.rep.Advance(units)
	v.hashed.Add(hashed)
	if len(fails) > 0 {
		v.mu.Lock()
		for _, f := range fails {
			// Beyond maxFailures a package's failed paths are only
			// counted: its record may list millions, and one problem
			// says it all (repair links the whole package again).
			if f.c.rec.failures++; f.c.rec.failures <= maxFailures {
				v.failed = append(v.failed, f)
			}
		}
		v.mu.Unlock()
	}
	return nil
}

// maxFailures is how many failed paths of one package verify keeps, and
// reports one by one.
const maxFailures = 1000

// settle turns the failures into problems. A path that several records
// of an env own (a clash: the last package linked won, and the others'
// records still name it) is healthy when any owner is satisfied, so the
// env's records are read again, without hashing, for the other owners of
// the failed paths, and those are checked. A record that could not be
// read again reports that instead of its paths.
func (v *verifier) settle(ctx context.Context) error {
	byEnv := map[*envScan][]failure{}
	for _, f := range v.failed {
		if f.c.rec.broken == "" {
			byEnv[f.c.rec.env] = append(byEnv[f.c.rec.env], f)
		}
	}
	bp := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(bp)
	op := newOpener()
	defer op.done()
	for _, e := range v.envs {
		fails := byEnv[e]
		if len(fails) > 0 {
			if err := v.settleEnv(ctx, e, fails, *bp, op); err != nil {
				return err
			}
		}
		for _, r := range e.recs {
			if r.broken != "" {
				v.problem(Problem{Env: e.name, Package: r.dist(), Path: "conda-meta/" + r.file,
					Kind: ProblemUnreadableRecord, Detail: "it changed while verify read it (" + r.broken + "); run verify again"})
			} else if n := r.failures - maxFailures; n > 0 {
				v.problem(Problem{Env: e.name, Package: r.dist(), Path: "conda-meta/" + r.file, Kind: ProblemMore,
					Detail: fmt.Sprintf("%d more of its paths failed their check (the first %d are listed); repair links the whole package again", n, maxFailures)})
			}
		}
	}
	v.failed = nil
	return nil
}

// settleEnv settles e's failures. Paths are compared as the host compares
// names (pathfold.Key): on Windows and macOS a record's share/README and
// another's share/readme are one file, a clash that the second won.
func (v *verifier) settleEnv(ctx context.Context, e *envScan, fails []failure, buf []byte, op *opener) error {
	owners := map[string][]*recInfo{} // failed path's key → the records it failed for
	for _, f := range fails {
		k := pathfold.Key(f.c.rel)
		owners[k] = append(owners[k], f.c.rec)
	}
	healthy := map[string]bool{}
	for _, rec := range e.recs {
		if err := ctx.Err(); err != nil {
			return err
		}
		_ = v.entries(rec, &v.bufs, func(c *check) {
			k := pathfold.Key(c.rel)
			failedFor, ok := owners[k]
			if !ok || healthy[k] || slices.Contains(failedFor, rec) {
				return
			}
			if kind, _, _ := c.run(buf, op); kind == "" {
				healthy[k] = true
			}
		})
	}
	for _, f := range fails {
		if !healthy[pathfold.Key(f.c.rel)] {
			v.problem(f.c.problem(f.kind, f.detail))
		}
	}
	return nil
}

// realPathFunc maps a paths_data _path to the path in the env. For
// noarch: python packages conda keeps the package-relative path
// (site-packages/..., python-scripts/...) in paths_data while files holds
// the real one (observations G8); conda doctor then checks nothing.
// files[i] is the on-disk path of paths_data.paths[i] (docs/engine.md), so
// the two lists are paired entry by entry, whatever the interpreter's
// python_site_packages_path. Only a record whose lists differ in length
// (written by something else) falls back to matching by the text of the
// path.
func realPathFunc(r *metaRecord) func(string) string {
	if !r.isNoarchPython() {
		return func(p string) string { return p }
	}
	if len(r.Files) == len(r.PathsData.Paths) {
		paired := make(map[string]string, len(r.Files))
		for i, p := range r.PathsData.Paths {
			paired[p.Path] = r.Files[i]
		}
		return func(p string) string {
			if f, ok := paired[p]; ok {
				return f
			}
			return p
		}
	}
	files := map[string]bool{}
	alias := map[string]string{}
	for _, f := range r.Files {
		files[f] = true
		if i := strings.Index(f, "site-packages/"); i >= 0 {
			alias["site-packages/"+f[i+len("site-packages/"):]] = f
		}
		for _, d := range []string{"bin/", "Scripts/"} {
			if rest, ok := strings.CutPrefix(f, d); ok {
				alias["python-scripts/"+rest] = f
			}
		}
	}
	return func(p string) string {
		if files[p] {
			return p
		}
		if a, ok := alias[p]; ok {
			return a
		}
		return p
	}
}

// removedWithConda returns the dists that the env's conda-meta/history
// shows removed by a later command (conda remove, or an upgrade's "-" line)
// and not added back since. Verify does not call their missing records
// damage, and so repair does not put them back.
func removedWithConda(envDir string) map[string]bool {
	data, err := os.ReadFile(filepath.Join(envDir, "conda-meta", "history"))
	if err != nil {
		return nil
	}
	return prefix.RemovedByHistory(data)
}

// listEnvs returns the install's envs (state.Envs) as verify walks them.
func listEnvs(prefix string, man *state.Manifest) []envInfo {
	envs := state.Envs(prefix, man)
	out := make([]envInfo, len(envs))
	for i, e := range envs {
		out[i] = envInfo{name: e.Name, dir: e.Dir}
	}
	return out
}

// keepsBundle tells whether the install at prefixDir keeps the bundle it
// was installed from (beside its maintenance app, or appended to it):
// onboard's installs do, a conda prefix does not.
func keepsBundle(prefixDir string) bool {
	for _, p := range []string{state.BundlePath(prefixDir), state.AppPath(prefixDir)} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}

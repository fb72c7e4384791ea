package installer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"onboard/installer/engine"
	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/rmtree"
)

// InstallEnv makes one conda environment from package archives, as conda's
// own transaction would (docs/engine.md): it extracts the archives into
// the package cache in parallel, links every package in dependency order
// (placeholders rewritten, noarch: python remapped, entry points written),
// runs post-link scripts, compiles .pyc files when the env's python runs
// here, and writes conda-meta, history, created_at, the bundle's conda
// settings (condarc.d/onboard.yml) and environments.txt. It holds the
// prefix lock throughout and journals every change: on an error or a
// cancelled ctx everything it added is removed, what it replaced is put
// back, and a prefix it created is deleted.
func InstallEnv(ctx context.Context, req EnvRequest) (*EnvResult, error) {
	defer softMemoryLimit(0, 0)()
	t, err := newEnvTxn(req)
	if err != nil {
		return nil, err
	}
	if !req.LockHeld {
		unlock, err := engine.LockStateDir(t.stateDir)
		if err != nil {
			t.removeIfCreated()
			return nil, err
		}
		t.unlock = unlock
	}
	res, err := t.run(ctx)
	if err != nil {
		t.rollback()
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return nil, fmt.Errorf("install of %q cancelled and rolled back: %w", t.prefix, context.Canceled)
		}
		return nil, err
	}
	t.release()
	t.register(res)
	return res, nil
}

// envTxn is one InstallEnv run.
type envTxn struct {
	req      EnvRequest
	prefix   string
	pkgsDir  string
	stateDir string
	created  bool // a new prefix: this run made it, or its caller did (keepRoot)
	keepRoot bool // the caller made the prefix (EnvRequest.NewPrefix) and rolls it back: never removed here
	j        *prefix.Journal
	unlock   func() error
	rep      Reporter
	logf     Logf
	opts     *link.Options
	notes    []string
	tmp      string                  // PREFIX/.condatmp
	scratch  map[*pkg.Extracted]bool // extracted into tmp (NoPackageCache): moved, not linked
	placer   *placer                 // a one-pass install into a new prefix: files written in place

	// What linking keeps of every package, once its window is linked
	// (env_link.go): the rest of its plan is forgotten.
	sizes   [][2]int64        // by request: bytes of the files linking writes, and of those placed
	padRisk []bool            // by request: a binary placeholder shorter than the prefix (checkPadding)
	owners  *link.Owners      // who holds each path, across windows
	rank    []int             // by request: place in link order
	linked  []*prefix.Record  // in link order: the records without files
	pycSrc  []string          // the .py files to compile
	pycRecs []string          // the conda-meta records that list .pyc files
	execs   state.Executables // the executable files linked, by dist (env_exec.go); nil = not kept
}

func newEnvTxn(req EnvRequest) (*envTxn, error) {
	if req.Prefix == "" {
		return nil, &UsageError{Msg: "no prefix given to install into"}
	}
	if req.Subdir == "" {
		return nil, &UsageError{Msg: "no subdir given for the install into " + req.Prefix}
	}
	abs, err := filepath.Abs(req.Prefix)
	if err != nil {
		return nil, &TargetError{Path: req.Prefix, Reason: "cannot resolve the path", Err: err}
	}
	t := &envTxn{req: req, prefix: abs, rep: ReporterOrNop(req.Reporter), logf: LogfOrNop(req.Logf),
		tmp: filepath.Join(abs, pkg.ScratchFolder), scratch: map[*pkg.Extracted]bool{},
		sizes: make([][2]int64, len(req.Packages)), padRisk: make([]bool, len(req.Packages))}
	t.owners = link.NewOwners(func(id int32) int { return t.rank[id] })
	if f := req.WindowsLauncher; f != nil {
		// Asked once: its size bounds the entry points as packages are
		// extracted (pkg.Request.EntryPointSize), its bytes are linked.
		t.req.WindowsLauncher = memoLauncher(f)
	}
	t.pkgsDir = req.PkgsDir
	if t.pkgsDir == "" {
		t.pkgsDir = filepath.Join(abs, "pkgs")
	}
	t.stateDir = stateDirFor(abs, req)
	fi, err := os.Stat(abs)
	switch {
	case err == nil && !fi.IsDir():
		return nil, &TargetError{Path: abs, Reason: "it is a file, not a folder"}
	case err == nil:
		t.created, t.keepRoot = req.NewPrefix, req.NewPrefix
	default:
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, &TargetError{Path: abs, Reason: "cannot create the folder", Err: err}
		}
		t.created = true
	}
	return t, nil
}

// stateDirFor is where the lock and journal of an install into abs live.
func stateDirFor(abs string, req EnvRequest) string {
	if req.StateDir != "" {
		return req.StateDir
	}
	if req.RootPrefix != "" {
		if root, err := filepath.Abs(req.RootPrefix); err == nil {
			if engine.IsInside(abs, root) { // an env of the install ("..foo" is a folder inside, not above)
				return state.Dir(root)
			}
		}
	}
	return state.Dir(abs)
}

// run does the whole transaction under the lock.
func (t *envTxn) run(ctx context.Context) (*EnvResult, error) {
	// the recovery of RecoverOutcome, under the lock this run holds
	if rec, err := engine.RecoverLocked(t.stateDir); err != nil {
		return nil, err
	} else if m := rec.Message(); m != "" {
		t.note("%s", m)
	}
	mode := prefix.RootExisted
	switch {
	case t.keepRoot:
		mode = prefix.RootNew
	case t.created:
		mode = prefix.RootCreated
	}
	j, err := prefix.Begin(t.stateDir, t.prefix, mode)
	if err != nil {
		return nil, err
	}
	t.j = j
	if t.req.NoPackageCache && t.created {
		t.placer = newPlacer(t.prefix, t.req.Subdir, j)
	}
	tmp := t.tmp
	if err := j.TempDir(tmp); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, &TargetError{Path: t.prefix, Reason: "cannot write into it", Err: err}
	}
	if err := os.MkdirAll(t.spillDir(), 0o755); err != nil {
		return nil, &TargetError{Path: t.prefix, Reason: "cannot write into it", Err: err}
	}
	if t.execList() != "" {
		t.execs = state.Executables{}
	}
	xs, err := t.extract(ctx)
	if err != nil {
		return nil, err
	}
	res, err := t.link(ctx, xs, tmp)
	if err != nil {
		return nil, err
	}
	if err := t.scripts(ctx); err != nil {
		return nil, err
	}
	t.compile(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err // cancelled while compiling: rolled back like any stage
	}
	if err := t.metadata(ctx); err != nil {
		return nil, err
	}
	rmtree.RemoveAll(tmp)
	if err := j.Commit(); err != nil {
		return nil, err
	}
	res.Notes = t.notes
	return res, nil
}

func (t *envTxn) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	t.notes = append(t.notes, s)
	t.logf("install %s: %s", filepath.Base(t.prefix), s)
}

// rollback undoes the transaction, releases the lock and deletes a prefix
// this run created.
func (t *envTxn) rollback() {
	t.rep.Stage(StageRollback, 0)
	if t.j != nil {
		if err := t.j.Rollback(); err != nil {
			t.logf("install %s: rollback: %v", filepath.Base(t.prefix), err)
		}
	}
	t.release()
	t.removeIfCreated()
}

func (t *envTxn) removeIfCreated() {
	if t.created && !t.keepRoot {
		rmtree.RemoveAll(t.prefix)
	}
}

func (t *envTxn) release() {
	if t.unlock != nil {
		t.unlock()
		t.unlock = nil
	}
}

// linkError maps a too-long prefix to a TargetError.
func (t *envTxn) linkError(err error) error {
	var pe *link.PaddingError
	var ue *pkg.UnsafeEntryError
	var be *pkg.Error
	var fe *pkg.FormatError
	if errors.As(err, &fe) && fe.NotHere {
		// whole, but not for this system: a fresh copy is the same
		return &BundleError{Reason: "one of its packages cannot be installed on this system", Err: err,
			Advice: "ask the platform team for a bundle whose packages install here (onboard bundle build refuses such a package for this platform)"}
	}
	if errors.As(err, &ue) && ue.WithOthers {
		// a folder symlink of one package that others' files go through
		return &BundleError{Reason: "two of its packages cannot both be installed", Err: err, Advice: conflictAdvice}
	}
	if errors.As(err, &ue) || errors.As(err, &be) || errors.As(err, &fe) { // a symlink leaving the prefix, a rewrite past the package's bound, a folder entry over a file
		return extractError(err)
	}
	if errors.As(err, &pe) {
		return &TargetError{Path: t.prefix, Reason: fmt.Sprintf("the path is too long for package file %s (at most %d characters)", pe.Path, len(pe.Placeholder)),
			Advice: "choose a shorter install folder", Err: err}
	}
	var ce *link.ConflictError
	if errors.As(err, &ce) {
		return &BundleError{Reason: "two of its packages cannot both be installed", Err: err, Advice: conflictAdvice}
	}
	return err
}

// conflictAdvice is what to do about two packages of the bundle that no
// install can hold together: a fresh copy of the installer is the same.
const conflictAdvice = "ask the platform team for a bundle whose packages do not conflict (onboard bundle build sees some such conflicts, not all: it checks each package alone, and folder symlinks across packages)"

// python finds the env's python: a python package of this install, else
// the one already in the prefix.
func (t *envTxn) python(xs []*pkg.Extracted) (*link.Python, error) {
	for _, x := range xs {
		if x.Index.Name == "python" {
			return link.NewPython(x.Index.Version, x.Index.PythonSitePackagesPath, t.req.Subdir)
		}
	}
	m, err := state.ReadMetaHeads(t.prefix)
	if err != nil {
		return nil, nil // no conda-meta yet: no python
	}
	for _, r := range m.Records {
		if r.Name == "python" {
			return link.NewPython(r.Version, r.PythonSitePackagesPath, t.req.Subdir)
		}
	}
	return nil, nil
}

// linkOrder returns the indexes of xs dependencies first, ties by name.
func linkOrder(xs []*pkg.Extracted) []int {
	names := make([]string, len(xs))
	deps := make([][]string, len(xs))
	for i, x := range xs {
		names[i] = x.Index.Name
		deps[i] = x.Index.Depends
		if x.Record != nil {
			deps[i] = x.Record.Depends
		}
	}
	return link.Order(names, deps)
}

// archiveOf is the package_tarball_full_path of x: the archive in the
// package cache when it is there, else the archive the request named.
func (t *envTxn) archiveOf(x *pkg.Extracted) string {
	if x.Record != nil && x.Record.Fn != "" {
		p := filepath.Join(t.pkgsDir, x.Record.Fn)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, f := range t.req.Packages {
		if stem, err := pkg.Stem(f.Path); err == nil && stem == filepath.Base(x.Dir) {
			if f.Open != nil {
				// Not a file of its own, or not kept: where conda's cache
				// would hold it.
				return filepath.Join(t.pkgsDir, filepath.Base(f.Path))
			}
			abs, _ := filepath.Abs(f.Path)
			return abs
		}
	}
	return ""
}

// register adds the prefix to environments.txt after the transaction; a
// failure there is a note, not a failed install.
func (t *envTxn) register(res *EnvResult) {
	p := t.req.EnvironmentsTxt
	if p == "-" {
		return
	}
	if p == "" {
		var err error
		if p, err = prefix.DefaultEnvironmentsTxt(); err != nil {
			res.Notes = append(res.Notes, err.Error())
			return
		}
	}
	if _, err := prefix.RegisterEnv(p, t.prefix); err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("not registered in environments.txt: %v", err))
	}
}

// memoryLimit is the least soft limit of the Go heap during an install
// (see softMemoryLimit). Go counts all the memory it holds against it, the
// free spans it has not yet returned to the system included, so it bounds
// the RSS too: at 160 MiB (its value until 6 December) the 8x scale
// install peaked at 148 MB against 89 MB at 1x, its heap let grow to twice
// the live one; at 100 MiB, 114 MB, with as many collections (183 to 172)
// and the same user time.
const memoryLimit = 100 << 20

// memoryLimitFor is the soft heap limit for an install whose largest env
// has envFiles paths and whose largest package has pkgFiles: the link
// stage holds one window's paths and plans at a time (about 540 bytes a
// path; a window is windowPaths, or one package when it is larger), and
// across windows some 80 bytes a path of the env (link.Owners' and the
// placer's hashes of the paths, the .py files to compile), plus some 32
// MiB. The
// limit leaves a quarter above that, never less than memoryLimit. A limit
// under the live heap would make the collector run without pause (when
// every plan was held, a fixed 160 MiB limit at 320,000 files in one env
// spent 32 of 112 s of CPU collecting).
func memoryLimitFor(envFiles, pkgFiles int) int64 {
	live := int64(32<<20) + int64(max(windowPaths, pkgFiles))*540 + int64(envFiles)*80
	return max(memoryLimit, live*5/4)
}

// softMemoryLimit makes the garbage collector keep the heap under
// memoryLimitFor(files) while an install runs, unless GOMEMLIMIT says
// otherwise or an enclosing install set a higher limit, and returns what
// puts the previous limit back. By default Go lets the heap grow to twice
// the live heap between collections, which put the peak RSS of a
// 200,000-file install near 300 MB. Below the limit nothing changes; near
// it the collector runs more often (and never takes more than half the CPU).
func softMemoryLimit(envFiles, pkgFiles int) func() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	want := memoryLimitFor(envFiles, pkgFiles)
	old := debug.SetMemoryLimit(-1)
	if old != math.MaxInt64 && old >= want {
		return func() {}
	}
	if old == math.MaxInt64 {
		// the program's own heap before the install counts on top: a
		// window's (Fyne's, the maintenance window's) would otherwise take
		// the install's room, and the collector run without pause (review
		// BP); the command line's is a few MB
		want += heapInUse()
	}
	debug.SetMemoryLimit(want)
	return func() { debug.SetMemoryLimit(old) }
}

// heapInUse is the bytes of the heap's objects now.
func heapInUse() int64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// now is the clock of history and created_at (tests may fix it).
var now = time.Now

// memoLauncher asks f once per subdir.
func memoLauncher(f func(subdir string) []byte) func(subdir string) []byte {
	var mu sync.Mutex
	got := map[string][]byte{}
	return func(subdir string) []byte {
		mu.Lock()
		defer mu.Unlock()
		b, ok := got[subdir]
		if !ok {
			b = f(subdir)
			got[subdir] = b
		}
		return b
	}
}

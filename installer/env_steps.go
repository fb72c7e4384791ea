package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
)

// extract makes sure every archive is extracted in the package cache:
// a folder already there with the expected record is used as is (warm
// install), the others are extracted on all CPUs.
func (t *envTxn) extract(ctx context.Context) ([]*pkg.Extracted, error) {
	sizes := make([]int64, len(t.req.Packages))
	var total int64
	for i, f := range t.req.Packages {
		if f.Open != nil {
			sizes[i] = f.Size
			total += sizes[i]
			continue
		}
		fi, err := os.Stat(f.Path)
		if err != nil {
			return nil, &BundleError{Reason: "a package file is missing", Err: err}
		}
		sizes[i] = fi.Size()
		total += sizes[i]
	}
	t.rep.Stage(StageExtract, total)
	weights := extractWeights(t.req.Packages, sizes, total)
	out := make([]*pkg.Extracted, len(t.req.Packages))
	idx := make([]int, len(t.req.Packages))
	for i := range idx {
		idx[i] = i
	}
	// Checking the cache reads each package's metadata: on all cores.
	if err := link.ForEach(ctx, idx, 0, func(_ context.Context, i int) error {
		if out[i] = t.cached(t.req.Packages[i]); out[i] != nil {
			t.rep.Advance(int64(float64(sizes[i]) * weights[i]))
			return t.keep(i, out[i])
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var reqs []pkg.Request
	var where []int
	for i, f := range t.req.Packages {
		if out[i] == nil {
			r := t.request(f)
			r.Done = func(x *pkg.Extracted) error { return t.keep(i, x) }
			r.Weight = weights[i]
			r.Cost = extractCostOf(f, sizes[i])
			reqs = append(reqs, r)
			where = append(where, i)
		}
	}
	xs, err := pkg.ExtractAllNamed(ctx, reqs, 0, t.rep.Advance, func(archive string) {
		t.rep.Item(filepath.Base(archive))
	})
	if err != nil {
		return nil, extractError(err)
	}
	if err := oneOfEachName(out, xs); err != nil {
		return nil, err
	}
	if err := forThisSubdir(t.req.Subdir, out, xs); err != nil {
		return nil, err
	}
	for k, x := range xs {
		out[where[k]] = x
		for _, n := range x.Notes {
			t.note("%s: %s", x.Index.Dist(), n)
		}
		if t.req.NoPackageCache {
			t.scratch[x] = true
			continue
		}
		if x.Record != nil && x.Record.URL != "" {
			if err := pkg.AppendURL(t.pkgsDir, x.Record.URL); err != nil {
				t.logf("install: %v", err)
			}
		}
	}
	return out, nil
}

// forThisSubdir refuses a package built for another platform than the
// env's (an osx-arm64 package in a linux-64 env: its programs would not
// run here); noarch ones, and those whose index names no subdir, fit any.
func forThisSubdir(subdir string, groups ...[]*pkg.Extracted) error {
	for _, xs := range groups {
		for _, x := range xs {
			if x == nil || subdir == "" {
				continue
			}
			if sd := x.Index.Subdir; sd != "" && sd != "noarch" && sd != subdir {
				return &BundleError{Reason: fmt.Sprintf("its package %s is built for %s, not for the %s it is listed for", x.Index.Dist(), sd, subdir)}
			}
		}
	}
	return nil
}

// oneOfEachName refuses two packages of one name among the cached and the
// extracted ones: an env holds one package of each name (conda keeps one
// record per name; the other's files would belong to nothing). Names
// ignore case, as conda's do (MatchSpec and the history lower them; on
// Windows and macOS the two records would also be one file).
func oneOfEachName(groups ...[]*pkg.Extracted) error {
	seen := map[string]string{}
	for _, xs := range groups {
		for _, x := range xs {
			if x == nil {
				continue
			}
			if prev, dup := seen[strings.ToLower(x.Index.Name)]; dup {
				return &BundleError{Reason: fmt.Sprintf("two of its packages are named %q, %s and %s; an env holds one package of each name, whatever its case", x.Index.Name, prev, x.Index.Dist())}
			}
			seen[strings.ToLower(x.Index.Name)] = x.Index.Dist()
		}
	}
	return nil
}

// The expected cost of extracting a package, in the units of the front
// ends' progress model (app/wizard/progress_model.go): each of its files,
// and each MB it unpacks to. Writing a large env is bound by the disk: at
// 8× the scale series' environment (4.8 GB, 321,573 files) extraction
// wrote some 110 MB a second whatever the files, and only its last, small
// packages were bound by their files (docs/performance.md).
//
// A .tar.bz2 costs more: bzip2 decodes at some 15 MB of archive a second
// a core, so at 8× the 240 .tar.bz2 packages (4% of the archive bytes,
// 19% of the files) took a third of the workers' time
// (ExtractCostPerBz2MB, per MB of .tar.bz2 archive, on top of its files
// and bytes).
const (
	ExtractCostPerFile  = 175
	ExtractCostPerMB    = 9000
	ExtractCostPerBz2MB = 375000
)

// ExtractCost is the expected cost of extracting a package of files
// files, unpacked bytes, from an archive of archive bytes (bz2: a
// .tar.bz2).
func ExtractCost(files int, unpacked, archive int64, bz2 bool) float64 {
	c := extractCost(files, unpacked, archive, bz2)
	return c.Files + c.Bytes
}

// extractCost is ExtractCost split into what goes with the files and what
// goes with the bytes, for pkg.ExtractAll's order.
func extractCost(files int, unpacked, archive int64, bz2 bool) pkg.Cost {
	c := pkg.Cost{Files: ExtractCostPerFile * float64(files), Bytes: ExtractCostPerMB * float64(unpacked) / (1 << 20)}
	if bz2 {
		c.Bytes += ExtractCostPerBz2MB * float64(archive) / (1 << 20)
	}
	return c
}

// extractCostOf is f's extractCost, or none without its facts.
func extractCostOf(f PackageFile, size int64) pkg.Cost {
	if f.Files <= 0 || size <= 0 {
		return pkg.Cost{}
	}
	return extractCost(f.Files, f.Unpacked, size, strings.HasSuffix(f.Path, ".tar.bz2"))
}

// extractWeights returns, for each package, the weight of its archive's
// bytes in the extract stage's progress, so that each package's share of
// the stage is its share of the expected cost (ExtractCost) and the
// stage still totals total: an archive of a few
// large files, which extracts fast per byte, then advances the bar less
// per byte than one of many small files. Without the facts for every
// package (PackageFile.Files), every weight is 1: the archives' bytes.
func extractWeights(fs []PackageFile, sizes []int64, total int64) []float64 {
	w := make([]float64, len(fs))
	costs := make([]float64, len(fs))
	var sum float64
	known := true
	for i, f := range fs {
		w[i] = 1
		known = known && f.Files > 0 && sizes[i] > 0
		c := extractCostOf(f, sizes[i])
		costs[i] = c.Files + c.Bytes
		sum += costs[i]
	}
	if !known || sum <= 0 {
		return w // facts missing: the archives' bytes as they are
	}
	for i := range fs {
		w[i] = costs[i] / sum * float64(total) / float64(sizes[i])
	}
	return w
}

// asBuiltAdvice is the remedy for a package refused as it was built.
const asBuiltAdvice = "the package is the one the bundle was built with (its checksum matches), so a fresh download holds the same: ask the platform team for a bundle without it (onboard bundle build refuses such a package)"

// extractError turns a damaged-package error into a BundleError.
func extractError(err error) error {
	var (
		hm *pkg.HashMismatchError
		ue *pkg.UnsafeEntryError
		fe *pkg.FormatError
		pe *pkg.Error
	)
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &pe), errors.As(err, &ue), errors.As(err, &fe):
		// their text names the package and says what is wrong with it
		// ("package "p.conda" is refused: …"): said once. The archive's
		// sha256 matched the manifest's (a damaged copy is a
		// HashMismatchError), so these are the bytes the bundle was built
		// with: a fresh download holds the same (audit AS 4).
		return &BundleError{Err: err, Advice: asBuiltAdvice}
	case errors.As(err, &hm):
		return &BundleError{Reason: "package " + filepath.Base(hm.Archive) + " is damaged", Err: err}
	}
	return err
}

// cached returns the already extracted folder of f when it is this very
// archive (pkg.Cached) with the same origin URL, else nil.
func (t *envTxn) cached(f PackageFile) *pkg.Extracted {
	x, ok := pkg.Cached(t.request(f))
	if !ok || (f.URL != "" && x.Record.URL != f.URL) {
		return nil
	}
	return x
}

func (t *envTxn) request(f PackageFile) pkg.Request {
	r := pkg.Request{Archive: f.Path, PkgsDir: t.pkgsDir, URL: f.URL, Depends: f.Depends, Open: f.Open,
		Expect: pkg.Expect{SHA256: f.SHA256, MD5: f.MD5, Size: f.Size, Unpacked: f.Unpacked}}
	if link.IsWindows(t.req.Subdir) && t.req.WindowsLauncher != nil {
		r.EntryPointSize = int64(len(t.req.WindowsLauncher(t.req.Subdir)))
	}
	if t.req.NoPackageCache {
		if stem, err := pkg.Stem(f.Path); err == nil {
			r.Dest = filepath.Join(t.tmp, "pkgs", stem)
			if t.placer != nil {
				r.Router = t.placer
				// python first: its version places the noarch: python packages
				r.First = distName(stem) == "python"
			}
		}
	}
	return r
}

// distName is the package name of a dist or archive stem
// "<name>-<version>-<build>" (names may hold '-', versions and builds
// may not).
func distName(stem string) string {
	for range 2 {
		i := strings.LastIndexByte(stem, '-')
		if i < 0 {
			return ""
		}
		stem = stem[:i]
	}
	return stem
}

// unlinkReplaced moves aside, through the journal, the record and the
// files of every installed package that one of this install replaces
// (one of names), as conda unlinks a package before it links its
// replacement, after running its pre-unlink script (a failure is only
// noted, as conda only logs it).
func (t *envTxn) unlinkReplaced(ctx context.Context, names map[string]bool) error {
	if t.created {
		return nil
	}
	m, err := state.ReadMeta(t.prefix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no conda-meta: nothing installed
	}
	if err != nil {
		return err
	}
	if c := m.Corrupt(); c != nil {
		return fmt.Errorf("failed to install into %q: %w; conda refuses the environment too: repair the install", t.prefix, c)
	}
	for _, r := range m.Records {
		if !names[r.Name] {
			continue
		}
		t.preUnlink(ctx, r)
		for _, f := range r.Files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if !filepath.IsLocal(filepath.FromSlash(f)) {
				continue // a record something else wrote: never move aside a file outside the env
			}
			p := filepath.Join(t.prefix, filepath.FromSlash(f))
			if fi, err := os.Lstat(p); err != nil || fi.IsDir() {
				continue
			}
			if err := t.j.MoveAside(p); err != nil {
				return err
			}
		}
		if err := t.j.MoveAside(filepath.Join(t.prefix, "conda-meta", r.FileName())); err != nil {
			return err
		}
	}
	return nil
}

// preUnlink runs the pre-unlink script of the installed package r, if it
// has one, before its files go.
func (t *envTxn) preUnlink(ctx context.Context, r *prefix.Record) {
	res, err := link.RunScript(ctx, link.Script{Action: "pre-unlink", Prefix: t.prefix, RootPrefix: t.rootPrefix(),
		Subdir: t.req.Subdir, Name: r.Name, Version: r.Version, BuildNumber: r.BuildNumber, Dist: r.Dist()})
	switch {
	case err != nil:
		t.note("%v (the package is replaced all the same, as conda does)", err)
	case res.Skipped != "":
		t.note("%s", res.Skipped)
	case res.Messages != "":
		t.note("message from %s: %s", r.Dist(), res.Messages)
	}
}

// scripts runs the post-link scripts serially in link order.
func (t *envTxn) scripts(ctx context.Context) error {
	t.rep.Stage(StageScripts, int64(len(t.linked)))
	for _, m := range t.linked {
		t.rep.Item(m.Dist())
		res, err := link.RunScript(ctx, link.Script{Action: "post-link", Prefix: t.prefix, RootPrefix: t.rootPrefix(),
			Subdir: t.req.Subdir, Name: m.Name, Version: m.Version, BuildNumber: m.BuildNumber, Dist: m.Dist()})
		if res != nil && res.Messages != "" {
			t.note("message from %s: %s", m.Dist(), res.Messages)
		}
		if res != nil && res.Skipped != "" {
			t.note("%s", res.Skipped)
		}
		if err != nil {
			return err
		}
		t.rep.Advance(1)
	}
	return nil
}

func (t *envTxn) rootPrefix() string {
	if t.req.RootPrefix != "" {
		if abs, err := filepath.Abs(t.req.RootPrefix); err == nil {
			return abs
		}
	}
	return t.prefix
}

// compile byte-compiles the noarch: python sources with the env's python
// when it runs here; otherwise it leaves a note.
func (t *envTxn) compile(ctx context.Context) {
	sources := t.pycSrc
	if len(sources) == 0 {
		return
	}
	t.rep.Stage(StageCompile, int64(len(sources)))
	if _, why := link.Interpreter(ctx, t.opts); why != "" {
		t.note("pyc compilation skipped: %s", why)
		return
	}
	files, dirs := link.PycTargets(t.opts, sources)
	if err := t.j.WillMkdir(dirs...); err != nil {
		t.note("pyc compilation skipped: %v", err)
		return
	}
	if err := t.j.WillCreate(files...); err != nil {
		t.note("pyc compilation skipped: %v", err)
		return
	}
	if note := link.Compile(ctx, t.opts, sources, t.rep.Advance); note != "" {
		t.note("%s", note)
	}
	if err := t.pycSizes(ctx); err != nil {
		t.note("the sizes of the .pyc files are not in conda-meta: %v", err)
	}
}

// metadata writes history, created_at and the bundle's conda settings
// (condarc.d/onboard.yml; the conda-meta
// records are written as their packages are linked: env_link.go).
func (t *envTxn) metadata(context.Context) error {
	t.rep.Stage(StageMetadata, 1)
	specs := t.requestedSpecs()
	if err := t.history(specs, t.linked); err != nil {
		return err
	}
	if err := t.writeExecutables(); err != nil {
		return err
	}
	meta := filepath.Join(t.prefix, "conda-meta")
	if err := t.newFile(filepath.Join(meta, "created_at")); err != nil {
		return err
	}
	if err := prefix.WriteCreatedAt(t.prefix, now()); err != nil {
		return err
	}
	if t.req.Condarc != nil {
		rc := filepath.Join(t.prefix, filepath.FromSlash(pkg.BundleCondarcFile))
		if _, err := os.Lstat(filepath.Dir(rc)); errors.Is(err, fs.ErrNotExist) {
			if err := t.j.WillMkdir(filepath.Dir(rc)); err != nil {
				return err
			}
		}
		if err := t.newFile(rc); err != nil {
			return err
		}
		if err := prefix.WriteCondarc(t.prefix, t.req.Condarc); err != nil {
			return err
		}
	}
	t.rep.Advance(1)
	return nil
}

// newFiles journals files about to be written, like newFile, with one
// journal entry for all the new ones.
func (t *envTxn) newFiles(paths []string) error {
	var fresh []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err != nil {
			fresh = append(fresh, p)
			continue
		}
		if err := t.newFile(p); err != nil {
			return err
		}
	}
	return t.j.WillCreate(fresh...)
}

// newFile journals a file about to be written: an existing one is moved
// aside (and put back on rollback), a new one removed on rollback.
func (t *envTxn) newFile(p string) error {
	if _, err := os.Lstat(p); err == nil {
		if filepath.Base(p) == "created_at" {
			return nil // kept as is
		}
		return t.j.MoveAside(p)
	}
	return t.j.WillCreate(p)
}

// history appends this transaction to conda-meta/history. In a prefix this
// transaction created, the records just written are all there is;
// otherwise the state comes from conda-meta.
func (t *envTxn) history(specs []string, written []*prefix.Record) error {
	recs := written
	if !t.created {
		m, err := state.ReadMetaHeads(t.prefix)
		if err != nil {
			return err
		}
		if c := m.Corrupt(); c != nil {
			return fmt.Errorf("failed to write the history of %q: %w; repair the install", t.prefix, c)
		}
		recs = m.Records
	}
	installed := make([]string, len(recs))
	for i, r := range recs {
		installed[i] = r.DistString()
	}
	hp := prefix.HistoryPath(t.prefix)
	old, _ := os.ReadFile(hp)
	removed, added := prefix.HistoryDiff(old, installed)
	if err := t.j.Preserve(hp); err != nil {
		return err
	}
	cmd := t.req.Command
	if cmd == "" {
		cmd = "onboard install"
	}
	return prefix.AppendHistory(t.prefix, prefix.HistoryEntry{Time: now(), Command: cmd,
		CondaVersion: t.condaVersion(recs), Removed: removed, Added: added, UpdateSpecs: specs})
}

// requestedSpecs are the user's specs, or else, as conda's @EXPLICIT
// install writes them, an exact pin of every package
// ("<channel>/<subdir>::<name>==<version>=<build>", prefix.ExactSpec), so
// that conda's solver later keeps what the team pinned.
func (t *envTxn) requestedSpecs() []string {
	if len(t.req.Requested) > 0 {
		return t.req.Requested
	}
	specs := make([]string, 0, len(t.linked))
	for _, m := range t.linked {
		specs = append(specs, prefix.ExactSpec(m))
	}
	return specs
}

// specsFor returns the specs that name the package.
func specsFor(specs []string, name string) []string {
	var out []string
	for _, s := range specs {
		if link.DependsName(s) == name {
			out = append(out, s)
		}
	}
	return out
}

// condaVersion is the version of the conda package of this env or of the
// root prefix, else prefix.DefaultCondaVersion.
func (t *envTxn) condaVersion(recs []*prefix.Record) string {
	for _, r := range recs {
		if r.Name == "conda" {
			return r.Version
		}
	}
	if root := t.rootPrefix(); root != t.prefix {
		if rr, err := state.ReadMetaHeads(root); err == nil {
			for _, r := range rr.Records {
				if r.Name == "conda" {
					return r.Version
				}
			}
		}
	}
	return prefix.DefaultCondaVersion
}

package installer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
)

// windowPaths is how many paths the link stage plans before it links them:
// packages are planned, linked and recorded a window at a time, in link
// order, and their plans forgotten, so that the memory an install needs
// does not grow with its environment (docs/engine.md, "Linking in
// windows"). A window is large enough for the journal's few syncs and for
// the files of small packages to be linked on all CPUs at once.
var windowPaths = 16384

// spillDir holds each extracted package's paths between its extraction
// and its window (keep).
func (t *envTxn) spillDir() string { return filepath.Join(t.tmp, "paths") }

func (t *envTxn) spillPath(id int) string {
	return filepath.Join(t.spillDir(), strconv.Itoa(id))
}

// keep is what the install keeps of package id (t.req.Packages[id]) once
// it is extracted: the bytes of its files, which of its paths the
// extraction placed (t.owners), and its paths in the scratch folder,
// not in memory, until its window is linked.
func (t *envTxn) keep(id int, x *pkg.Extracted) error {
	var writes, placed int64
	for i, e := range x.Paths.Paths {
		if e.FileMode == pkg.ModeBinary && e.PrefixPlaceholder != "" && len(e.PrefixPlaceholder) < len(t.prefix) {
			t.padRisk[id] = true
		}
		if e.SizeInBytes == nil {
			continue
		}
		if x.Placed != nil && x.Placed[i] {
			placed += *e.SizeInBytes
		} else {
			writes += *e.SizeInBytes
		}
	}
	t.sizes[id] = [2]int64{writes, placed}
	if x.Placed != nil {
		t.owners.Placed(int32(id), link.PlacedTargets(x, t.placer.python()))
	}
	b, err := x.Paths.MarshalBinary()
	if err == nil {
		err = os.WriteFile(t.spillPath(id), b, 0o644)
	}
	if err != nil {
		return &TargetError{Path: t.spillPath(id), Reason: "cannot write the package's list of files", Err: err}
	}
	x.Paths = nil
	return nil
}

// unspill reads back the paths keep put aside.
func (t *envTxn) unspill(id int, x *pkg.Extracted) error {
	b, err := os.ReadFile(t.spillPath(id))
	if err != nil {
		return &TargetError{Path: t.spillPath(id), Reason: "cannot read the package's list of files back", Err: err}
	}
	x.Paths = &pkg.Paths{}
	if err := x.Paths.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("failed to read %q back (something else wrote there during the install): %w", t.spillPath(id), err)
	}
	return nil
}

// link plans, links and records the packages in dependency order, a
// window of about windowPaths paths at a time: each window's plans are
// claimed against the paths earlier packages hold (the last package
// providing a path wins, as in conda), linked, and their conda-meta
// records written; then the plans are dropped. xs are the extracted
// packages in request order.
func (t *envTxn) link(ctx context.Context, xs []*pkg.Extracted, tmp string) (*EnvResult, error) {
	order := linkOrder(xs)
	t.rank = make([]int, len(xs))
	for r, id := range order {
		t.rank[id] = r
	}
	ordered := make([]*pkg.Extracted, len(order))
	for r, id := range order {
		ordered[r] = xs[id]
	}
	py, err := t.python(ordered)
	if err != nil {
		return nil, err
	}
	if err := needsPython(py, ordered); err != nil {
		return nil, err
	}
	t.opts = &link.Options{Prefix: t.prefix, Subdir: t.req.Subdir, Python: py, TempDir: tmp, Item: t.rep.Item,
		Launcher: t.req.WindowsLauncher}
	res := &EnvResult{Prefix: t.prefix}
	names := map[string]bool{}
	var total int64
	for r, x := range ordered {
		t.linked = append(t.linked, link.Meta(x))
		res.Packages = append(res.Packages, x.Index.Dist())
		names[x.Index.Name] = true
		total += t.sizes[order[r]][0] + t.sizes[order[r]][1]
	}
	if err := t.unlinkReplaced(ctx, names); err != nil {
		return nil, err
	}
	if err := t.metaDir(); err != nil {
		return nil, err
	}
	if err := t.checkPadding(ctx, xs, order); err != nil {
		return nil, err
	}
	specs := t.requestedSpecs()
	t.rep.Stage(StageLink, total)
	var window []*link.Plan
	var ids []int
	n := 0
	for _, id := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		x := xs[id]
		if err := t.unspill(id, x); err != nil {
			return nil, err
		}
		p, err := link.Prepare(ctx, x, t.opts)
		if err != nil {
			return nil, t.linkError(err)
		}
		p.Archive = t.archiveOf(x)
		if t.scratch[x] {
			p.Move = true
			p.ExtractedDir = filepath.Join(t.pkgsDir, filepath.Base(x.Dir))
		}
		t.owners.Claim(p, int32(id), t.prefix)
		window, ids = append(window, p), append(ids, id)
		if n += len(p.Actions); n >= windowPaths {
			if err := t.linkWindow(ctx, window, ids, specs); err != nil {
				return nil, err
			}
			window, ids, n = nil, nil, 0
		}
	}
	if err := t.linkWindow(ctx, window, ids, specs); err != nil {
		return nil, err
	}
	for _, c := range t.owners.Clashes(func(id int32) string { return xs[id].Index.Dist() }) {
		res.Clashes = append(res.Clashes, Clash{Path: c.Path, Packages: c.Dists})
		t.logf("install %s: %s is in %s; the last one wins", filepath.Base(t.prefix), c.Path, strings.Join(c.Dists, ", "))
	}
	return res, nil
}

// checkPadding plans, before anything is linked, the packages whose
// binary files have a prefix placeholder shorter than the prefix (keep
// notes them), so that a prefix too long for one of them fails the install
// before the first window is linked, as when every package was planned
// first. The plans are dropped; their windows plan them again.
func (t *envTxn) checkPadding(ctx context.Context, xs []*pkg.Extracted, order []int) error {
	for _, id := range order {
		if !t.padRisk[id] {
			continue
		}
		x := xs[id]
		if err := t.unspill(id, x); err != nil {
			return err
		}
		_, err := link.Prepare(ctx, x, t.opts)
		x.Paths = nil
		if err != nil {
			return t.linkError(err)
		}
	}
	return nil
}

// linkWindow links a window's plans (ids are their packages), writes
// their conda-meta records, keeps what the later stages need and drops
// the rest.
func (t *envTxn) linkWindow(ctx context.Context, plans []*link.Plan, ids []int, specs []string) error {
	if len(plans) == 0 {
		return nil
	}
	if err := link.Execute(ctx, plans, t.opts, t.j, t.created, t.rep.Advance); err != nil {
		return t.linkError(err)
	}
	t.owners.EndWindow()
	if err := t.noteExecutables(ctx, plans); err != nil {
		return err
	}
	meta := filepath.Join(t.prefix, "conda-meta")
	paths := make([]string, len(plans))
	for i, p := range plans {
		paths[i] = filepath.Join(meta, p.Meta().FileName())
	}
	if err := t.newFiles(paths); err != nil {
		return err
	}
	if err := link.ForEach(ctx, plans, 0, func(_ context.Context, p *link.Plan) error {
		_, err := p.WriteRecord(t.prefix, specsFor(specs, p.Pkg.Index.Name))
		return err
	}); err != nil {
		return err
	}
	for i, p := range plans {
		if len(p.PycSources) > 0 {
			t.pycSrc = append(t.pycSrc, p.PycSources...)
			t.pycRecs = append(t.pycRecs, paths[i])
		}
		t.rep.Advance(t.sizes[ids[i]][1]) // the placed files: planned and recorded
		p.Pkg.Paths = nil
	}
	return nil
}

// metaDir makes conda-meta, journaled, when it is not there yet.
func (t *envTxn) metaDir() error {
	meta := filepath.Join(t.prefix, "conda-meta")
	if _, err := os.Stat(meta); err == nil {
		return nil
	}
	if err := t.j.WillMkdir(meta); err != nil {
		return err
	}
	if err := os.MkdirAll(meta, 0o755); err != nil {
		return &TargetError{Path: meta, Reason: "cannot create the folder", Err: err}
	}
	return nil
}

// pycSizes puts the size of each .pyc file just compiled into the records
// that list it: the records were written as their windows were linked,
// before compiling, and conda records a .pyc's size when the file exists.
func (t *envTxn) pycSizes(ctx context.Context) error {
	return link.ForEach(ctx, t.pycRecs, 0, func(_ context.Context, p string) error {
		r, err := state.ReadRecord(p)
		if err != nil {
			return err
		}
		changed := false
		for i := range r.PathsData.Paths {
			d := &r.PathsData.Paths[i]
			if d.PathType != pkg.PathPyc || d.SizeInBytes != nil {
				continue
			}
			if fi, err := os.Stat(filepath.Join(t.prefix, filepath.FromSlash(d.Path))); err == nil {
				n := fi.Size()
				d.SizeInBytes, changed = &n, true
			}
		}
		if !changed {
			return nil
		}
		_, err = prefix.WriteRecord(t.prefix, r)
		return err
	})
}

// needsPython refuses a noarch: python package in an env with no python
// to install it for, before anything is linked: a bundle built before
// `bundle build` refused it is as unusable as one it refuses (exit 3).
func needsPython(py *link.Python, xs []*pkg.Extracted) error {
	if py != nil {
		return nil
	}
	for _, x := range xs {
		if link.NoarchPython(x) {
			return &BundleError{Reason: fmt.Sprintf("its package %s is a noarch: python package, and its environment has no python package to install it for", x.Index.Dist()),
				Advice: "add python to the environment's lock file and build the bundle again, or take the package out"}
		}
	}
	return nil
}

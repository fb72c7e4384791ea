package maintain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/pkg"
	"onboard/installer/state"
	"onboard/internal/rmtree"
)

// pkgSource is what repair knows about one package: where its archive
// should be and what it must hash to.
type pkgSource struct {
	dist    string
	env     string // the env it is in
	spec    string // name==version=build, from its record ("" when unreadable)
	fn      string // archive file name
	archive string // PREFIX/pkgs/<fn>
	expect  pkg.Expect
	url     string
	manPkg  *bundle.Package // the bundle's entry, when the manifest names it
	// recArchive and recExtracted are the record's
	// package_tarball_full_path and extracted_package_dir.
	recArchive, recExtracted string
	scratch                  string // a folder this repair extracted into, removed after
	// partial: only the files to re-link were extracted into scratch.
	partial bool
}

// checkExtracted checks an extracted package folder against its own
// info/paths.json and returns the damaged paths; a folder that cannot be
// read at all is one problem named "info/". keep, when not nil, limits
// the check to the entries a repair re-links. Files hard-linked into the
// prefix share their inode with these copies, so an in-place edit in the
// prefix shows up here too (observations G7).
func checkExtracted(dir string, keep func(pkg.PathEntry) bool) []string {
	x, err := pkg.ReadExtracted(dir)
	if err != nil {
		return []string{"info/"}
	}
	var bad []string
	for _, e := range x.Paths.Paths {
		if keep != nil && !keep(e) {
			continue
		}
		if !extractedEntryOK(filepath.Join(dir, filepath.FromSlash(e.Path)), e) {
			bad = append(bad, e.Path)
		}
	}
	return bad
}

// extractedEntryOK tells whether one extracted entry matches paths.json.
func extractedEntryOK(p string, e pkg.PathEntry) bool {
	fi, err := os.Lstat(p)
	if err != nil {
		return false
	}
	switch e.PathType {
	case pkg.PathSoftlink:
		return fi.Mode()&fs.ModeSymlink != 0 || fi.Mode().IsRegular()
	case pkg.PathDir:
		return fi.IsDir()
	}
	if !fi.Mode().IsRegular() {
		return false
	}
	if e.SizeInBytes != nil && fi.Size() != *e.SizeInBytes {
		return false
	}
	if e.SHA256 == "" {
		return true
	}
	sum, _, err := sha256File(p)
	return err == nil && sum == e.SHA256
}

// extracted returns a healthy extracted copy of the package, and what it
// did to get it. With a package cache (PREFIX/pkgs exists), the copy
// there is made whole again in place (ensureExtracted; keepsPackageCache). Otherwise the
// record's extracted_package_dir is used when whole (in the entries keep
// selects, when not nil: those the repair re-links); else the package is
// extracted into a scratch folder of this repair, from the record's
// package_tarball_full_path or PREFIX/pkgs/<fn> when one is there with the
// right hash, else from the bundle (--bundle, else the one the install
// carries, else the one beside this program).
func (rp *repairer) extracted(ctx context.Context, src *pkgSource, keep func(pkg.PathEntry) bool) (*pkg.Extracted, string, error) {
	cache := filepath.Join(rp.pkgsDir(), src.dist)
	if d := src.recExtracted; d != "" && !samePath(d, cache) && isDir(d) && len(checkExtracted(d, keep)) == 0 {
		// the package cache the record names (conda's own, for a prefix conda made)
		if x, err := pkg.ReadExtracted(d); err == nil {
			rp.logf("repair: using the package copy %q that the record names", d)
			return x, "", nil
		}
	}
	if rp.keepsCache() { // an install with a package cache keeps it whole
		did, err := rp.ensureExtracted(ctx, src, keep)
		if err != nil {
			return nil, "", err
		}
		x, err := pkg.ReadExtracted(cache)
		if err != nil {
			return nil, "", fmt.Errorf("failed to read the package copy of %s: %w", src.dist, err)
		}
		return x, did, nil
	}
	if d := src.recExtracted; d != "" && isDir(d) && len(checkExtracted(d, keep)) == 0 {
		if x, err := pkg.ReadExtracted(d); err == nil {
			return x, "", nil
		}
	}
	src.scratch = state.RepairScratchDir(rp.prefix, src.dist)
	rmtree.RemoveAll(src.scratch)
	for _, a := range []string{src.recArchive, src.archive} {
		if a == "" {
			continue
		}
		if _, err := os.Stat(a); err != nil {
			continue
		}
		x, err := rp.extractScratch(ctx, src, pkg.Request{Archive: a, Dest: src.scratch, Expect: src.expect, URL: src.url}, keep)
		if err == nil {
			src.archive = a
			return x, "re-extracted " + src.what() + " from " + a, nil
		}
		if errors.Is(err, context.Canceled) {
			return nil, "", err
		}
		rp.logf("repair: archive %q is not usable (%v)", a, err)
	}
	b, err := rp.bundleWith(src)
	if err != nil {
		return nil, "", err
	}
	mp := *src.manPkg
	open := func() (io.ReaderAt, int64, io.Closer, error) {
		if ra, n, err := b.OpenPackage(mp); err == nil {
			return ra, n, nil, nil
		}
		got, err := b.CopyPackage(ctx, mp, filepath.Dir(src.scratch), nil)
		if err != nil {
			return nil, 0, nil, err
		}
		f, err := os.Open(got)
		if err != nil {
			return nil, 0, nil, err
		}
		return f, mp.Size, engine.RemoveOnClose{F: f}, nil
	}
	x, err := rp.extractScratch(ctx, src, pkg.Request{Archive: src.archive, Open: open, Dest: src.scratch, Expect: src.expect, URL: src.url}, keep)
	if err != nil {
		if kerr := rp.keptFault(src.dist, err); kerr != err {
			return nil, "", kerr
		}
		return nil, "", fmt.Errorf("failed to take %s from the bundle %s: %w", src.dist, b.Source, err)
	}
	return x, "re-extracted " + src.what() + " from the bundle", nil
}

// what names what was extracted, for the repair result.
func (src *pkgSource) what() string {
	if src.partial {
		return "the damaged files of " + src.dist
	}
	return src.dist
}

// extractScratch extracts the package into src.scratch: with keep, only
// the files it selects, the others read and checked against paths.json
// but written nowhere (pkg.Skip), so that a package of many files costs
// the files damaged, not all of them. Where that cannot be done (a
// hard-link member whose target was skipped) the whole package is
// extracted; a package whose info/ comes last is extracted whole by pkg.
func (rp *repairer) extractScratch(ctx context.Context, src *pkgSource, r pkg.Request, keep func(pkg.PathEntry) bool) (*pkg.Extracted, error) {
	src.partial = false
	if keep != nil {
		r.Router = keepRouter(keep)
		x, err := pkg.Extract(ctx, r, nil)
		var hm *pkg.HashMismatchError
		if err == nil {
			src.partial = true
			return x, nil
		}
		if errors.Is(err, context.Canceled) || errors.As(err, &hm) {
			return nil, err
		}
		rp.logf("repair: extracting only the damaged files of %s failed (%v); extracting all of it", src.dist, err)
		r.Router = nil
	}
	return pkg.Extract(ctx, r, nil)
}

// keepRouter writes the regular files it selects into the extraction's
// folder and skips the others.
type keepRouter func(pkg.PathEntry) bool

func (k keepRouter) Route(_ *pkg.Index, _ *pkg.LinkJSON, p *pkg.Paths) (func(int) string, error) {
	return func(i int) string {
		if k(p.Paths[i]) {
			return ""
		}
		return pkg.Skip
	}, nil
}

// ensureExtracted makes PREFIX/pkgs/<dist> whole again: it keeps a folder
// whose entries that keep selects (all, when nil) are healthy, re-extracts
// the archive when the folder is damaged or gone, and first copies the
// archive out of the bundle when it is gone or damaged too. It returns
// what it did, for the repair result.
func (rp *repairer) ensureExtracted(ctx context.Context, src *pkgSource, keep func(pkg.PathEntry) bool) (string, error) {
	dir := filepath.Join(rp.pkgsDir(), src.dist)
	bad := checkExtracted(dir, keep)
	if len(bad) == 0 {
		return "", nil
	}
	if _, err := os.Stat(dir); err != nil {
		rp.logf("repair: there is no package copy %q; extracting it", dir)
	} else {
		rp.logf("repair: package copy %q is damaged (%s); extracting it again", dir, strings.Join(firstN(bad, 3), ", "))
	}
	did := "re-extracted " + src.dist
	archives := []string{src.archive}
	if a := src.recArchive; a != "" && !samePath(a, src.archive) {
		archives = append(archives, a) // the record's own, in conda's package cache
	}
	for _, a := range archives {
		_, err := pkg.Extract(ctx, pkg.Request{Archive: a, PkgsDir: rp.pkgsDir(), Expect: src.expect, URL: src.url}, nil)
		if err == nil {
			return did + " from " + a, nil
		}
		if errors.Is(err, context.Canceled) {
			return "", err
		}
		rp.logf("repair: archive %q is not usable (%v)", a, err)
	}
	rp.logf("repair: taking the archive of %s from the bundle", src.dist)
	if err := rp.fromBundle(ctx, src); err != nil {
		return "", err
	}
	if _, err := pkg.Extract(ctx, pkg.Request{Archive: src.archive, PkgsDir: rp.pkgsDir(), Expect: src.expect, URL: src.url}, nil); err != nil {
		return "", fmt.Errorf("failed to extract %q again: %w", src.archive, err)
	}
	return did + " (archive restored from the bundle)", nil
}

// fromBundle copies src's archive out of the bundle into PREFIX/pkgs.
func (rp *repairer) fromBundle(ctx context.Context, src *pkgSource) error {
	b, err := rp.bundleWith(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(rp.pkgsDir(), 0o755); err != nil {
		return fmt.Errorf("failed to create the package cache %q: %w", rp.pkgsDir(), err)
	}
	got, err := b.CopyPackage(ctx, *src.manPkg, rp.pkgsDir(), nil)
	if err != nil {
		if kerr := rp.keptFault(src.dist, err); kerr != err {
			return kerr
		}
		return fmt.Errorf("failed to copy %s out of the bundle: %w", src.dist, err)
	}
	src.archive = got
	return nil
}

func firstN(ss []string, n int) []string {
	if len(ss) > n {
		return append(ss[:n:n], "…")
	}
	return ss
}

// bundleWith returns the bundle to take src's archive from, with
// src.manPkg set: the installed bundle's entry, or for a package that the
// installed bundle does not list, the same package (by name, version,
// build and sha256) in the bundle given with --bundle.
func (rp *repairer) bundleWith(src *pkgSource) (*bundle.Bundle, error) {
	if src.manPkg == nil && rp.opts.BundlePath == "" && src.expect.SHA256 != "" {
		// one conda installed (from the bundle's archives, into another
		// env): the install's own bundle has those very bytes, by sha256
		if b, err := rp.bundle(); err == nil {
			if src.manPkg = findInBundle(&b.Manifest, src.dist, src.expect.SHA256); src.manPkg != nil {
				return b, nil
			}
		}
	}
	if src.manPkg == nil && rp.opts.BundlePath == "" {
		if src.spec != "" {
			// conda's own: it repairs what it installed (observation G6)
			return nil, fmt.Errorf("failed to repair %s: conda installed it, not the bundle, and its archive is gone from disk; repair it with conda: conda install -n %s --force-reinstall %q (from its channel), or pass a bundle that has it with --bundle FILE", src.dist, src.env, src.spec)
		}
		return nil, fmt.Errorf("failed to find an archive of %s: none is on disk and the installed bundle does not list it; pass a bundle that has it with --bundle FILE", src.dist)
	}
	b, err := rp.bundle()
	var kept *keptBundleError
	if errors.As(err, &kept) {
		return nil, fmt.Errorf("failed to find an archive of %s: none is on disk, and %w", src.dist, err)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to find an archive of %s: none is on disk and no bundle was found (%w)", src.dist, err)
	}
	if src.manPkg == nil {
		if src.manPkg = findInBundle(&b.Manifest, src.dist, src.expect.SHA256); src.manPkg == nil {
			return nil, fmt.Errorf("failed to find an archive of %s: none is on disk and the bundle %s does not have it", src.dist, rp.opts.BundlePath)
		}
	}
	return b, nil
}

// findInBundle returns the bundle's package of dist (with that sha256 when
// known), from any platform, or nil.
func findInBundle(m *bundle.Manifest, dist, sha string) *bundle.Package {
	for _, pl := range m.Platforms {
		for _, p := range pl.All() {
			if p.Dist() == dist && (sha == "" || p.SHA256 == sha) {
				return &p
			}
		}
	}
	return nil
}

package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/bundle"
	"onboard/installer/pkg"
)

// pkgSource is what repair knows about one package: where its archive
// should be and what it must hash to.
type pkgSource struct {
	dist    string
	fn      string // archive file name
	archive string // PREFIX/pkgs/<fn>
	// elsewhere are the record's own package_tarball_full_path and
	// extracted_package_dir when they lie outside PREFIX/pkgs (a prefix
	// conda made, with its package cache elsewhere)
	otherArchive, otherExtracted string
	extracted                    string // the healthy extracted copy repair links from
	expect                       pkg.Expect
	url                          string
	manPkg                       *bundle.Package // the bundle's entry, when the manifest names it
}

// checkExtracted checks an extracted package folder against its own
// info/paths.json and returns the damaged paths; a folder that cannot be
// read at all is one problem named "info/". Files hard-linked into the
// prefix share their inode with these copies, so an in-place edit in the
// prefix shows up here too (observations G7).
func checkExtracted(dir string) []string {
	x, err := pkg.ReadExtracted(dir)
	if err != nil {
		return []string{"info/"}
	}
	var bad []string
	for _, e := range x.Paths.Paths {
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

// ensureExtracted makes PREFIX/pkgs/<dist> whole again: it keeps a healthy
// folder, re-extracts the archive when the folder is damaged or gone, and
// first copies the archive out of the bundle when it is gone or damaged
// too. It returns what it did, for the repair result.
func (rp *repairer) ensureExtracted(ctx context.Context, src *pkgSource) (string, error) {
	dir := filepath.Join(rp.pkgsDir(), src.dist)
	src.extracted = dir
	bad := checkExtracted(dir)
	if len(bad) == 0 {
		return "", nil
	}
	if d := src.otherExtracted; d != "" && isDir(d) && len(checkExtracted(d)) == 0 {
		rp.logf("repair: using the package copy %q that the record names", d)
		src.extracted = d
		return "", nil
	}
	if _, err := os.Stat(dir); err != nil {
		rp.logf("repair: there is no package copy %q; extracting it", dir)
	} else {
		rp.logf("repair: package copy %q is damaged (%s); extracting it again", dir, strings.Join(firstN(bad, 3), ", "))
	}
	did := "re-extracted " + src.dist
	archives := []string{src.archive}
	if src.otherArchive != "" {
		archives = append(archives, src.otherArchive)
	}
	var err error
	for _, a := range archives {
		_, err = pkg.Extract(ctx, pkg.Request{Archive: a, PkgsDir: rp.pkgsDir(), Expect: src.expect, URL: src.url}, nil)
		if err == nil {
			return did, nil
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
	if src.manPkg == nil && rp.opts.BundlePath == "" {
		return fmt.Errorf("failed to find an archive of %s: %q is gone and the installed bundle does not list it; pass a bundle that has it with --bundle FILE", src.dist, src.archive)
	}
	b, err := rp.bundle()
	if err != nil {
		return fmt.Errorf("failed to find an archive of %s: %q is gone and no bundle was found (%v); pass --bundle FILE", src.dist, src.archive, err)
	}
	if src.manPkg == nil { // an explicit --bundle: look the package up in it
		src.manPkg = findInBundle(&b.Manifest, src.dist, src.expect.SHA256)
		if src.manPkg == nil {
			return fmt.Errorf("failed to find an archive of %s: %q is gone and the bundle %s does not have it", src.dist, src.archive, rp.opts.BundlePath)
		}
	}
	if err := os.MkdirAll(rp.pkgsDir(), 0o755); err != nil {
		return fmt.Errorf("failed to create the package cache %q: %w", rp.pkgsDir(), err)
	}
	got, err := b.CopyPackage(ctx, *src.manPkg, rp.pkgsDir(), nil)
	if err != nil {
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

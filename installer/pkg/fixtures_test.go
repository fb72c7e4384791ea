package pkg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureWant is what SOURCES.md says a fixture holds.
type fixtureWant struct {
	file          string
	name, subdir  string
	noarch        string
	legacy        bool
	paths         int
	placeholders  int
	softlinks     int
	entryPoints   int
	depends       int
	notes         int // G1: empty symlinks written as files
	emptySymlinks []string
	// missing is the first file info/files names that the archive lacks:
	// conda-build's index tests keep only the metadata of these, and
	// conda's link step would call them corrupt.
	missing string
}

var fixtureTable = []fixtureWant{
	{file: "conda-build/conda-index-pkg-a-1.0-pyhed9eced_1.tar.bz2", name: "conda-index-pkg-a", subdir: "noarch", noarch: "python", paths: 8, entryPoints: 2, depends: 1},
	// SOURCES.md counts entry points from link.json only; flask has its one
	// in info/package_metadata.json, which conda reads too.
	{file: "conda-build/flask-0.11.1-py_0.tar.bz2", name: "flask", subdir: "noarch", noarch: "python", legacy: true, depends: 5, entryPoints: 1,
		missing: "site-packages/Flask-0.11.1-py3.5.egg-info/PKG-INFO"},
	{file: "conda-build/nano-2.4.1-0.tar.bz2", name: "nano", legacy: true, depends: 2, missing: "bin/nano"},
	{file: "conda-test-recipes/clobber-a-1.0-0.conda", name: "clobber-a", subdir: "noarch", noarch: "generic", paths: 1},
	{file: "conda-test-recipes/clobber-b-1.0-0.conda", name: "clobber-b", subdir: "noarch", noarch: "generic", paths: 1},
	{file: "conda-test-recipes/dependency-1.0-0.conda", name: "dependency", subdir: "noarch", noarch: "generic"},
	{file: "conda-test-recipes/dependent-1.0-0.conda", name: "dependent", subdir: "noarch", noarch: "generic", depends: 1},
	{file: "conda-test-recipes/failing_post_link-1.0-0.conda", name: "failing_post_link", subdir: "noarch", noarch: "generic", paths: 2},
	{file: "conda-test-recipes/pip-99.99.99-py399_0.conda", name: "pip", subdir: "noarch", noarch: "generic", depends: 1},
	{file: "conda-test-recipes/post_link-b-1.0-0.conda", name: "post_link-b", subdir: "noarch", noarch: "generic", paths: 1},
	{file: "conda-test-recipes/post_link-c-1.0-0.conda", name: "post_link-c", subdir: "noarch", noarch: "generic", paths: 1, depends: 1},
	{file: "conda-test-recipes/post_link-d-1.0-0.conda", name: "post_link-d", subdir: "noarch", noarch: "generic", paths: 1, depends: 1},
	{file: "conda-test-recipes/post_link-e-1.0-0.conda", name: "post_link-e", subdir: "noarch", noarch: "generic", paths: 1},
	{file: "conda-test-recipes/post_link_run_in_env_package-1.0-0.conda", name: "post_link_run_in_env_package", subdir: "noarch", noarch: "generic", paths: 3},
	{file: "conda-test-recipes/python-3.99.99-0.conda", name: "python", subdir: "noarch", noarch: "generic"},
	{file: "conda-test-recipes/sample_noarch_python-1.0-py_0.conda", name: "sample_noarch_python", subdir: "noarch", noarch: "python", paths: 1, depends: 1},
	{file: "conda-test-recipes/small-executable-1.0-0.conda", name: "small-executable", subdir: "noarch", noarch: "generic", paths: 5},
	{file: "cph/cph_test_data-0.0.1-0.tar.bz2", name: "cph_test_data", subdir: "noarch", noarch: "generic", paths: 11, softlinks: 7},
	{file: "cph/mock-2.0.0-py37_1000.conda", name: "mock", subdir: "osx-64", paths: 32, depends: 3},
	{file: "cph/mock-2.0.0-py37_1000.tar.bz2", name: "mock", subdir: "osx-64", paths: 32, depends: 3},
	{file: "main/linux-64/zlib-1.2.11-h7b6447c_3.conda", name: "zlib", subdir: "linux-64", paths: 7, placeholders: 1, softlinks: 2, depends: 1, notes: 2, emptySymlinks: []string{"lib/libz.so", "lib/libz.so.1"}},
	{file: "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2", name: "zlib", subdir: "linux-64", paths: 7, placeholders: 1, softlinks: 2, depends: 1, emptySymlinks: []string{"lib/libz.so", "lib/libz.so.1"}},
	{file: "main/osx-64/zlib-1.2.11-h1de35cc_3.conda", name: "zlib", subdir: "osx-64", paths: 7, placeholders: 4, softlinks: 2, notes: 2, emptySymlinks: []string{"lib/libz.dylib", "lib/libz.1.dylib"}},
	{file: "main/osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2", name: "zlib", subdir: "osx-64", paths: 7, placeholders: 4, softlinks: 2},
	{file: "main/win-64/zlib-1.2.11-h62dcd97_3.conda", name: "zlib", subdir: "win-64", paths: 9, placeholders: 1, depends: 1},
	{file: "main/win-64/zlib-1.2.11-h62dcd97_3.tar.bz2", name: "zlib", subdir: "win-64", paths: 9, placeholders: 1, depends: 1},
	{file: "rattler/clobber-1-0.1.0-h4616a5c_0.tar.bz2", name: "clobber-1", subdir: "noarch", noarch: "generic", paths: 2},
	{file: "rattler/clobber-2-0.1.0-h4616a5c_0.tar.bz2", name: "clobber-2", subdir: "noarch", noarch: "generic", paths: 2},
	{file: "rattler/clobber-3-0.1.0-h4616a5c_0.tar.bz2", name: "clobber-3", subdir: "noarch", noarch: "generic", paths: 2},
	{file: "rattler/empty-0.1.0-h4616a5c_0.conda", name: "empty", subdir: "noarch", noarch: "generic"},
	{file: "rattler/link-scripts-0.1.0-h4616a5c_0.conda", name: "link-scripts", subdir: "noarch", noarch: "generic", paths: 4},
	// No info/files at all: the payload is listed; lib/liblink.so is a symlink.
	{file: "rattler/symlink-test-1.0.0-0.conda", name: "symlink-test", legacy: true, paths: 3, softlinks: 1},
	{file: "rattler/zip64-test-1.0.0-0.conda", name: "zip64-test", legacy: true, paths: 1},
}

func TestExtractFixtures(t *testing.T) {
	root := fixtures(t)
	for _, want := range fixtureTable {
		t.Run(want.file, func(t *testing.T) {
			t.Parallel()
			archive := filepath.Join(root, want.file)
			pkgs := t.TempDir()
			x, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
			if want.missing != "" {
				var fe *FormatError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), "info/files lists the file "+want.missing+", but the package holds no file there") {
					t.Fatalf("Extract = %v; want a FormatError naming %s", err, want.missing)
				}
				if got := leftovers(t, pkgs); len(got) != 0 {
					t.Errorf("pkgs holds %v after a refused package; want it empty", got)
				}
				ix, paths, link, err := ReadInfo(archive)
				if err != nil {
					t.Fatalf("ReadInfo: %v", err)
				}
				checkFixture(t, &Extracted{Index: ix, Paths: paths, Link: link}, want)
				return
			}
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkFixture(t, x, want)
			checkFixtureFiles(t, x)
			if got := leftovers(t, pkgs, filepath.Base(x.Dir)); len(got) != 0 {
				t.Errorf("pkgs holds %v besides the package; want nothing else", got)
			}
		})
	}
}

func checkFixture(t *testing.T, x *Extracted, w fixtureWant) {
	t.Helper()
	var ph, soft int
	for _, p := range x.Paths.Paths {
		if p.PrefixPlaceholder != "" {
			ph++
		}
		if p.PathType == PathSoftlink {
			soft++
		}
	}
	wantVersion := 1
	if w.legacy {
		wantVersion = 0
	}
	eps := 0
	if x.Link != nil && x.Link.Noarch != nil {
		eps = len(x.Link.Noarch.EntryPoints)
	}
	got := fixtureWant{file: w.file, name: x.Index.Name, subdir: x.Index.Subdir, noarch: x.Index.Noarch,
		legacy: x.Paths.Version == 0, placeholders: ph, softlinks: soft, entryPoints: eps,
		depends: len(x.Index.Depends), notes: len(x.Notes), emptySymlinks: w.emptySymlinks}
	got.paths = len(x.Paths.Paths)
	if w.legacy && w.paths == 0 {
		w.paths = got.paths // SOURCES.md counts 0 paths for legacy conda-build packages
	}
	if x.Paths.Version != wantVersion {
		t.Errorf("paths version = %d; want %d", x.Paths.Version, wantVersion)
	}
	if got.name != w.name || got.subdir != w.subdir || got.noarch != w.noarch || got.paths != w.paths ||
		got.placeholders != w.placeholders || got.softlinks != w.softlinks || got.entryPoints != w.entryPoints ||
		got.depends != w.depends || got.notes != w.notes {
		t.Errorf("got %+v; want %+v (notes %q)", got, w, x.Notes)
	}
}

// checkFixtureFiles checks that every hardlink entry is a file of the
// recorded size and sha256, and that the record describes the archive.
func checkFixtureFiles(t *testing.T, x *Extracted) {
	t.Helper()
	for _, p := range x.Paths.Paths {
		if p.PathType != PathHardlink || p.SHA256 == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(x.Dir, filepath.FromSlash(p.Path)))
		if err != nil {
			t.Errorf("entry %q: %v", p.Path, err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != p.SHA256 || int64(len(b)) != *p.SizeInBytes {
			t.Errorf("entry %q has sha256 %s size %d; want %s size %d", p.Path, got, len(b), p.SHA256, *p.SizeInBytes)
		}
	}
	if x.Record.Name != x.Index.Name || x.Record.Fn == "" || x.Record.Size == 0 {
		t.Errorf("record = %+v; want the index's name, a fn and a size", x.Record)
	}
}

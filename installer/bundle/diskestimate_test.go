package bundle

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/condatest"
)

// readInfo records what paths.json says about a package's size.
func TestReadInfoSizeFacts(t *testing.T) {
	dir := t.TempDir()
	archive, err := condatest.WriteConda(dir, condatest.Spec{
		Name: "greet", Version: "1.0", Build: "py_0", Noarch: "python",
		Files: []condatest.File{
			{Path: "site-packages/greet/__init__.py", Data: []byte("x = 1\n")},    // 6 bytes
			{Path: "site-packages/greet/sub/mod.py", Data: []byte("y = 22\n")},    // 7
			{Path: "site-packages/greet/data.txt", Data: []byte("0123456789")},    // 10
			{Path: "site-packages/greet/link.txt", Symlink: "data.txt"},           // not counted twice
			{Path: "python-scripts/greet-tool.py", Data: []byte("print('hi')\n")}, // 12, not compiled
		},
		EntryPoints: []string{"greet = greet:main", "greet2 = greet:main"},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, f, bad, err := readInfo(archive)
	if err != nil {
		t.Fatal(err)
	}
	// folders: site-packages, site-packages/greet, site-packages/greet/sub, python-scripts
	if f.Files != 5 || f.UnpackedSize != 35 || f.Dirs != 4 || f.PySize != 13 || f.PyFiles != 2 || f.LongestPath != len("site-packages/greet/__init__.py") || f.EntryPoints != 2 || bad != (hostBad{noarchPython: true}) {
		t.Fatalf("facts %+v, refused elsewhere %+v", f, bad)
	}
}

func TestDiskEstimate(t *testing.T) {
	py := Package{Fn: "python.conda", Subdir: "linux-64", Size: 1000, UnpackedSize: 5000, Files: 10, Dirs: 2}
	nb := Package{Fn: "nb.conda", Subdir: "noarch", Size: 2000, UnpackedSize: 9000, Files: 20, Dirs: 3, PySize: 5000, PyFiles: 4}
	old := Package{Fn: "old.conda", Subdir: "noarch", Size: 300}
	pl := &Platform{Base: []Package{py}, Envs: map[string][]Package{"team": {py, nb, old}}}
	files := func(p Package) int64 {
		return p.UnpackedSize + int64(p.Files)*blockWaste + int64(p.Dirs)*dirBlock
	}
	perEnv := func(p Package) int64 { return int64(p.Dirs)*dirBlock + int64(p.Files)*recordBytes }
	pyc := nb.PySize*6/5 + int64(nb.PyFiles)*blockWaste + int64(nb.Dirs)*dirBlock // .pyc and __pycache__
	// One pass: each env has its own files; the bundle is carried once.
	want := int64(77) + py.Size + nb.Size + 4*old.Size + // the bundle's archives (old: all of it, roughly)
		2*files(py) + files(nb) + // written into each env that has them
		2*perEnv(py) + perEnv(nb) + pyc // folders and records in each env
	if got := pl.DiskEstimate(77, 0, false); got != want {
		t.Fatalf("DiskEstimate = %d, want %d", got, want)
	}
	// With a package cache: the archives twice (bundle, pkgs/), the
	// extracted copies once, the envs' files hard links to them.
	want = int64(77) + 2*py.Size + 2*nb.Size + 4*old.Size + files(py) + files(nb) +
		2*perEnv(py) + perEnv(nb) + pyc
	if got := pl.DiskEstimate(77, 0, true); got != want {
		t.Fatalf("DiskEstimate with a package cache = %d, want %d", got, want)
	}
	// Entry points: a script and a record line each, and on Windows a
	// launcher (whole blocks) and its record line too.
	ep := nb
	ep.Fn, ep.EntryPoints = "ep.conda", 3
	one := &Platform{Envs: map[string][]Package{"team": {nb}}}
	three := &Platform{Envs: map[string][]Package{"team": {ep}}}
	if d := three.DiskEstimate(0, 0, false) - one.DiskEstimate(0, 0, false); d != 3*(dirBlock+recordBytes) {
		t.Errorf("3 entry points add %d bytes; want %d", d, 3*(dirBlock+recordBytes))
	}
	if d := three.DiskEstimate(0, 5000, false) - one.DiskEstimate(0, 5000, false); d != 3*(dirBlock+recordBytes+8192+recordBytes) {
		t.Errorf("3 entry points with a 5000-byte launcher add %d bytes; want %d", d, 3*(dirBlock+recordBytes+8192+recordBytes))
	}
	if got := (*Platform)(nil).DiskEstimate(5, 0, false); got != 5 {
		t.Fatalf("nil platform: %d", got)
	}
}

// A noarch: python package in an environment without python cannot be
// installed (its files go into python's site-packages): the build refuses
// it, naming the package, rather than the install failing at its end
// (audit AB).
func TestBuildRefusesNoarchPythonWithoutPython(t *testing.T) {
	dir := t.TempDir()
	pkgs := filepath.Join(dir, "pkgs")
	writeFile(t, filepath.Join(pkgs, ".keep"), "")
	archive, err := condatest.WriteConda(pkgs, condatest.Spec{Name: "greet", Version: "1.0", Build: "py_0", Noarch: "python",
		Files: []condatest.File{{Path: "site-packages/greet/__init__.py", Data: []byte("x = 1\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	writeLock(t, filepath.Join(dir, "base.txt"), "linux-64", lockLine(t, "https://repo.example.com/noarch/"+filepath.Base(archive), archive))
	writeFile(t, filepath.Join(dir, "LICENSE.txt"), "Use it well.\n")
	spec := filepath.Join(dir, "spec.toml")
	writeFile(t, spec, fmt.Sprintf("name = \"Acme\"\nid = \"com.acme\"\nversion = \"2026.11.0\"\nlicense = \"LICENSE.txt\"\npackage_dirs = [%q]\n\n[platforms.linux-64]\nbase = \"base.txt\"\n", pkgs))
	_, err = Build(context.Background(), BuildOptions{Spec: spec, Output: filepath.Join(dir, "b.zip"), CacheDir: t.TempDir()})
	var le *LockError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "noarch: python") || !strings.Contains(err.Error(), filepath.Base(archive)) {
		t.Fatalf("Build: %v; want a lock error naming %s as a noarch: python package without python", err, filepath.Base(archive))
	}
}

// Entry points that are one file where names ignore case (Tool and tool,
// or tool and a shipped python-scripts/TOOL: bin/tool on macOS) are what
// a win-* or osx-* lock refuses (audit AB: they passed the build, and the
// record listed one file twice).
func TestReadInfoEntryPointsThatAreOneFile(t *testing.T) {
	for name, c := range map[string]struct {
		eps   []string
		files []condatest.File
		clash bool
	}{
		"two cases":        {[]string{"Tool = m:f", "tool = m:g"}, nil, true},
		"a shipped script": {[]string{"tool = m:f"}, []condatest.File{{Path: "python-scripts/TOOL", Data: []byte("#!/bin/sh\n")}}, true},
		"two commands":     {[]string{"tool = m:f", "tool2 = m:g"}, nil, false},
	} {
		dir := t.TempDir()
		files := append([]condatest.File{{Path: "site-packages/m.py", Data: []byte("def f(): pass\ndef g(): pass\n")}}, c.files...)
		archive, err := condatest.WriteConda(dir, condatest.Spec{Name: "tools", Version: "1.0", Build: "py_0", Noarch: "python", Files: files, EntryPoints: c.eps})
		if err != nil {
			t.Fatal(err)
		}
		_, _, bad, err := readInfo(archive)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := bad.folds != ""; got != c.clash || c.clash && !strings.Contains(bad.folds, "entry point") {
			t.Errorf("%s: folds %q; want a clash: %v", name, bad.folds, c.clash)
		}
	}
}

package installer

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/internal/testkit"
	"onboard/internal/condatest"
)

// The [condarc] of a bundle spec reaches PREFIX/.condarc, with the settings
// a conda without libmamba and backports.zstd needs, and that a bundle
// without pip needs for conda create -n NAME python.
func TestCondarcFromSpec(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.toml")
	os.WriteFile(spec, []byte("name = \"T\"\nid = \"org.t\"\nversion = \"2026.12.0\"\nlicense = \"L\"\n[platforms.linux-64]\nbase = \"b.txt\"\n"+
		"[condarc]\nchannels = [\"https://x.invalid\"]\noffline = true\nsolver = \"classic\"\nrepodata_use_zst = false\nrepodata_use_shards = false\nadd_pip_as_python_dependency = false\n"), 0o644)
	s, err := bundle.LoadSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	got := string((&bundle.Manifest{Condarc: s.Condarc}).CondarcYAML())
	want := "# written by onboard from the bundle\nchannels:\n  - https://x.invalid\noffline: true\nsolver: classic\nrepodata_use_zst: false\nrepodata_use_shards: false\nadd_pip_as_python_dependency: false\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := string((&bundle.Manifest{Condarc: &bundle.Condarc{Offline: true}}).CondarcYAML()); got != "# written by onboard from the bundle\noffline: true\n" {
		t.Fatalf("unset settings are written: %q", got)
	}
}

// InstallEnv writes the bundle's conda settings to condarc.d/onboard.yml,
// beside what a package puts in condarc.d, and not to .condarc, the file
// conda config copies whole into ~/.condarc (audit U 2). A failed install
// into an existing env takes the file and its new folder away again.
func TestInstallEnvWritesTheBundlesSettingsToCondarcD(t *testing.T) {
	s := newEnvSetup(t)
	// as anaconda-anon-usage ships one, with a member for the folder too
	spec := condatest.Spec{Name: "cfg", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "condarc.d/cfg.yml", Data: []byte("changeps1: false\n")}}}
	info, err := condatest.InfoMembers(spec)
	if err != nil {
		t.Fatal(err)
	}
	members := append(append(info, condatest.Member{Name: "condarc.d", Type: tar.TypeDir}), condatest.PkgMembers(spec)...)
	p, err := condatest.WriteRawTarBz2(t.TempDir(), "cfg-1-0", members)
	if err != nil {
		t.Fatal(err)
	}
	req := s.request("linux-64")
	req.Packages = []PackageFile{{Path: p}}
	req.Condarc = []byte("offline: true\n")
	if _, err := InstallEnv(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]string{"condarc.d/onboard.yml": "offline: true\n", "condarc.d/cfg.yml": "changeps1: false\n"} {
		if b, err := os.ReadFile(filepath.Join(s.prefix, filepath.FromSlash(rel))); string(b) != want {
			t.Errorf("%s = %q, %v; want %q", rel, b, err, want)
		}
	}
	if _, err := os.Lstat(filepath.Join(s.prefix, ".condarc")); err == nil {
		t.Error("the install wrote .condarc")
	}

	// condarc.d that is not a folder (here a link to one elsewhere) is not
	// written through: the error names it, and the env is left as it was
	s2 := newEnvSetup(t)
	s2.install(t, "linux-64", "conda-test-recipes/python-3.99.99-0.conda")
	elsewhere := t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(s2.prefix, "condarc.d")); err != nil {
		t.Fatal(err)
	}
	before := testkit.Snapshot(t, s2.prefix)
	req2 := s2.request("linux-64", "conda-test-recipes/python-3.99.99-0.conda")
	req2.Condarc = []byte("offline: true\n")
	if _, err := InstallEnv(t.Context(), req2); err == nil || !strings.Contains(err.Error(), filepath.Join(s2.prefix, "condarc.d")+`" is not a folder`) {
		t.Fatalf("into an env whose condarc.d is a link: %v", err)
	}
	if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, s2.prefix)); len(d) > 0 {
		t.Fatalf("the failed install changed the env:\n%s", strings.Join(d, "\n"))
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("the settings were written through the link: %v", ents)
	}
}

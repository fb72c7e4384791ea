package installer

import (
	"archive/tar"
	"encoding/json"
	"os"
	"os/exec"
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

// Every channel conda takes (a URL, a name, a path, ${VAR}, an IPv6 host)
// reaches conda's settings file as the same string, read by ruamel.yaml as
// conda reads it: written plain where YAML reads it so, else quoted. A
// channel ending in ":" was a mapping to conda, and "[::1]" a list
// (audit X).
func TestCondarcChannelsReadBackByYAML(t *testing.T) {
	channels := []string{"https://conda.anaconda.org/conda-forge", "conda-forge", "/srv/chan", "./chan", "~/chan",
		"file:///opt/channel", "https://h:8443/t/TOKEN/chan", "https://user:pass@h/chan", "${CHANNEL_ROOT}/main",
		"http://[::1]:8080/chan", "chan:", "null", "-x", "#x", "a #b", "*star", "'q'", `"dq"`, "1.5", "ünïcode/чан", "<&>"}
	for _, ch := range channels {
		m := &bundle.Manifest{Condarc: &bundle.Condarc{Channels: []string{ch}}}
		if err := m.Condarc.Validate(); err != nil {
			t.Errorf("%q refused: %v", ch, err)
		}
	}
	rc := (&bundle.Manifest{Condarc: &bundle.Condarc{Channels: channels}}).CondarcYAML()
	if strings.Contains(string(rc), "  - https://conda.anaconda.org/conda-forge\n") == false {
		t.Errorf("a plain URL is not written as older onboards wrote it:\n%s", rc)
	}
	script := "import sys, json\nfrom ruamel.yaml import YAML\nprint(json.dumps(YAML(typ='safe').load(open(sys.argv[1]))['channels']))\n"
	p := filepath.Join(t.TempDir(), "onboard.yml")
	os.WriteFile(p, rc, 0o644)
	out, err := exec.Command("/usr/bin/python3", "-c", script, p).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("ruamel.yaml does not run here (%v): %s", err, out)
		}
		t.Fatalf("ruamel.yaml: %v\n%s", err, out)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || strings.Join(got, "\n") != strings.Join(channels, "\n") {
		t.Fatalf("read back %q (%v)\nfrom\n%s\nwant %q", got, err, rc, channels)
	}
}

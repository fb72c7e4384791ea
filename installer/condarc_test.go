package installer

import (
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/bundle"
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

package state

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/prefix"
)

// Envs lists the base first, then the envs that hold conda-meta or that
// the manifest names, by name; a folder without conda-meta that the
// manifest does not name is not an env.
func TestEnvs(t *testing.T) {
	p := t.TempDir()
	for _, d := range []string{"envs/b/conda-meta", "envs/a/conda-meta", "envs/junk"} {
		os.MkdirAll(filepath.Join(p, filepath.FromSlash(d)), 0o755)
	}
	want := []Env{{BaseEnv, p}, {"a", filepath.Join(p, "envs", "a")}, {"b", filepath.Join(p, "envs", "b")}}
	if got := Envs(p, nil); !reflect.DeepEqual(got, want) {
		t.Fatalf("Envs without a manifest: %v; want %v", got, want)
	}
	man := &Manifest{}
	man.Subdir = "linux-64"
	man.Platforms = map[string]*bundle.Platform{"linux-64": {Envs: map[string][]bundle.Package{"gone": nil}}}
	want = append(want, Env{"gone", filepath.Join(p, "envs", "gone")})
	if got := Envs(p, man); !reflect.DeepEqual(got, want) {
		t.Fatalf("Envs with a manifest naming a missing env: %v; want %v", got, want)
	}
}

// EnvSubdir prefers the manifest, then a record that is not noarch, then
// the host.
func TestEnvSubdir(t *testing.T) {
	host := func() string { return "host-64" }
	noarch, osx := &prefix.Record{Subdir: "noarch"}, &prefix.Record{Subdir: "osx-arm64"}
	man := &Manifest{}
	man.Subdir = "linux-64"
	for _, c := range []struct {
		man  *Manifest
		recs []*prefix.Record
		want string
	}{
		{man, []*prefix.Record{osx}, "linux-64"},
		{nil, []*prefix.Record{noarch, osx}, "osx-arm64"},
		{nil, []*prefix.Record{noarch}, "host-64"},
		{&Manifest{}, nil, "host-64"},
	} {
		if got := EnvSubdir(c.man, c.recs, host); got != c.want {
			t.Errorf("EnvSubdir(%v, %d records) = %q; want %q", c.man != nil, len(c.recs), got, c.want)
		}
	}
}

// An env of the bundle's name that conda made (its history begins with
// conda's create: the user removed the bundle's and made their own) is
// the user's, as verify and repair take it, and so is one the bundle
// does not name; the bundle's own, made by the install, is not, nor one
// whose history begins with another conda command (audit AK 1, AM 1).
func TestUserEnvsCountsABundleNamedEnvMadeWithConda(t *testing.T) {
	p := t.TempDir()
	man := sampleManifest()
	man.Platforms["linux-64"].Envs["ml"] = []bundle.Package{{Name: "torch"}}
	man.Platforms["linux-64"].Envs["lab"] = []bundle.Package{{Name: "jupyterlab"}}
	hist := func(env, cmd string) {
		dir := filepath.Join(p, "envs", env, "conda-meta")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "history"), []byte("==> 2026-12-01 10:00:00 <==\n# cmd: "+cmd+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hist("team", "/home/ann/My Acme/bin/conda create -n team python=3.12")
	hist("ml", "/home/ann/My Acme/.onboard/onboard install --silent")
	hist("lab", "/home/ann/My Acme/bin/conda install -n lab six")
	hist("mine", "/home/ann/My Acme/bin/conda create -n mine")
	if got, want := UserEnvs(p, man), []string{"mine", "team"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("UserEnvs = %q; want %q", got, want)
	}
	// the user's files in the bundle's env are listed apart; the env the
	// user made is theirs whole, not entries of it
	for _, env := range []string{"team", "ml"} {
		if err := os.WriteFile(filepath.Join(p, "envs", env, "notes.txt"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := UserEnvEntries(p, man)
	if !slices.Contains(got, "envs/ml/notes.txt") || slices.Contains(got, "envs/team/notes.txt") {
		t.Errorf("UserEnvEntries = %q; want envs/ml/notes.txt and nothing of team", got)
	}
}

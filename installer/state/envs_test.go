package state

import (
	"os"
	"path/filepath"
	"reflect"
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

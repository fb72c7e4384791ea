package state

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"onboard/installer/bundle"
)

func sampleManifest() *Manifest {
	return &Manifest{Subdir: "linux-64", AllUsers: true, Manifest: bundle.Manifest{
		Schema: 1, Name: "Acme", ID: "com.acme", Version: "2026.1.0",
		Platforms: map[string]*bundle.Platform{"linux-64": {
			Base: []bundle.Package{{Name: "python", Version: "3.12.1", Build: "h0_0", Fn: "python-3.12.1-h0_0.conda"}},
			Envs: map[string][]bundle.Package{"team": {{Name: "numpy", Version: "2.0", Build: "py_0"}}},
		}},
	}}
}

func TestManifestRoundTrip(t *testing.T) {
	p := t.TempDir()
	if err := os.MkdirAll(Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if HasManifest(p) {
		t.Fatal("HasManifest before any was written")
	}
	if _, err := ReadManifest(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadManifest of no install: %v; want an error wrapping fs.ErrNotExist", err)
	}
	want := sampleManifest()
	if err := WriteManifest(p, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(p)
	if err != nil {
		t.Fatal(err)
	}
	got.Home = "" // the folder it was written for (TestManifestRecordsItsFolder)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v; want %+v", got, want)
	}
	if !HasManifest(p) {
		t.Error("HasManifest after writing one is false")
	}
	b, _ := os.ReadFile(ManifestPath(p))
	for _, key := range []string{`"subdir": "linux-64"`, `"all_users": true`, `"id": "com.acme"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("the manifest file lacks %s:\n%s", key, b)
		}
	}
	d := got.EnvDists()
	if !reflect.DeepEqual(d[BaseEnv], []string{"python-3.12.1-h0_0"}) || !reflect.DeepEqual(d["team"], []string{"numpy-2.0-py_0"}) {
		t.Errorf("EnvDists = %v", d)
	}
	var none *Manifest
	if len(none.EnvDists()) != 0 {
		t.Error("a nil manifest has dists")
	}
}

// TestWriteManifestReplacesAtomically shows that the manifest is replaced
// by a rename, not rewritten in place: a reader that opened the old file
// reads it whole, and no temporary file is left.
func TestWriteManifestReplacesAtomically(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not rename over an open file")
	}
	p := t.TempDir()
	os.MkdirAll(Dir(p), 0o755)
	old := sampleManifest()
	if err := WriteManifest(p, old); err != nil {
		t.Fatal(err)
	}
	oldBytes, _ := os.ReadFile(ManifestPath(p))
	f, err := os.Open(ManifestPath(p))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	next := sampleManifest()
	next.Version = "2026.2.0"
	next.Platforms = nil
	if err := WriteManifest(p, next); err != nil {
		t.Fatal(err)
	}
	seen, _ := io.ReadAll(f)
	if string(seen) != string(oldBytes) {
		t.Errorf("the old manifest was changed in place: a reader saw %q", seen)
	}
	got, err := ReadManifest(p)
	if err != nil || got.Version != "2026.2.0" {
		t.Fatalf("after the write: %+v, %v", got, err)
	}
	ents, _ := os.ReadDir(Dir(p))
	if len(ents) != 1 {
		t.Errorf("the state folder holds %d entries, want only the manifest: %v", len(ents), ents)
	}
}

func TestWriteManifestWithoutStateFolderWritesNothing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "acme")
	os.Mkdir(p, 0o755)
	err := WriteManifest(p, sampleManifest())
	if err == nil {
		t.Fatal("writing into a prefix without a state folder succeeded")
	}
	if !strings.Contains(err.Error(), ManifestPath(p)) {
		t.Errorf("the error does not name the file: %v", err)
	}
	if ents, _ := os.ReadDir(p); len(ents) != 0 {
		t.Errorf("a failed write left %v in the prefix", ents)
	}
}

func TestReadManifestDamaged(t *testing.T) {
	p := t.TempDir()
	os.MkdirAll(Dir(p), 0o755)
	os.WriteFile(ManifestPath(p), []byte(`{"name": `), 0o644)
	_, err := ReadManifest(p)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a damaged manifest: %v; want an error that is not ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), ManifestPath(p)) {
		t.Errorf("the error does not name the file: %v", err)
	}
}

// An installed manifest naming an env that no bundle may ("../../x": a
// folder outside the install) is damaged, not followed.
func TestReadManifestRefusesEnvNamesNoBundleHas(t *testing.T) {
	p := t.TempDir()
	os.MkdirAll(Dir(p), 0o755)
	for _, name := range []string{"../../decoy", "base", ".hidden", "a/b"} {
		m := sampleManifest()
		m.Platforms["linux-64"].Envs[name] = nil
		if err := WriteManifest(p, m); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadManifest(p); err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), name) {
			t.Errorf("env %q: %v; want the manifest damaged, naming it", name, err)
		}
	}
}

// The manifest records the folder it was written for, in a spelling
// conda's copy into a clone does not rewrite (hex): the clone tells the
// install it came from (audit AV 2).
func TestManifestRecordsItsFolder(t *testing.T) {
	p := t.TempDir()
	if err := os.MkdirAll(Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteManifest(p, sampleManifest()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(ManifestPath(p))
	if strings.Contains(string(b), p) {
		t.Errorf("the manifest holds its folder as text, which conda rewrites in a clone:\n%s", b)
	}
	m, err := ReadManifest(p)
	if err != nil || m.HomeOf() != p {
		t.Fatalf("HomeOf = %q, %v; want %q", m.HomeOf(), err, p)
	}
	// another folder holding a copy of it is a clone of the install
	clone := filepath.Join(t.TempDir(), "clone")
	if err := os.MkdirAll(Dir(clone), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(ManifestPath(clone), b, 0o644)
	if root, ok := CloneOf(clone); !ok || root != p {
		t.Errorf("CloneOf(the copy) = %q, %v; want %q", root, ok, p)
	}
	if _, ok := CloneOf(p); ok {
		t.Error("the install itself is taken for a clone")
	}
}

package pkg

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"onboard/internal/condatest"
)

// skipRouter writes only the entries keep names (to Dest); it skips the
// other regular files.
type skipRouter struct{ keep map[string]bool }

func (r skipRouter) Route(_ *Index, _ *LinkJSON, p *Paths) (func(int) string, error) {
	return func(i int) string {
		if r.keep[p.Paths[i].Path] {
			return ""
		}
		return Skip
	}, nil
}

// A Router's Skip leaves the file out of Dest, and the file is still
// checked against paths.json: a skipped member that is not what
// paths.json says fails the package as a written one does.
func TestExtractSkipsFiles(t *testing.T) {
	keep := skipRouter{keep: map[string]bool{"share/b.txt": true}}
	for _, write := range []func(string, condatest.Spec) (string, error){condatest.WriteConda, condatest.WriteTarBz2} {
		dir := t.TempDir()
		arch, err := write(dir, placeSpec())
		if err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(dir, "scratch")
		x, err := Extract(context.Background(), Request{Archive: arch, Dest: dest, Router: keep}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(dest, "share", "b.txt")); err != nil || string(b) != "b\n" {
			t.Fatalf("%s: the kept file: %q, %v", filepath.Base(arch), b, err)
		}
		if _, err := os.Lstat(filepath.Join(dest, "share", "a.txt")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s: a skipped file was written: %v", filepath.Base(arch), err)
		}
		if len(x.Paths.Paths) != 3 {
			t.Fatalf("%s: paths.json has %d entries; want all 3", filepath.Base(arch), len(x.Paths.Paths))
		}
	}

	// paths.json says share/a.txt holds other bytes
	spec := placeSpec()
	paths := Paths{Version: 1, Paths: []PathEntry{
		{Path: "share/a.txt", PathType: PathHardlink, SHA256: "0000000000000000000000000000000000000000000000000000000000000000", SizeInBytes: ptr(2)},
		{Path: "share/b.txt", PathType: PathHardlink, SizeInBytes: ptr(2)},
		{Path: "share/link", PathType: PathSoftlink}}}
	data, _ := json.Marshal(paths)
	spec.InfoFiles = []condatest.File{{Path: "info/paths.json", Data: data}}
	dir := t.TempDir()
	arch, err := condatest.WriteConda(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), Request{Archive: arch, Dest: filepath.Join(dir, "scratch"), Router: keep}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Member != "share/a.txt" || e.What != "sha256" {
		t.Fatalf("got %v; want the skipped share/a.txt refused for its sha256", err)
	}
}

func ptr(n int64) *int64 { return &n }

package pkg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"onboard/internal/condatest"
)

// testRouter places every regular file under root, as the installer's
// placer does in a new prefix, and records what it was asked.
type testRouter struct {
	root  string
	calls int
	names []string
}

func (r *testRouter) Route(ix *Index, _ *LinkJSON, p *Paths) (func(int) string, error) {
	r.calls++
	r.names = append(r.names, ix.Name)
	for _, e := range p.Paths {
		os.MkdirAll(filepath.Join(r.root, filepath.Dir(filepath.FromSlash(e.Path))), 0o755)
	}
	return func(i int) string {
		if p.Paths[i].PathType != PathHardlink {
			return ""
		}
		return filepath.Join(r.root, filepath.FromSlash(p.Paths[i].Path))
	}, nil
}

// extractRouted extracts arch into dir/scratch with a testRouter placing
// files under dir/prefix.
func extractRouted(t *testing.T, dir, arch string) (*Extracted, *testRouter, string) {
	t.Helper()
	r := &testRouter{root: filepath.Join(dir, "prefix")}
	dest := filepath.Join(dir, "scratch")
	x, err := Extract(context.Background(), Request{Archive: arch, Dest: dest, Router: r}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return x, r, dest
}

func placeSpec() condatest.Spec {
	return condatest.Spec{Name: "placed", Version: "1", Build: "0", Subdir: "noarch",
		Files: []condatest.File{
			{Path: "share/a.txt", Data: []byte("a\n")},
			{Path: "share/b.txt", Data: []byte("b\n"), Mode: 0o755},
			{Path: "share/link", Symlink: "a.txt"},
		}}
}

// A Router's files are written at their final place, with their mode and
// time, and not in Dest; Placed tells which; symlinks stay in Dest.
func TestExtractPlacesFiles(t *testing.T) {
	for _, write := range []func(string, condatest.Spec) (string, error){condatest.WriteConda, condatest.WriteTarBz2} {
		dir := t.TempDir()
		arch, err := write(dir, placeSpec())
		if err != nil {
			t.Fatal(err)
		}
		x, r, dest := extractRouted(t, dir, arch)
		if r.calls != 1 || r.names[0] != "placed" {
			t.Fatalf("Route called %d times for %v; want once, with the package's index", r.calls, r.names)
		}
		for i, e := range x.Paths.Paths {
			inDest := filepath.Join(dest, filepath.FromSlash(e.Path))
			placed := filepath.Join(r.root, filepath.FromSlash(e.Path))
			wantPlaced := e.PathType == PathHardlink
			if x.Placed == nil || x.Placed[i] != wantPlaced {
				t.Errorf("%s: Placed = %v; want %v", e.Path, x.Placed, wantPlaced)
			}
			if _, err := os.Lstat(inDest); (err == nil) == wantPlaced {
				t.Errorf("%s in Dest: %v; want it there only when not placed", e.Path, err)
			}
			if !wantPlaced {
				continue
			}
			fi, err := os.Stat(placed)
			if err != nil {
				t.Fatalf("%s not placed: %v", e.Path, err)
			}
			if !fi.ModTime().Equal(condatest.MTime) {
				t.Errorf("%s mtime %v; want %v", e.Path, fi.ModTime(), condatest.MTime)
			}
			if e.Path == "share/b.txt" && fi.Mode().Perm()&0o100 == 0 {
				t.Errorf("%s mode %v; want it executable", e.Path, fi.Mode())
			}
		}
	}
}

// A file already at the final place (another package of the install put
// it there) is not overwritten: that member goes to Dest instead.
func TestExtractPlaceClashGoesToDest(t *testing.T) {
	dir := t.TempDir()
	arch, err := condatest.WriteConda(dir, placeSpec())
	if err != nil {
		t.Fatal(err)
	}
	r := &testRouter{root: filepath.Join(dir, "prefix")}
	other := filepath.Join(r.root, "share", "a.txt")
	os.MkdirAll(filepath.Dir(other), 0o755)
	if err := os.WriteFile(other, []byte("another package's\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "scratch")
	x, err := Extract(context.Background(), Request{Archive: arch, Dest: dest, Router: r}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, other)); got != "another package's\n" {
		t.Errorf("the other package's file was overwritten with %q", got)
	}
	if got := string(readFile(t, filepath.Join(dest, "share", "a.txt"))); got != "a\n" {
		t.Errorf("share/a.txt in Dest = %q; want the package's own", got)
	}
	for i, e := range x.Paths.Paths {
		if e.Path == "share/a.txt" && x.Placed[i] {
			t.Errorf("share/a.txt is marked placed; want it in Dest")
		}
	}
}

// Paths that leave the package are refused before the Router is asked
// (nothing is placed anywhere).
func TestExtractUnsafePathsNeverRouted(t *testing.T) {
	dir := t.TempDir()
	s := condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch",
		Files: []condatest.File{{Path: "ok.txt", Data: []byte("x")}},
		InfoFiles: []condatest.File{{Path: "info/paths.json", Data: []byte(
			`{"paths": [{"_path": "../../outside.txt", "path_type": "hardlink", "size_in_bytes": 1}], "paths_version": 1}`)}}}
	arch, err := condatest.WriteConda(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	r := &testRouter{root: filepath.Join(dir, "prefix")}
	_, err = Extract(context.Background(), Request{Archive: arch, Dest: filepath.Join(dir, "scratch"), Router: r}, nil)
	var ue *UnsafeEntryError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v; want an *UnsafeEntryError", err)
	}
	if r.calls != 0 {
		t.Errorf("Route was called %d times; want never for unsafe paths", r.calls)
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A .tar.bz2 whose info/link.json comes after its payload: the files were
// placed before link.json could make the package noarch: python (whose
// files go elsewhere), so they are moved back into Dest and none is
// placed; linking then takes them from there, as conda does (audit V 1:
// they stayed where they were placed, and the install's record named
// other paths).
func TestLateLinkJSONUndoesThePlacing(t *testing.T) {
	dir := t.TempDir()
	s := placeSpec()
	s.InfoFiles = []condatest.File{{Path: "info/link.json", Data: []byte(`{"noarch": {"type": "python"}, "package_metadata_version": 1}`)}}
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	var head, late []condatest.Member
	for _, m := range info {
		if m.Name == "info/link.json" {
			late = append(late, m)
		} else {
			head = append(head, m)
		}
	}
	if len(late) != 1 {
		t.Fatalf("the spec wrote no info/link.json: %v", info)
	}
	arch, err := condatest.WriteRawTarBz2(dir, s.Stem(), append(append(head, condatest.PkgMembers(s)...), late...))
	if err != nil {
		t.Fatal(err)
	}
	x, r, dest := extractRouted(t, dir, arch)
	if r.calls != 1 {
		t.Fatalf("Route called %d times; want once, before link.json", r.calls)
	}
	if x.Link == nil {
		t.Fatal("link.json was not read")
	}
	for i, e := range x.Paths.Paths {
		if x.Placed != nil && x.Placed[i] {
			t.Errorf("%s is placed after a late link.json", e.Path)
		}
		if e.PathType != PathHardlink {
			continue
		}
		if got, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(e.Path))); err != nil || len(got) == 0 {
			t.Errorf("%s is not in Dest: %v", e.Path, err)
		}
		if _, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(e.Path))); err == nil {
			t.Errorf("%s is still at the place it was routed to", e.Path)
		}
	}
}

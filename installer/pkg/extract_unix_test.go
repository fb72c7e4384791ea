//go:build unix

package pkg

import (
	"archive/tar"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"onboard/internal/condatest"
)

// The extracted folder in the package cache has conda's mode, 0755 less
// the umask, as conda's own extracted folders do: not the 0700 of a
// temporary folder renamed into place.
func TestExtractedFolderHasCondasMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	root := t.TempDir()
	archive, err := condatest.WriteConda(root, spec())
	if err != nil {
		t.Fatal(err)
	}
	pkgs := filepath.Join(root, "pkgs")
	x, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(x.Dir)
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("%s: mode %v, %v; want 0755", x.Dir, st.Mode().Perm(), err)
	}
}

// The extraction says which of the package's files it wrote executable
// (Extracted.Exec), as their modes on disk say, for both formats, so that
// the install notes them for verify without a stat of each file; a
// package read back from the cache does not know.
func TestExtractSaysWhichFilesAreExecutable(t *testing.T) {
	s := condatest.Spec{Name: "tools", Version: "1.0", Build: "0", Subdir: "linux-64", Files: []condatest.File{
		{Path: "bin/tool", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		{Path: "share/readme.txt", Data: []byte("text\n"), Mode: 0o644},
		{Path: "libexec/owner-only", Data: []byte("\x7fELF"), Mode: 0o700},
	}}
	for name, write := range map[string]func(string, condatest.Spec) (string, error){"conda": condatest.WriteConda, "tar.bz2": condatest.WriteTarBz2} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			archive, err := write(root, s)
			if err != nil {
				t.Fatal(err)
			}
			x, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: filepath.Join(root, "pkgs")}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !x.ModesKnown {
				t.Fatal("a fresh extraction does not know its modes")
			}
			var got []string
			for _, i := range x.Exec {
				got = append(got, x.Paths.Paths[i].Path)
			}
			var want []string
			for _, e := range x.Paths.Paths {
				if fi, err := os.Stat(filepath.Join(x.Dir, e.Path)); err == nil && fi.Mode()&0o111 != 0 {
					want = append(want, e.Path)
				}
			}
			if len(want) != 2 || strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("Exec names %v; the files executable on disk are %v", got, want)
			}
			if y, err := ReadExtracted(x.Dir); err != nil || y.ModesKnown || y.Exec != nil {
				t.Fatalf("read back from the cache: %v, known %v", err, y != nil && y.ModesKnown)
			}
		})
	}
}

// A hard-link member has its target's mode, whatever an earlier member of
// its name had (audit BE 1: bin/a given 0755, then again as a link to the
// 0644 bin/c, was noted executable, and verify called the fresh install
// damaged).
func TestExecOfHardLinkMembers(t *testing.T) {
	x := []byte("#!/bin/sh\n")
	s := condatest.Spec{Name: "x", Version: "1.0", Build: "0", Subdir: "linux-64", Files: []condatest.File{
		{Path: "bin/a", Data: x}, {Path: "bin/c", Data: x}}}
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	for name, ms := range map[string][]condatest.Member{
		"relinked to a file not executable": {{Name: "bin/a", Data: x, Mode: 0o755}, {Name: "bin/c", Data: x, Mode: 0o644},
			{Name: "bin/a", Type: tar.TypeLink, Linkname: "bin/c"}},
		"relinked to an executable": {{Name: "bin/a", Data: x, Mode: 0o644}, {Name: "bin/c", Data: x, Mode: 0o755},
			{Name: "bin/a", Type: tar.TypeLink, Linkname: "bin/c"}},
		"linked to an executable": {{Name: "bin/c", Data: x, Mode: 0o755}, {Name: "bin/a", Type: tar.TypeLink, Linkname: "bin/c"}},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			archive, err := condatest.WriteRawTarBz2(root, "x-1.0-0", append(append([]condatest.Member(nil), info...), ms...))
			if err != nil {
				t.Fatal(err)
			}
			xt, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: filepath.Join(root, "pkgs")}, nil)
			if err != nil {
				t.Fatal(err)
			}
			noted := map[string]bool{}
			for _, i := range xt.Exec {
				noted[xt.Paths.Paths[i].Path] = true
			}
			for _, e := range xt.Paths.Paths {
				fi, err := os.Stat(filepath.Join(xt.Dir, e.Path))
				if err != nil {
					t.Fatal(err)
				}
				if onDisk := fi.Mode()&0o111 != 0; onDisk != noted[e.Path] {
					t.Errorf("%s: executable on disk %v, noted %v", e.Path, onDisk, noted[e.Path])
				}
			}
		})
	}
}

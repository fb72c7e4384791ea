package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestWriteFileCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	for _, want := range []string{"first", "second, longer"} {
		if err := WriteFile(p, []byte(want), 0o600); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(p)
		if string(got) != want {
			t.Fatalf("got %q; want %q", got, want)
		}
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("got mode %v; want 0600", fi.Mode().Perm())
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Fatalf("got folder entries %v; want only a.txt", got)
	}
}

func TestWriteFailureLeavesTargetAndNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, 0o644, func(w io.Writer) error {
		w.Write([]byte("half a fi"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v; want the fill error", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Fatalf("target changed to %q; want %q", got, "old")
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Fatalf("got folder entries %v; want only a.txt", got)
	}
}

func TestReplaceKeepsMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "run.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Replace(p, []byte("#!/bin/sh\necho hi\n")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o755 {
		t.Fatalf("got mode %v; want 0755", fi.Mode().Perm())
	}
}

func TestWriteIntoMissingFolderFails(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no", "such", "a.txt")
	if err := WriteFile(p, []byte("x"), 0o644); err == nil {
		t.Fatal("got nil error writing into a missing folder")
	}
}

func TestWriteFileUnsynced(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.json")
	for _, want := range []string{"{}", `{"a": 1}`} {
		if err := WriteFileUnsynced(p, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Fatalf("got %q; want %q", got, want)
		}
	}
}

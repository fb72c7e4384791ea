package atomicfile

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
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

// A write killed before its rename left its temporary file beside the
// target for good (audit AI 1: a full copy of ~/.bashrc). The next synced
// write, or SweepPartials, removes those of processes no longer running,
// and keeps those of writes that may still be under way.
func TestSweepPartialsOfDeadWriters(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".bashrc")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	alive := exec.Command("sleep", "60")
	if err := alive.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { alive.Process.Kill(); alive.Wait() }()
	name := func(pid int, rest string) string { return "..bashrc.partial-" + strconv.Itoa(pid) + rest }
	// of an older onboard, whose names held no process id: an hour old,
	// and of a minute ago (audit AM 3)
	gone := []string{name(dead.Process.Pid, "-123"), "..bashrc.partial-1648181429"}
	// not gone: of a running process; of a dead one but written in the
	// last minute (another computer's, on a shared home); a name of the
	// user's that only begins as ours (audit AQ 3)
	fresh := name(dead.Process.Pid, "-77")
	kept := []string{name(alive.Process.Pid, "-9"), name(os.Getpid(), "-7"), "..bashrc.partial-123456", ".other.partial-" + strconv.Itoa(dead.Process.Pid) + "-1", "notes",
		fresh, name(dead.Process.Pid, "-orig"), name(dead.Process.Pid, "-")}
	old := time.Now().Add(-2 * time.Hour)
	for _, n := range append(append([]string{}, gone...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if n != fresh && n != "..bashrc.partial-123456" {
			if err := os.Chtimes(filepath.Join(dir, n), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := WriteFile(p, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range entries(t, dir) {
		have[n] = true
	}
	for _, n := range gone {
		if have[n] {
			t.Errorf("%s, of a process that has ended, is still there", n)
		}
	}
	for _, n := range append(kept, ".bashrc") {
		if !have[n] {
			t.Errorf("%s was removed", n)
		}
	}
}

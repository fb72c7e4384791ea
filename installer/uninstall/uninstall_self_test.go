package uninstall

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
	"onboard/internal/selfexe"
)

// runningFrom makes Uninstall take Windows' way (the running program's file
// cannot be deleted) with the program at exe, and the temp folder at tmp.
func runningFrom(t *testing.T, exe, tmp string) {
	oldExe, oldMust := executable, mustLeave
	executable = func() (string, error) { return exe, nil }
	mustLeave = func(exe, dir string) bool { return selfexe.Inside(exe, dir) }
	selfexe.TempDir = tmp
	t.Cleanup(func() {
		executable, mustLeave, selfexe.TempDir = oldExe, oldMust, ""
		selfexe.AtExit() // here: deletes what is left at once
	})
}

// TestUninstallFromTheRunningMaintenanceApp is issue #11: the maintenance app
// uninstalls the prefix it runs from. Its own file moves to the temp folder
// and is deleted as it exits, and the prefix is gone at once, whole.
func TestUninstallFromTheRunningMaintenanceApp(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	exe := state.AppPath(prefix)
	want, err := os.ReadFile(exe)
	if err != nil {
		t.Fatalf("no maintenance app: %v", err)
	}
	tmp := t.TempDir()
	runningFrom(t, exe, tmp)
	if err := Run(context.Background(), prefix, Options{EnvironmentsTxt: "-"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(prefix); err == nil {
		t.Fatalf("%s is still there", prefix)
	}
	p := selfexe.Pending()
	if len(p) != 1 || filepath.Dir(p[0]) != tmp {
		t.Fatalf("to delete at exit: %v; want the maintenance app moved into %s", p, tmp)
	}
	if got, err := os.ReadFile(p[0]); err != nil || string(got) != string(want) {
		t.Fatalf("%s is not the maintenance app: %v", p[0], err)
	}
	if err := selfexe.AtExit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(p[0]); err == nil {
		t.Error("AtExit left the moved program")
	}
}

// TestUninstallWhenTheRunningProgramCannotMove: when the program's file
// cannot be moved, everything else goes now and the folder at exit.
func TestUninstallWhenTheRunningProgramCannotMove(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	// A program file that is not there cannot be renamed, in the temp
	// folder or beside the prefix; the folder it names is kept as it would
	// be for a locked program.
	exe := filepath.Join(prefix, ".onboard", "gone", "onboard.exe")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	runningFrom(t, exe, filepath.Join(t.TempDir(), "no-such-temp"))
	var logged []string
	logf := func(f string, a ...any) { logged = append(logged, f) }
	if err := Run(context.Background(), prefix, Options{EnvironmentsTxt: "-", Logf: logf}); err != nil {
		t.Fatal(err)
	}
	var left []string
	filepath.Walk(prefix, func(p string, _ os.FileInfo, _ error) error {
		rel, _ := filepath.Rel(prefix, p)
		left = append(left, filepath.ToSlash(rel))
		return nil
	})
	if strings.Join(left, " ") != ". .onboard .onboard/gone" {
		t.Errorf("left now: %v; want only the folders holding the program", left)
	}
	if p := selfexe.Pending(); len(p) != 1 || p[0] != prefix {
		t.Errorf("to delete at exit: %v; want the prefix", p)
	}
	if !strings.Contains(strings.Join(logged, "\n"), "the folder once this program exits") {
		t.Errorf("log %q does not say the folder goes at exit", logged)
	}
	selfexe.AtExit()
	if _, err := os.Lstat(prefix); err == nil {
		t.Error("AtExit left the prefix")
	}
}

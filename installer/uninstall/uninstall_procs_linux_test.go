//go:build linux

package uninstall

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/internal/proctest"
)

// A program that runs from the prefix (as another user's Jupyter does) is
// stopped; one that runs from elsewhere is not.
func TestStopProgramsUnder(t *testing.T) {
	prefix := t.TempDir()
	in, inDone := proctest.Start(t, proctest.Sleep(t, filepath.Join(prefix, "bin", "sleep")), "300")
	_, outDone := proctest.Start(t, proctest.Sleep(t, ""), "300")
	if pids := programsUnder("/proc", prefix); len(pids) != 1 || pids[0] != in.Process.Pid {
		t.Fatalf("programsUnder: %v, want [%d]", pids, in.Process.Pid)
	}
	var logged []string
	stopProgramsUnder(prefix, func(f string, a ...any) { logged = append(logged, f) })
	select {
	case <-inDone:
	case <-time.After(15 * time.Second):
		t.Fatal("the program from the prefix still runs")
	}
	select {
	case <-outDone:
		t.Fatal("a program from elsewhere was stopped")
	default:
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "stopped") {
		t.Fatalf("logged %q", logged)
	}
}

// RunningFrom names what runs from the prefix (TestProgramName: how);
// nothing from elsewhere.
func TestRunningFrom(t *testing.T) {
	prefix := t.TempDir()
	c, _ := proctest.Start(t, proctest.Sleep(t, filepath.Join(prefix, "envs", "team", "bin", "sleep")), "300")
	proctest.Start(t, proctest.Sleep(t, ""), "300")
	got := RunningFrom(prefix)
	if len(got) != 1 || got[0].PID != c.Process.Pid || got[0].String() != fmt.Sprintf("sleep (pid %d)", c.Process.Pid) {
		t.Fatalf("RunningFrom = %v; want sleep (pid %d)", got, c.Process.Pid)
	}
	// the prefix reached through a symlink (/home -> /var/home): the
	// kernel names the program by its real path (audit AG)
	link := filepath.Join(t.TempDir(), "acme")
	if err := os.Symlink(prefix, link); err != nil {
		t.Fatal(err)
	}
	if got := RunningFrom(link); len(got) != 1 || got[0].PID != c.Process.Pid {
		t.Fatalf("RunningFrom(%s, a link to the prefix) = %v; want sleep (pid %d)", link, got, c.Process.Pid)
	}
}

func TestProgramName(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		want string
	}{
		{[]string{"/p/envs/team/bin/python3.11", "/p/envs/team/bin/jupyter-notebook", "--no-browser"}, "jupyter-notebook"},
		{[]string{"/p/bin/python", "-u", "-m", "ipykernel_launcher", "-f", "x.json"}, "ipykernel_launcher"},
		{[]string{"/p/bin/python", "-c", "import time"}, "python"},
		{[]string{"/p/bin/R", "--vanilla"}, "R"},
		{nil, "a program"},
		// another user's process names itself: escape sequences, new
		// lines and a long name are not shown as written (audit AG)
		{[]string{"/p/bin/python", "-m", "\x1b[2J\nRemove nothing? [y"}, "?[2J?Remove nothing? [y"},
		{[]string{"/p/bin/" + strings.Repeat("x", 100)}, strings.Repeat("x", 40) + "…"},
	} {
		if got := programName(tc.argv); got != tc.want {
			t.Errorf("programName(%q) = %q; want %q", tc.argv, got, tc.want)
		}
	}
}

//go:build linux

package uninstall

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A program that runs from the prefix (as another user's Jupyter does) is
// stopped; one that runs from elsewhere is not.
func TestStopProgramsUnder(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep")
	}
	data, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	prefix := t.TempDir()
	inside := filepath.Join(prefix, "bin", "sleep")
	os.MkdirAll(filepath.Dir(inside), 0o755)
	if err := os.WriteFile(inside, data, 0o755); err != nil {
		t.Fatal(err)
	}
	start := func(bin string) (*exec.Cmd, chan struct{}) {
		c := exec.Command(bin, "300")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		t.Cleanup(func() { c.Process.Kill() })
		return c, done
	}
	in, inDone := start(inside)
	_, outDone := start(sleep)
	time.Sleep(100 * time.Millisecond) // until exec has replaced the child
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

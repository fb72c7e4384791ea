// Package proctest starts programs for tests: the system's sleep, or a
// copy of it at a path of the test's choosing, which then runs "from"
// that folder as an install's python or Jupyter does.
package proctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Sleep returns the path of the system's sleep program, copied to at
// when at is not "". The test is skipped where there is none.
func Sleep(t testing.TB, at string) string {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program")
	}
	if at == "" {
		return sleep
	}
	data, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(at), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(at, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return at
}

// Start starts bin with args, waits until it runs (exec has replaced the
// child), and kills it when the test ends. The channel is closed when it
// exits.
func Start(t testing.TB, bin string, args ...string) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	c := exec.Command(bin, args...)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	t.Cleanup(func() { c.Process.Kill(); <-done })
	time.Sleep(100 * time.Millisecond)
	return c, done
}

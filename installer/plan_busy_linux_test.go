package installer

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// holdLock makes another process hold the lock file at path (flock(1)),
// as a running onboard does, until the test ends.
func holdLock(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock(1) here")
	}
	os.MkdirAll(filepath.Dir(path), 0o755)
	cmd := exec.Command("flock", "-x", path, "sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		l, err := state.LockFile(path)
		if err != nil {
			return
		}
		l.Unlock()
	}
	t.Fatal("flock(1) did not take the lock")
}

// While another onboard installs into the folder (it holds the install's
// lock, or the lock of its journal beside the folder), the plan says the
// folder is in use, exit 4, as the install then does; it said the folder
// "can be used", called the running install interrupted, and exited 0.
func TestPlanWhileAnotherOnboardWorks(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	root := t.TempDir()
	prefix := filepath.Join(root, "acme")
	v1 := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}
	if _, err := Install(context.Background(), v1); err != nil {
		t.Fatal(err)
	}
	v2 := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}
	holdLock(t, filepath.Join(state.Dir(prefix), state.LockName))
	p := unchanged(t, root, v2)
	var le *LockedError
	if !errors.As(p.Err, &le) || p.ExitCode != ExitTarget || p.Code != "in-use" || p.Proceed {
		t.Fatalf("plan while the install's lock is held: %+v", p)
	}
	_, err := Install(context.Background(), v2)
	if ExitCode(err) != p.ExitCode {
		t.Fatalf("Install exit %d (%v); the plan said %d", ExitCode(err), err, p.ExitCode)
	}

	// a fresh install running into another folder: its journal beside it
	other := filepath.Join(root, "beta")
	os.WriteFile(state.OpJournalPath(other), []byte(`{"op":"install","prefix":"`+other+`","created":"`+other+`","pid":1}`+"\n"), 0o644)
	os.MkdirAll(other, 0o755)
	holdLock(t, state.OpJournalPath(other))
	p = unchanged(t, root, Options{Prefix: other, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"})
	if !errors.As(p.Err, &le) || p.ExitCode != ExitTarget || p.Recover != "" {
		t.Fatalf("plan while another install's journal is held: %+v", p)
	}
}

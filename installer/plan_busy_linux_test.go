package installer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

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
	testkit.HoldLock(t, filepath.Join(state.Dir(prefix), state.LockName))
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
	testkit.HoldLock(t, state.OpJournalPath(other))
	p = unchanged(t, root, Options{Prefix: other, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"})
	if !errors.As(p.Err, &le) || p.ExitCode != ExitTarget || p.Recover != "" {
		t.Fatalf("plan while another install's journal is held: %+v", p)
	}
}

package state_test

import (
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// HeldElsewhere sees another process's lock without writing the file (a
// user who may only read an install for all users: audit BP 3), and a
// free lock as free.
func TestHeldElsewhere(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lock")
	if err := os.WriteFile(p, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	if held, err := state.HeldElsewhere(p); err != nil || held {
		t.Fatalf("a free lock: held %v, %v", held, err)
	}
	release := testkit.HoldLockUntil(t, p)
	if held, err := state.HeldElsewhere(p); err != nil || !held {
		t.Fatalf("a lock another process holds: held %v, %v", held, err)
	}
	release()
	if held, err := state.HeldElsewhere(p); err != nil || held {
		t.Fatalf("the lock once released: held %v, %v", held, err)
	}
}

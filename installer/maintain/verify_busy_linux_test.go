package maintain

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// While another onboard works on the install (a repair holds its lock),
// verify says it is in use, exit 4, instead of calling the repair's work
// in progress damage or the install healthy before the repair ends (audit
// BM 3). Once the lock is free, verify checks as before.
func TestVerifyWhileAnotherOnboardWorks(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	fi := installFixtures(t)
	before, _ := Verify(context.Background(), fi.Prefix, VerifyOptions{})
	if before == nil {
		t.Fatal("verify of the fresh install gave no report")
	}
	lock := filepath.Join(state.Dir(fi.Prefix), state.LockName)
	done := testkit.HoldLockUntil(t, lock)
	r, err := Verify(context.Background(), fi.Prefix, VerifyOptions{})
	var le *engine.LockedError
	if !errors.As(err, &le) || r != nil || engine.ExitCode(err) != engine.ExitTarget {
		t.Fatalf("verify while another onboard holds the lock: %+v, %v (exit %d); want a LockedError, exit %d", r, err, engine.ExitCode(err), engine.ExitTarget)
	}
	done()
	after, err := Verify(context.Background(), fi.Prefix, VerifyOptions{})
	if after == nil || errors.As(err, &le) || len(after.Problems) != len(before.Problems) {
		t.Fatalf("verify once the lock is free: %v, %+v; want the report of before, %+v", err, after, before)
	}
}

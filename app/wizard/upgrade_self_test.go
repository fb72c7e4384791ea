package wizard

import (
	"onboard/installer/state"

	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer"
	"onboard/internal/selfexe"
)

func TestLeaveForUpgrade(t *testing.T) {
	base := t.TempDir()
	prefix := filepath.Join(base, "acme")
	self := filepath.Join(prefix, state.DirName, "onboard.exe")
	os.MkdirAll(filepath.Dir(self), 0o755)
	os.WriteFile(self, []byte("old app"), 0o755)
	selfexe.TempDir = filepath.Join(base, "tmp")
	os.MkdirAll(selfexe.TempDir, 0o755)
	t.Cleanup(func() { selfexe.TempDir = ""; selfexe.AtExit() })
	inside := func(exe, dir string) bool { return selfexe.Inside(exe, dir) }

	// Not needed (Unix, or a program outside): nothing moves.
	r, err := LeaveForUpgrade(self, prefix, func(string, string) bool { return false })
	if err != nil || r.Moved() || r.Finish() != nil {
		t.Fatalf("LeaveForUpgrade with nothing to do = %+v, %v", r, err)
	}

	// The upgrade failed or had nothing to do: the program goes back.
	r, err = LeaveForUpgrade(self, prefix, inside)
	if err != nil || !r.Moved() || filepath.Dir(r.To) != selfexe.TempDir {
		t.Fatalf("LeaveForUpgrade = %+v, %v; want the program moved into %s", r, err, selfexe.TempDir)
	}
	if _, err := os.Stat(self); err == nil {
		t.Fatal("the program is still in the install")
	}
	if err := r.Finish(); err != nil || r.To != self {
		t.Fatalf("Finish = %v, To %s; want the program back at %s", err, r.To, self)
	}
	if b, _ := os.ReadFile(self); string(b) != "old app" {
		t.Fatalf("put back %q", b)
	}

	// The upgrade put a new maintenance app in place: the moved one goes at exit.
	r, _ = LeaveForUpgrade(self, prefix, inside)
	os.WriteFile(self, []byte("new app"), 0o755)
	if err := r.Finish(); err != nil {
		t.Fatal(err)
	}
	if p := selfexe.Pending(); len(p) != 1 || p[0] != r.To || r.To == self {
		t.Fatalf("pending %v, To %s; want the moved program to go at exit", p, r.To)
	}
	if b, _ := os.ReadFile(self); string(b) != "new app" {
		t.Fatalf("Finish touched the new maintenance app: %q", b)
	}

	// It cannot move (here: the program is not where it says): the error
	// says so and what to do instead.
	_, err = LeaveForUpgrade(filepath.Join(prefix, state.DirName, "gone.exe"), prefix, inside)
	var le *LeaveError
	if !errors.As(err, &le) || !strings.Contains(installer.HintFor(err), "run the new installer itself") {
		t.Fatalf("LeaveForUpgrade of a program that cannot move = %v (hint %q)", err, installer.HintFor(err))
	}
}

package installer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"onboard/installer/internal/seam"
	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/installer/prefix"
	"onboard/installer/state"
)

// interruptRepair leaves what a repair killed part-way leaves: the
// journal of a transaction in the state folder, with a recorded file moved
// aside (gone from the env). The lock is free, as a dead process's is.
func interruptRepair(t *testing.T, fi *testkit.Fixture) string {
	t.Helper()
	j, err := prefix.Begin(state.Dir(fi.Prefix), fi.Prefix, prefix.RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(fi.Prefix, "include", "zlib.h")
	if err := j.MoveAside(victim); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(victim); err == nil {
		t.Fatal("the file was not moved aside")
	}
	return victim
}

// logLines collects what an entry point logs.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) recovered() []string {
	var out []string
	for _, s := range l.lines {
		if strings.HasPrefix(s, "recover:") {
			out = append(out, s)
		}
	}
	return out
}

// Every entry point recovers first, through RecoverOutcome, and says so in
// one line: Verify no longer relies on its caller to roll back, and so it
// checks the install as it stands (the file the repair had moved aside is
// back), not a half-made one.
func TestEntryPointsRecoverFirstAndSayItOnce(t *testing.T) {
	entries := map[string]func(fi *testkit.Fixture, logf Logf) error{
		"verify": func(fi *testkit.Fixture, logf Logf) error {
			r, err := maintain.Verify(context.Background(), fi.Prefix, maintain.VerifyOptions{EnvironmentsTxt: fi.EnvTxt, Logf: logf})
			if err == nil && !r.Healthy {
				err = fmt.Errorf("not healthy: %v", kinds(r.Problems))
			}
			return err
		},
		"repair": func(fi *testkit.Fixture, logf Logf) error {
			res, err := maintain.Repair(context.Background(), fi.Prefix, maintain.RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt, Logf: logf})
			if err == nil && len(res.Before) != 0 {
				err = fmt.Errorf("repair found %v: the recovery did not come first", kinds(res.Before))
			}
			return err
		},
	}
	for name, run := range entries {
		t.Run(name, func(t *testing.T) {
			fi := installFixtures(t)
			victim := interruptRepair(t, fi)
			var log logLines
			if err := run(fi, log.logf); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if _, err := os.Stat(victim); err != nil {
				t.Errorf("the file moved aside is not back: %v", err)
			}
			want := []string{"recover: " + (Recovered{Op: "operation"}).Message() + " (" + fi.Prefix + ")"}
			if got := log.recovered(); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("logged %q; want %q", got, want)
			}
			if _, err := os.Stat(state.JournalPath(fi.Prefix)); !os.IsNotExist(err) {
				t.Errorf("the journal is still there: %v", err)
			}
		})
	}
}

// Recovered.Message says what recovery did, rolled back or finished, and
// nothing when there was nothing to do.
func TestRecoveredMessages(t *testing.T) {
	for _, tt := range []struct {
		rec  Recovered
		want string
	}{
		{Recovered{}, ""},
		{Recovered{Op: "install"}, "the last install was interrupted; what it had done was undone"},
		{Recovered{Op: "install", Finished: true}, "the last install was interrupted after it was complete; it was finished"},
		{Recovered{Op: "uninstall", Finished: true}, "the last uninstall was interrupted; it was finished"},
		{Recovered{Op: "operation"}, "the last operation was interrupted; what it had done was undone"},
		{Recovered{Pending: true}, "the last operation on this install was interrupted; it waits for an administrator to roll it back (run onboard verify or repair as one)"},
	} {
		if got := tt.rec.Message(); got != tt.want {
			t.Errorf("%+v: %q; want %q", tt.rec, got, tt.want)
		}
	}
}

// On an install this user may not change, the interrupted operation is
// left for an administrator, and the message says so instead of nothing.
func TestRecoverOnASharedInstallWaits(t *testing.T) {
	fi := installFixtures(t)
	victim := interruptRepair(t, fi)
	old := seam.MayModify
	seam.MayModify = func(string) bool { return false }
	defer func() { seam.MayModify = old }()
	var log logLines
	rec, err := RecoverOutcome(context.Background(), fi.Prefix, log.logf)
	if err != nil || !rec.Pending || rec.Op != "" {
		t.Fatalf("got %+v, %v; want it pending", rec, err)
	}
	if _, err := os.Stat(victim); err == nil {
		t.Error("the journal of a shared install was rolled back by a user who may not change it")
	}
	if got := log.recovered(); len(got) != 1 || !strings.Contains(got[0], "administrator") {
		t.Errorf("logged %q; want one line saying it waits for an administrator", got)
	}
}

// A fresh install into a folder an administrator made for this user (the
// user may write it but does not own it, so seam.MayModify is false) keeps its
// journal inside the folder; that journal is the user's, and a killed
// install there is still rolled back.
func TestRecoverInsideJournalOfAFolderMadeForTheUser(t *testing.T) {
	p := filepath.Join(t.TempDir(), "acme")
	os.MkdirAll(filepath.Join(p, "half-made"), 0o755)
	head := `{"op":"install","prefix":"` + p + `","before":[],"pid":1,"started":"x"}` + "\n"
	if err := os.WriteFile(state.OpJournalInsidePath(p), []byte(head), 0o644); err != nil {
		t.Fatal(err)
	}
	old := seam.MayModify
	seam.MayModify = func(string) bool { return false }
	defer func() { seam.MayModify = old }()
	rec, err := RecoverOutcome(context.Background(), p, t.Logf)
	if err != nil || rec.Op != "install" || rec.Finished || rec.Pending {
		t.Fatalf("got %+v, %v; want the install rolled back", rec, err)
	}
	if ents, err := os.ReadDir(p); err != nil || len(ents) != 0 {
		t.Fatalf("the folder is not empty again: %v, %v", ents, err)
	}
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/state"
)

// A live install's journal is never recovered under its feet: a second
// onboard gets a LockedError and the journal stays.
func TestRecoverLeavesALiveOperationAlone(t *testing.T) {
	p := filepath.Join(t.TempDir(), "acme")
	j, err := BeginOp("install", p, "")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(p, ".onboard"), 0o755)
	_, err = RecoverOutcome(context.Background(), p, t.Logf)
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("recover during a live install: %v; want a LockedError", err)
	}
	// it names the install, not the journal file beside it
	if want := fmt.Sprintf("the install at %q is in use by another onboard (an installer, or its maintenance app)", p); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q; want %q…", err, want)
	}
	if _, err := os.Stat(filepath.Join(p, ".onboard")); err != nil {
		t.Fatalf("the live install's prefix was touched: %v", err)
	}
	j.Close(false) // as if the process died: the lock goes, the journal stays
	rec, err := RecoverOutcome(context.Background(), p, t.Logf)
	if err != nil || rec.Op != "install" || rec.Finished {
		t.Fatalf("recover after the process is gone: %+v, %v", rec, err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the prefix the install created is still there: %v", err)
	}
	if _, err := os.Stat(state.OpJournalPath(p)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the journal is still there: %v", err)
	}
}

// A journal torn by a crash mid-line, or left empty before its head was
// written, is read as far as it goes.
func TestRecoverTornOrEmptyJournal(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "acme")
	old := p + ".onboard-old-1"
	os.MkdirAll(filepath.Join(old, ".onboard"), 0o755)
	os.WriteFile(filepath.Join(old, "keep"), []byte("old install"), 0o644)
	os.MkdirAll(filepath.Join(p, ".condatmp"), 0o755)
	body := `{"op":"install","prefix":"` + p + `","before":[".onboard","keep"],"pid":1,"started":"x"}` + "\n" +
		`{"aside":"` + old + `"}` + "\n" + `{"phase":"fin`
	os.WriteFile(state.OpJournalPath(p), []byte(body), 0o644)
	rec, err := RecoverOutcome(context.Background(), p, t.Logf)
	if err != nil || rec.Op != "install" || rec.Finished {
		t.Fatalf("recover: %+v, %v; want the upgrade rolled back (the torn finish line does not count)", rec, err)
	}
	if data, _ := os.ReadFile(filepath.Join(p, "keep")); string(data) != "old install" {
		t.Fatalf("the old install is not back: %q", data)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("left beside the prefix: %v", ents)
	}
	os.WriteFile(state.OpJournalPath(p), nil, 0o644)
	if rec, err := RecoverOutcome(context.Background(), p, t.Logf); err != nil || rec.Op != "" {
		t.Fatalf("an empty journal: %+v, %v; want nothing done", rec, err)
	}
	if _, err := os.Stat(filepath.Join(p, "keep")); err != nil {
		t.Fatalf("an empty journal changed the install: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("the empty journal is still there: %v", ents)
	}
}

// A journal inside the prefix that names a folder outside it is not one
// onboard writes there (a package installed later with conda may write
// any file of the prefix): recovery refuses it, saying what to do, and
// touches nothing.
func TestRecoverRefusesAnInsideJournalNamingOtherFolders(t *testing.T) {
	home := t.TempDir()
	p := filepath.Join(home, "acme")
	os.MkdirAll(filepath.Join(p, ".onboard"), 0o755)
	os.WriteFile(filepath.Join(home, "thesis.tex"), []byte("years of work"), 0o644)
	for _, body := range []string{
		`{"op":"install","prefix":"` + p + `","created":"` + home + `","pid":1,"started":"x"}`,
		`{"op":"install","prefix":"` + p + `","before":[],"pid":1,"started":"x"}` + "\n" + `{"aside":"` + home + `"}`,
		`{"op":"uninstall","prefix":"` + p + `","pid":1,"started":"x"}`,
	} {
		os.WriteFile(state.OpJournalInsidePath(p), []byte(body+"\n"), 0o644)
		_, err := RecoverOutcome(context.Background(), p, t.Logf)
		if err == nil || !strings.Contains(err.Error(), "move it away") {
			t.Errorf("recover of %s: %v; want a refusal", body, err)
		}
		if b, _ := os.ReadFile(filepath.Join(home, "thesis.tex")); string(b) != "years of work" {
			t.Fatalf("recover of %s touched a file outside the prefix", body)
		}
		if _, err := os.Stat(filepath.Join(p, ".onboard")); err != nil {
			t.Fatalf("recover of %s changed the prefix: %v", body, err)
		}
	}
}

// A killed uninstall is finished in the conda registry it was given, not
// in the user's ~/.conda/environments.txt (audit K 17).
func TestRecoverUsesTheOperationsRegistry(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	dir := t.TempDir()
	p := filepath.Join(dir, "acme")
	os.MkdirAll(filepath.Join(p, "envs", "team", "conda-meta"), 0o755)
	os.MkdirAll(state.Dir(p), 0o755)
	if err := state.WriteManifest(p, &state.Manifest{}); err != nil {
		t.Fatal(err)
	}
	lines := p + "\n" + filepath.Join(p, "envs", "team") + "\n/elsewhere\n"
	custom := filepath.Join(dir, "list.txt")
	userList := filepath.Join(home, ".conda", "environments.txt")
	os.MkdirAll(filepath.Dir(userList), 0o755)
	for _, f := range []string{custom, userList} {
		os.WriteFile(f, []byte(lines), 0o644)
	}
	j, err := BeginOp("uninstall", p, custom)
	if err != nil {
		t.Fatal(err)
	}
	j.Close(false) // killed before it did anything
	rec, err := RecoverOutcome(context.Background(), p, t.Logf)
	if err != nil || !rec.Finished {
		t.Fatalf("recover: %+v, %v", rec, err)
	}
	if got, _ := os.ReadFile(custom); string(got) != "/elsewhere\n" {
		t.Errorf("the uninstall's registry after recovery:\n%s\nwant only /elsewhere", got)
	}
	if got, _ := os.ReadFile(userList); string(got) != lines {
		t.Errorf("the user's environments.txt was edited by the recovery:\n%s", got)
	}
}

package prefix

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustWrite(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readOr(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return "<missing>"
	}
	return string(b)
}

// change makes the same set of changes through j: a new folder with a new
// file, an existing file replaced, an existing file appended to.
func change(t *testing.T, j *Journal, root string) {
	t.Helper()
	newDir := filepath.Join(root, "lib", "sub")
	if err := j.WillMkdir(filepath.Join(root, "lib"), newDir); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(newDir, 0o755)
	nf := filepath.Join(newDir, "new.txt")
	if err := j.WillCreate(nf); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, nf, "new")
	old := filepath.Join(root, "old.txt")
	if err := j.MoveAside(old); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, old, "replaced")
	hist := filepath.Join(root, "history")
	if err := j.Preserve(hist); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, hist, "old history+more")
}

func setup(t *testing.T) (root, state string) {
	root = filepath.Join(t.TempDir(), "p")
	state = filepath.Join(root, ".onboard")
	mustWrite(t, filepath.Join(root, "old.txt"), "original")
	mustWrite(t, filepath.Join(root, "history"), "old history")
	return root, state
}

func checkRestored(t *testing.T, root, state string) {
	t.Helper()
	if got := readOr(filepath.Join(root, "old.txt")); got != "original" {
		t.Errorf("old.txt got %q; want original", got)
	}
	if got := readOr(filepath.Join(root, "history")); got != "old history" {
		t.Errorf("history got %q; want old history", got)
	}
	if _, err := os.Lstat(filepath.Join(root, "lib")); err == nil {
		t.Error("lib/ still exists after rollback")
	}
	if _, err := os.Lstat(filepath.Join(state, JournalName)); err == nil {
		t.Error("the journal still exists after rollback")
	}
	if _, err := os.Lstat(filepath.Join(state, "backup")); err == nil {
		t.Error("the backups still exist after rollback")
	}
}

func TestJournalRollback(t *testing.T) {
	root, state := setup(t)
	j, err := Begin(state, root, RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Begin(state, root, RootExisted); !errors.Is(err, ErrJournalExists) {
		t.Errorf("second Begin got %v; want ErrJournalExists", err)
	}
	change(t, j, root)
	if err := j.Rollback(); err != nil {
		t.Fatal(err)
	}
	checkRestored(t, root, state)
}

func TestJournalRecoverAfterCrash(t *testing.T) {
	root, state := setup(t)
	j, err := Begin(state, root, RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	change(t, j, root)
	j.f.Close() // the process dies: no Commit, no Rollback
	// and a torn last line
	f, _ := os.OpenFile(filepath.Join(state, JournalName), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"op":"create","paths":["/nowh`)
	f.Close()
	ok, err := Recover(state)
	if err != nil || !ok {
		t.Fatalf("Recover got %v, %v; want true, nil", ok, err)
	}
	checkRestored(t, root, state)
	if ok, err := Recover(state); ok || err != nil {
		t.Errorf("second Recover got %v, %v; want false, nil", ok, err)
	}
}

func TestJournalCreatedRootAndCommit(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "new")
	j, err := Begin(filepath.Join(root, ".onboard"), root, RootCreated)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(root, "x"), "x")
	if err := j.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(root); err == nil {
		t.Error("the created root still exists after rollback")
	}

	root2, state2 := setup(t)
	j2, err := Begin(state2, root2, RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	change(t, j2, root2)
	if err := j2.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readOr(filepath.Join(root2, "old.txt")); got != "replaced" {
		t.Errorf("after commit old.txt got %q; want replaced", got)
	}
	if _, err := os.Lstat(filepath.Join(state2, "backup")); err == nil {
		t.Error("backups kept after commit")
	}
	if ok, _ := Recover(state2); ok {
		t.Error("Recover found a journal after commit")
	}
}

// A crash in Commit after the journal is gone leaves stale backups: Recover
// must not undo the committed changes, and the next Begin clears them.
func TestJournalCrashAfterCommitPoint(t *testing.T) {
	root, state := setup(t)
	j, err := Begin(state, root, RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	change(t, j, root)
	j.f.Close()
	j.f = nil
	if err := os.Remove(j.path); err != nil { // the commit point, then the "crash"
		t.Fatal(err)
	}
	if ok, err := Recover(state); ok || err != nil {
		t.Fatalf("Recover = %v, %v; want nothing to recover after the commit point", ok, err)
	}
	if got := readOr(filepath.Join(root, "old.txt")); got != "replaced" {
		t.Errorf("old.txt got %q; want the committed %q", got, "replaced")
	}
	j2, err := Begin(state, root, RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(state, "backup")); err == nil {
		t.Error("stale backups survived the next Begin")
	}
	j2.Commit()
}

// TestRollbackUndoesEveryBatch announces files in batches through one
// reused slice, as a caller may: the rollback removes all of them.
func TestRollbackUndoesEveryBatch(t *testing.T) {
	root := t.TempDir()
	j, err := Begin(filepath.Join(root, ".onboard"), root, RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]string, 1)
	for i := range 3 {
		p := filepath.Join(root, fmt.Sprintf("f%d", i))
		buf[0] = p
		if err := j.WillCreate(buf...); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(p, []byte("x"), 0o644)
	}
	if err := j.Rollback(); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := os.Lstat(filepath.Join(root, fmt.Sprintf("f%d", i))); err == nil {
			t.Errorf("f%d is left after the rollback", i)
		}
	}
}

// WillMake journals folders and files in one batch (files split over
// lines of createBatch paths), and a rollback removes them all.
func TestJournalWillMake(t *testing.T) {
	root := t.TempDir()
	state := filepath.Join(root, ".onboard")
	j, err := Begin(state, root, RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{filepath.Join(root, "a"), filepath.Join(root, "a", "b")}
	var files []string
	for i := range createBatch + 3 {
		files = append(files, filepath.Join(root, "a", "b", fmt.Sprintf("f%d", i)))
	}
	if err := j.WillMake(dirs, files); err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		os.Mkdir(d, 0o755)
	}
	for _, f := range files {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(state, JournalName))
	_, acts := parseJournal(data)
	if len(acts) != 3 || acts[0].Op != "mkdir" || len(acts[1].Paths) != createBatch || len(acts[2].Paths) != 3 {
		t.Fatalf("journal actions %d (%v first); want mkdir, then %d and 3 files", len(acts), acts[0].Op, createBatch)
	}
	if err := j.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dirs[0]); err == nil {
		t.Errorf("%s is still there after the rollback", dirs[0])
	}
}

// In a root the transaction created, a line that only creates things
// inside the root is not synced (a rollback removes the whole root, and
// Begin synced the head that says so); a line for anything outside it,
// a move aside, or any line of a root that existed before, is.
func TestJournalSyncsOnlyWhatARollbackNeeds(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "new")
	j, err := Begin(filepath.Join(base, "state"), root, RootCreated)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Rollback()
	in := []string{filepath.Join(root, "a"), filepath.Join(root, "..foo", "b")}
	for _, c := range []struct {
		act  journalAct
		sync bool
	}{
		{journalAct{Op: "create", Paths: in}, false},
		{journalAct{Op: "mkdir", Paths: in[:1]}, false},
		{journalAct{Op: "tmpdir", Paths: []string{filepath.Join(root, ".condatmp")}}, false},
		{journalAct{Op: "create", Paths: append(in, filepath.Join(base, "outside"))}, true},
		{journalAct{Op: "create", Paths: []string{filepath.Join(root, "..", "new2", "x")}}, true},
		{journalAct{Op: "create", Paths: []string{root + "2"}}, true},
		{journalAct{Op: "aside", Paths: in[:1]}, true},
	} {
		if got := !j.insideCreatedRoot(c.act); got != c.sync {
			t.Errorf("%s %v: synced %v; want %v", c.act.Op, c.act.Paths, got, c.sync)
		}
	}
	root2, state2 := setup(t)
	j2, err := Begin(state2, root2, RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Rollback()
	if j2.insideCreatedRoot(journalAct{Op: "create", Paths: []string{filepath.Join(root2, "a")}}) {
		t.Error("a line of a root that existed before would not be synced")
	}
}

// A root its caller made (RootNew: an install's base env, in a folder that
// may have been there, empty) is emptied by a rollback, in the process or
// by Recover after a crash, but for the state folder, and is not removed.
func TestJournalNewRootIsEmptiedNotRemoved(t *testing.T) {
	for _, crash := range []bool{false, true} {
		root := filepath.Join(t.TempDir(), "acme")
		stateDir := filepath.Join(root, ".onboard")
		os.MkdirAll(stateDir, 0o755)
		mustWrite(t, filepath.Join(stateDir, "lock"), "")
		j, err := Begin(stateDir, root, RootNew)
		if err != nil {
			t.Fatal(err)
		}
		if err := j.WillMkdir(filepath.Join(root, "lib")); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, filepath.Join(root, "lib", "x"), "x")
		mustWrite(t, filepath.Join(root, "unjournaled"), "y")
		if crash {
			j.f.Close() // the process died: the next run recovers
			if ok, err := Recover(stateDir); !ok || err != nil {
				t.Fatalf("Recover: %v, %v", ok, err)
			}
		} else if err := j.Rollback(); err != nil {
			t.Fatal(err)
		}
		ents, err := os.ReadDir(root)
		if err != nil || len(ents) != 1 || ents[0].Name() != ".onboard" {
			t.Fatalf("crash %v: the root holds %v (%v) after the rollback; want only its state folder", crash, ents, err)
		}
		if _, err := os.Stat(filepath.Join(stateDir, "lock")); err != nil {
			t.Errorf("crash %v: the caller's lock went with the rollback: %v", crash, err)
		}
		if _, err := os.Stat(filepath.Join(stateDir, JournalName)); err == nil {
			t.Errorf("crash %v: the journal is still there", crash)
		}
	}
}

// A journal that names paths outside the install is not one onboard
// wrote (a package installed later with conda may write any file of the
// prefix): Recover refuses it, saying what to do, and touches nothing.
// So is one whose paths are spelled inside the install but lead out of
// it through a symlink there (lib/escape -> the user's home). One reached
// through a symlinked spelling of the install is onboard's.
func TestRecoverRefusesAJournalOutsideTheInstall(t *testing.T) {
	root, state := setup(t)
	home := t.TempDir()
	victim := filepath.Join(home, "thesis.tex")
	mustWrite(t, victim, "years of work")
	escape := filepath.Join(root, "escape")
	if err := os.Symlink(home, escape); err != nil {
		t.Skip(err)
	}
	for _, journal := range []string{
		fmt.Sprintf(`{"journal":1,"root":%q,"created_root":true,"keep_root":true}`, escape),
		fmt.Sprintf(`{"journal":1,"root":%q}`+"\n"+`{"op":"create","paths":[%q]}`, root, filepath.Join(escape, "thesis.tex")),
		fmt.Sprintf(`{"journal":1,"root":%q}`+"\n"+`{"op":"aside","paths":[%q],"backup":%q}`, root, filepath.Join(escape, "thesis.tex"), filepath.Join(root, "old.txt")),
		fmt.Sprintf(`{"journal":1,"root":%q,"created_root":true}`, home),
		fmt.Sprintf(`{"journal":1,"root":%q}`+"\n"+`{"op":"create","paths":[%q]}`, root, victim),
		fmt.Sprintf(`{"journal":1,"root":%q}`+"\n"+`{"op":"tmpdir","paths":[%q]}`, root, home),
		fmt.Sprintf(`{"journal":1,"root":%q}`+"\n"+`{"op":"aside","paths":[%q],"backup":%q}`, root, filepath.Join(root, "old.txt"), victim),
		fmt.Sprintf(`{"journal":1,"root":%q}`+"\n"+`{"op":"create","paths":[%q]}`, root, filepath.Join(root, "..", "..", filepath.Base(home), "thesis.tex")),
	} {
		mustWrite(t, filepath.Join(state, JournalName), journal+"\n")
		ok, err := Recover(state)
		if err == nil || !strings.Contains(err.Error(), "outside the install") || !strings.Contains(err.Error(), "move it away") {
			t.Errorf("Recover of %s: %v, %v; want a refusal", journal, ok, err)
		}
		if readOr(victim) != "years of work" || readOr(filepath.Join(root, "old.txt")) != "original" {
			t.Fatalf("Recover of %s changed files", journal)
		}
	}
	// The same install through a symlink: recovered.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(root, link); err != nil {
		t.Skip(err)
	}
	mustWrite(t, filepath.Join(root, "new.txt"), "made by the transaction")
	mustWrite(t, filepath.Join(state, JournalName), fmt.Sprintf(`{"journal":1,"root":%q}`+"\n"+`{"op":"create","paths":[%q]}`+"\n", link, filepath.Join(link, "new.txt")))
	if ok, err := Recover(state); !ok || err != nil || readOr(filepath.Join(root, "new.txt")) != "<missing>" {
		t.Errorf("Recover through a symlink: %v, %v; want the file the transaction made removed", ok, err)
	}
}

// A journal that would remove or empty the install's own folder as one it
// made is refused once the install is complete (RecoverInstalled): only a
// fresh install's base writes one, and it ends before the install is.
func TestRecoverInstalledRefusesToRemoveTheInstall(t *testing.T) {
	root, state := setup(t)
	mustWrite(t, filepath.Join(root, "notes.txt"), "mine")
	for _, head := range []string{
		fmt.Sprintf(`{"journal":1,"root":%q,"created_root":true,"keep_root":true}`, root),
		fmt.Sprintf(`{"journal":1,"root":%q,"created_root":true}`, filepath.Dir(root)),
	} {
		mustWrite(t, filepath.Join(state, JournalName), head+"\n")
		if ok, err := RecoverInstalled(state); ok || err == nil || !strings.Contains(err.Error(), "move it away") {
			t.Errorf("RecoverInstalled of %s: %v, %v; want a refusal", head, ok, err)
		}
		if readOr(filepath.Join(root, "notes.txt")) != "mine" {
			t.Fatalf("RecoverInstalled of %s removed the install's files", head)
		}
	}
}

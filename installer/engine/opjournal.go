package engine

// The journal of a whole install or uninstall. It lives beside the prefix
// (PARENT/.NAME.onboard-journal), not in it, so that it survives what the
// operation does to the prefix folder itself: creating it, moving an old
// install aside to PREFIX.onboard-old-<n> and back, deleting it. Recovery
// finds it from the prefix path alone. The running operation holds an OS
// lock on the file, so a live install is never "recovered" under its feet.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"onboard/installer/internal/seam"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/atomicfile"
	"onboard/internal/rmtree"
	"onboard/platform"
)

// CrashPoint names a point of an install or uninstall where a kill test
// may stop the process (seam.Crash); it does nothing in the product.
func CrashPoint(name string) {
	if seam.Crash != nil {
		seam.Crash(name)
	}
}

// OpHead is the first line of an operation journal.
type OpHead struct {
	Op     string `json:"op"` // "install" or "uninstall"
	Prefix string `json:"prefix"`
	// Created is the topmost folder this install created (the prefix or
	// one of its parents); "" when the prefix existed.
	Created string `json:"created,omitempty"`
	// Before lists what an existing (empty) prefix held, so that a
	// rollback removes only what the install added.
	Before  []string `json:"before,omitempty"`
	PID     int      `json:"pid"`
	Started string   `json:"started"`
	// NewConda lists what of ~/.conda/environments.txt and its folder
	// did not exist yet: a rolled-back fresh install removes them again
	// when it leaves them empty.
	NewConda []string `json:"new_conda,omitempty"`
	// EnvList is the conda registry the operation edits, as its option
	// spells it: "" = the user's ~/.conda/environments.txt (and so in a
	// journal written before the field), "-" = none, else its path.
	// Recovery undoes or finishes the operation in that list.
	EnvList string `json:"env_list,omitempty"`
}

// envList is the path of the journal's conda registry; "" = none.
func (h OpHead) envList() string { return prefix.EnvironmentsTxtPath(h.EnvList) }

// OpLine is a later line: the old install about to be moved aside, or a
// phase reached.
type OpLine struct {
	Aside string `json:"aside,omitempty"`
	Phase string `json:"phase,omitempty"` // "finish": the new install is complete
}

// OpJournal is an operation journal being written.
type OpJournal struct {
	f      *os.File
	path   string
	unlock func() error
	head   OpHead
	aside  string
	phase  string
}

// lockOpJournal opens and locks the journal file of prefixDir, creating
// it. Another live onboard holding it is a *LockedError.
func lockOpJournal(p, prefixDir string) (*os.File, func() error, error) {
	l, err := state.LockFile(p)
	if errors.Is(err, state.ErrBusy) {
		return nil, nil, &LockedError{Path: p, Prefix: prefixDir}
	}
	if err != nil {
		advice := "check that you may write to the folder that holds the install"
		switch {
		case IsDiskFull(err):
			// no inode left gave the permission hint (audit AI 4)
			advice = "the disk is full (no space, or no file entries left): free some space on it, or choose a folder on another disk"
		case IsReadOnlyFS(err):
			advice = "the disk is read-only: choose a folder on a writable disk"
		}
		return nil, nil, &TargetError{Path: filepath.Dir(p), Reason: "cannot write the journal " + p, Err: err, Advice: advice}
	}
	return l.File(), l.Unlock, nil
}

// BeginOp starts the journal of op on prefixDir, which edits the conda
// registry envList ("" = ~/.conda/environments.txt, "-" = none). The
// caller has recovered any earlier journal first.
func BeginOp(op, prefixDir, envList string) (*OpJournal, error) {
	head := OpHead{Op: op, Prefix: prefixDir, PID: os.Getpid(), Started: time.Now().UTC().Format(time.RFC3339), EnvList: envList}
	if op == "install" {
		created, before, err := whatExists(prefixDir)
		if err != nil {
			return nil, err
		}
		head.Created, head.Before = created, before
		if txt := head.envList(); txt != "" {
			for _, p := range []string{filepath.Dir(txt), txt} {
				if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
					head.NewConda = append(head.NewConda, p)
				}
			}
		}
		if err := os.MkdirAll(filepath.Dir(prefixDir), 0o755); err != nil {
			return nil, &TargetError{Path: prefixDir, Reason: "cannot create the folder", Err: err}
		}
	}
	f, unlock, err := lockOpJournal(state.OpJournalPath(prefixDir), prefixDir)
	if err != nil && op == "install" && head.Created == "" && !head.Upgrade() {
		var le *LockedError
		if !errors.As(err, &le) {
			f, unlock, err = lockOpJournal(state.OpJournalInsidePath(prefixDir), prefixDir)
		}
	}
	if err != nil {
		return nil, err
	}
	j := &OpJournal{f: f, path: f.Name(), unlock: unlock, head: head}
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		unlock()
		return nil, &LockedError{Path: j.path, Owner: "an interrupted operation that was not recovered"}
	}
	if err := j.write(head); err != nil {
		j.Close(true)
		return nil, err
	}
	atomicfile.SyncDir(filepath.Dir(j.path))
	return j, nil
}

// whatExists returns the topmost missing folder of prefixDir (""
// when it exists) and, when it exists, the names it holds.
func whatExists(prefixDir string) (string, []string, error) {
	if ents, err := os.ReadDir(prefixDir); err == nil {
		names := []string{}
		for _, e := range ents {
			names = append(names, e.Name())
		}
		return "", names, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", nil, &TargetError{Path: prefixDir, Reason: "cannot read the folder", Err: err}
	}
	top := prefixDir
	for {
		up := filepath.Dir(top)
		if up == top {
			break
		}
		if _, err := os.Lstat(up); err == nil {
			break
		}
		top = up
	}
	return top, nil, nil
}

// write appends one line and makes it durable.
func (j *OpJournal) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("failed to write the journal %q: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("failed to write the journal %q: %w", j.path, err)
	}
	return nil
}

// MoveAside moves the old install at the prefix aside, journaled and
// durable before anything is written to the new prefix.
func (j *OpJournal) MoveAside(aside string) error {
	if err := j.write(OpLine{Aside: aside}); err != nil {
		return err
	}
	j.aside = aside
	CrashPoint("aside-before")
	if err := os.Rename(j.head.Prefix, aside); err != nil {
		return err
	}
	atomicfile.SyncDir(filepath.Dir(aside))
	CrashPoint("aside-after")
	return nil
}

// Reach records a phase.
func (j *OpJournal) Reach(phase string) error {
	if err := j.write(OpLine{Phase: phase}); err != nil {
		return err
	}
	j.phase = phase
	CrashPoint(phase)
	return nil
}

// Close removes the journal (its work is done or undone) and releases it.
func (j *OpJournal) Close(remove bool) {
	if remove {
		os.Remove(j.path)
		atomicfile.SyncDir(filepath.Dir(j.path))
	}
	j.unlock()
}

// ReadOp reads an operation journal; a torn last line is ignored.
func ReadOp(r io.Reader) (OpHead, string, string) {
	var head OpHead
	var aside, phase string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for first := true; sc.Scan(); first = false {
		if first {
			_ = json.Unmarshal(sc.Bytes(), &head)
			continue
		}
		var l OpLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			if l.Aside != "" {
				aside = l.Aside
			}
			if l.Phase != "" {
				phase = l.Phase
			}
		}
	}
	return head, aside, phase
}

// Recovered says what Recover found and did.
type Recovered struct {
	// Op is what was interrupted: "install", "uninstall" or "operation"
	// (a repair or an env install, journaled inside the prefix); "" when
	// nothing was.
	Op string
	// Finished is true when the operation was completed instead of
	// rolled back (an install whose new prefix was complete, an
	// uninstall that had started deleting).
	Finished bool
	// Pending is true when an interrupted operation was found but left
	// alone: the install is shared by all users and this user may not
	// change it (Op is then "").
	Pending bool
}

// Message is what to tell a person, "" when nothing was found.
func (r Recovered) Message() string {
	switch {
	case r.Pending:
		return "the last operation on this install was interrupted; it waits for an administrator to roll it back (run onboard verify or repair as one)"
	case r.Op == "":
		return ""
	case r.Op == "install" && r.Finished:
		return "the last install was interrupted after it was complete; it was finished"
	case r.Op == "uninstall":
		return "the last uninstall was interrupted; it was finished"
	case r.Op == "install":
		return "the last install was interrupted; what it had done was undone"
	}
	return "the last operation was interrupted; what it had done was undone"
}

// recoverOp undoes (or finishes) an interrupted install or uninstall of
// prefixDir. A live one is a *LockedError.
func recoverOp(prefixDir string, logf Logf) (Recovered, error) {
	p := state.OpJournalPath(prefixDir)
	if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
		p = state.OpJournalInsidePath(prefixDir)
		if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
			return Recovered{}, nil
		}
	}
	f, unlock, err := lockOpJournal(p, prefixDir)
	if err != nil {
		return Recovered{}, err
	}
	head, aside, phase := ReadOp(io.LimitReader(f, 64<<20))
	j := &OpJournal{f: f, path: p, unlock: unlock, head: head, aside: aside, phase: phase}
	if head.Op == "" || filepath.Clean(head.Prefix) != filepath.Clean(prefixDir) {
		// Empty: the journal was being created, or a recovery removed it
		// while this one waited. Nothing was done yet.
		j.Close(true)
		return Recovered{}, nil
	}
	if p == state.OpJournalInsidePath(prefixDir) && (head.Op != "install" || head.Created != "" || aside != "") {
		// onboard keeps a journal inside the prefix only for a fresh
		// install into a folder that existed (BeginOp): it names no
		// folder outside. Another is not onboard's (a package installed
		// later with conda may write any file of the prefix).
		j.Close(false)
		named := head.Created + aside
		if named == "" {
			named = "the operation " + head.Op
		}
		return Recovered{}, fmt.Errorf("the journal %q is not one onboard writes inside an install (it names %q); move it away and run again", p, named)
	}
	rec, err := j.Undo(logf)
	if err != nil {
		unlock()
		return rec, err
	}
	j.Close(true)
	return rec, nil
}

// Undo rolls the operation back, or finishes it where it was complete.
// The caller then removes the journal.
func (j *OpJournal) Undo(logf Logf) (Recovered, error) {
	logf = LogfOrNop(logf)
	p := j.head.Prefix
	rec := Recovered{Op: j.head.Op}
	switch {
	case j.head.Op == "uninstall":
		rec.Finished = true
		if _, err := os.Stat(state.ManifestPath(p)); err == nil {
			// Killed before it deleted the install: what it does outside
			// the prefix first (its launchers, its lines of conda's list).
			if err := RemoveRecordedLaunchers(p, logf); err != nil {
				logf("recovery: %v", err)
			}
			if txt := j.head.envList(); txt != "" {
				if _, err := prefix.Unregister(txt, p); err != nil {
					logf("recovery: %v; remove the lines naming %s by hand", err, p)
				}
			}
		}
		if err := RemovePrefixFolder(p, logf); err != nil {
			return rec, fmt.Errorf("failed to finish removing %q: %w; close programs that use it and uninstall again", p, err)
		}
		atomicfile.SyncDir(filepath.Dir(p))
		return rec, nil
	case j.phase == "finish":
		// The new install was complete; only the old one was left to
		// remove (and its launchers, if the new ones were not made yet).
		rec.Finished = true
		if j.aside != "" {
			if _, err := os.Lstat(j.aside); err == nil {
				// Until the record of the launchers made is saved the old
				// launchers may still be there (or half replaced): they
				// go, and the record the install saved before "finish" of
				// those it was to make (Planned) has verify report them
				// missing and repair make them.
				if made, err := platform.LoadRecord(state.LaunchersPath(p)); err != nil || made.Planned {
					_ = RemoveRecordedLaunchersOf(j.aside, p, logf)
				}
				// The user's environments in the old envs/ go to the new
				// install first, as the upgrade would have carried them.
				c, err := CarryUserFiles(j.aside, p, logf)
				if err != nil || c.KeepAside() {
					logf("recovery: kept the old install at %q: %s", j.aside, c.Note(j.aside))
					return rec, err
				}
				if err := rmtree.RemoveAll(j.aside); err != nil {
					return rec, fmt.Errorf("failed to remove the old install %q: %w", j.aside, err)
				}
			}
		}
		return rec, nil
	case j.aside != "" || j.upgrade():
		if _, err := os.Lstat(j.aside); j.aside != "" && err == nil {
			CrashPoint("swapback-before")
			if err := rmtree.RemoveAll(p); err != nil {
				return rec, fmt.Errorf("failed to remove the half-made install %q: %w; close programs that use it and run onboard again", p, err)
			}
			if err := os.Rename(j.aside, p); err != nil {
				return rec, fmt.Errorf("failed to put the old install back from %q to %q: %w", j.aside, p, err)
			}
			atomicfile.SyncDir(filepath.Dir(p))
			CrashPoint("swapback-after")
		}
		unregisterGone(j.head.envList(), p)
		// Else the move aside never happened (and nothing was written
		// yet), or the swap back did: the prefix holds the old install.
	case j.head.Created != "":
		if err := rmtree.RemoveAll(j.head.Created); err != nil {
			return rec, fmt.Errorf("failed to remove the half-made install %q: %w; close programs that use it and run onboard again", p, err)
		}
		atomicfile.SyncDir(filepath.Dir(j.head.Created))
		unregisterFresh(j.head.envList(), p, j.head.NewConda)
	default:
		keep := map[string]bool{}
		for _, n := range j.head.Before {
			keep[n] = true
		}
		ents, _ := os.ReadDir(p)
		for _, e := range ents {
			if !keep[e.Name()] {
				if err := rmtree.RemoveAll(filepath.Join(p, e.Name())); err != nil {
					return rec, fmt.Errorf("failed to remove the half-made install in %q: %w", p, err)
				}
			}
		}
		atomicfile.SyncDir(p)
		unregisterFresh(j.head.envList(), p, j.head.NewConda)
	}
	return rec, nil
}

// upgrade reports whether the prefix held an install when the journal
// began: then it is put back, never emptied.
func (j *OpJournal) upgrade() bool { return j.head.Upgrade() }

// Upgrade reports whether the prefix held an install when the journal began.
func (h OpHead) Upgrade() bool {
	for _, n := range h.Before {
		if n == state.DirName {
			return true
		}
	}
	return false
}

// unregisterFresh removes a rolled-back fresh install from the conda
// registry txt ("" = none), where its envs were added as they were made.
func unregisterFresh(txt, p string, made []string) {
	if txt != "" {
		_, _ = prefix.Unregister(txt, p)
	}
	// What the install made of them goes when left empty: the file, then
	// its folder (os.Remove leaves a folder that holds anything).
	for _, m := range slices.Backward(made) {
		if fi, err := os.Lstat(m); err == nil && (fi.IsDir() || fi.Mode().IsRegular() && fi.Size() == 0) {
			os.Remove(m)
		}
	}
}

// unregisterGone removes from the conda registry txt ("" = none) the envs
// under p that are not there (any more): those of a rolled-back upgrade
// that the old install does not have.
func unregisterGone(txt, p string) {
	if txt == "" {
		return
	}
	data, err := os.ReadFile(txt)
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		env := strings.TrimSpace(line)
		if env == "" || !IsInside(env, p) {
			continue
		}
		if _, err := os.Stat(filepath.Join(env, "conda-meta")); errors.Is(err, fs.ErrNotExist) {
			_, _ = prefix.Unregister(txt, env)
		}
	}
}

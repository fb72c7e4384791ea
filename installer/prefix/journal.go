package prefix

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"onboard/internal/atomicfile"
	"onboard/internal/rmtree"
)

// JournalName is the journal's file name inside the state folder
// (PREFIX/.onboard). It exists only while a transaction runs.
const JournalName = "journal.json"

// Journal records, before each change, what a transaction is about to do to
// a prefix, so that Rollback (or Recover after a crash) can undo it: paths
// it creates are removed, folders it creates are removed when empty, files
// it replaces are moved aside into a backup folder and put back, and a
// prefix it created is removed entirely.
//
// The file is JSON lines: a header object then one object per action, each
// written with one write before the change it announces.
type Journal struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	backups string
	nBackup int
	head    journalHead
	// moved are the folders that renames by MoveAside changed since the
	// last synced batch: synced with it, so that a move aside is durable
	// before the file that replaces it is written.
	moved map[string]bool
}

type journalHead struct {
	Version     int    `json:"journal"`
	Root        string `json:"root"`
	CreatedRoot bool   `json:"created_root"`
	// KeepRoot: the root is new but not this transaction's to remove
	// (RootNew): a rollback empties it, but for the state folder.
	KeepRoot bool   `json:"keep_root,omitempty"`
	PID      int    `json:"pid"`
	Started  string `json:"started"`
}

// RootMode says what a transaction's root was when it began.
type RootMode int

const (
	// RootExisted: the root was there before; every line that changes
	// it is synced, and a rollback undoes each change.
	RootExisted RootMode = iota
	// RootCreated: this transaction created the root; lines that only
	// create things in it need no sync, since a rollback (even after a
	// power cut) removes the root whole.
	RootCreated
	// RootNew: the caller made the root for this transaction, holding
	// nothing but the state folder, and rolls its own operation back (an
	// install's whole-operation journal). Lines need no sync, as with
	// RootCreated; a rollback empties the root, but for the state
	// folder, and leaves the folder itself, which may have been there
	// before (an empty folder the user chose), to the caller.
	RootNew
)

type journalAct struct {
	Op     string   `json:"op"` // mkdir, create, aside, tmpdir
	Paths  []string `json:"paths,omitempty"`
	Backup string   `json:"backup,omitempty"`
}

// ErrJournalExists is returned by Begin when an earlier transaction left a
// journal: Recover it first.
var ErrJournalExists = errors.New("an interrupted transaction left a journal")

// Begin starts a journal in stateDir for changes under root, which was as
// mode says.
func Begin(stateDir, root string, mode RootMode) (*Journal, error) {
	createdRoot := mode != RootExisted
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, fmt.Errorf("failed to create the state folder %q: %w", stateDir, err)
	}
	p := filepath.Join(stateDir, JournalName)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("failed to start a transaction in %q: %w; repair the install to roll it back", root, ErrJournalExists)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to create the journal %q: %w", p, err)
	}
	// Backups with no journal are what a crash in Commit, after the commit
	// point, left behind: nothing refers to them any more.
	if err := rmtree.RemoveAll(filepath.Join(stateDir, "backup")); err != nil {
		f.Close()
		os.Remove(p)
		return nil, fmt.Errorf("failed to clear old backups in %q: %w", stateDir, err)
	}
	j := &Journal{f: f, path: p, backups: filepath.Join(stateDir, "backup"),
		head: journalHead{Version: 1, Root: root, CreatedRoot: createdRoot, KeepRoot: mode == RootNew, PID: os.Getpid(),
			Started: time.Now().UTC().Format(time.RFC3339)}}
	if err := j.writeLine(j.head); err != nil {
		f.Close()
		os.Remove(p)
		return nil, err
	}
	if createdRoot {
		// Durable now: what comes inside the root is then never synced
		// (recordSync), since a rollback removes the whole root anyway.
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(p)
			return nil, fmt.Errorf("failed to write the journal %q: %w", p, err)
		}
		atomicfile.SyncDir(stateDir)
	}
	return j, nil
}

// Root returns the folder the journal's changes are under.
func (j *Journal) Root() string { return j.head.Root }

// CreatedRoot reports whether this transaction created the root.
func (j *Journal) CreatedRoot() bool { return j.head.CreatedRoot }

func (j *Journal) writeLine(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("failed to write the journal %q: %w", j.path, err)
	}
	return nil
}

func (j *Journal) record(a journalAct) error { return j.recordSync(a, true) }

// recordSync appends a to the journal, syncing it to disk when sync is set.
func (j *Journal) recordSync(a journalAct, sync bool) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return fmt.Errorf("the journal %q is closed", j.path)
	}
	if err := j.writeLine(a); err != nil {
		return err
	}
	// On disk before the change it announces, so that even a power cut
	// leaves what a rollback needs. Callers batch paths, so this is one
	// sync per batch, not per file. Moves aside come one per file and are
	// synced by the next batch, which the linker writes before it links.
	if !sync || len(j.moved) == 0 && j.insideCreatedRoot(a) {
		return nil
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("failed to write the journal %q: %w", j.path, err)
	}
	for d := range j.moved {
		atomicfile.SyncDir(d)
	}
	clear(j.moved)
	return nil
}

// insideCreatedRoot reports whether a only creates things inside a root
// this transaction created: a rollback, even after a power cut, removes
// the whole root (its head, synced by Begin, says so), so such a line
// needs no sync of its own. A new prefix's files are journaled a package
// at a time; at 320,000 files syncing each batch cost more system time
// than the rest of the install's writes.
func (j *Journal) insideCreatedRoot(a journalAct) bool {
	if !j.head.CreatedRoot || j.head.Root == "" {
		return false
	}
	switch a.Op {
	case "create", "mkdir", "tmpdir":
	default:
		return false
	}
	for _, p := range a.Paths {
		if !within(p, j.head.Root) {
			return false
		}
	}
	return true
}

// within reports whether the absolute path p is root or below it.
func within(p, root string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// WillCreate records files or symlinks about to be created (absolute host
// paths). A rollback removes them.
func (j *Journal) WillCreate(paths ...string) error {
	if len(paths) == 0 {
		return nil
	}
	return j.record(journalAct{Op: "create", Paths: paths})
}

// WillMkdir records folders about to be created, parents first. A rollback
// removes them, deepest first, when empty.
func (j *Journal) WillMkdir(dirs ...string) error {
	if len(dirs) == 0 {
		return nil
	}
	return j.record(journalAct{Op: "mkdir", Paths: dirs})
}

// WillMake records, with one sync to disk, folders about to be created
// (parents first) and files about to be created in them: WillMkdir then
// WillCreate in one batch. Files go in lines of at most createBatch paths.
func (j *Journal) WillMake(dirs, files []string) error {
	var acts []journalAct
	if len(dirs) > 0 {
		acts = append(acts, journalAct{Op: "mkdir", Paths: dirs})
	}
	for len(files) > 0 {
		n := min(len(files), createBatch)
		acts = append(acts, journalAct{Op: "create", Paths: files[:n]})
		files = files[n:]
	}
	for i, a := range acts {
		if err := j.recordSync(a, i == len(acts)-1); err != nil {
			return err
		}
	}
	return nil
}

// createBatch is the most paths WillMake puts on one line (the cap of a
// line, maxJournalLine, holds a few thousand long paths).
const createBatch = 2048

// TempDir records a scratch folder that a rollback removes with everything
// in it.
func (j *Journal) TempDir(dir string) error {
	return j.record(journalAct{Op: "tmpdir", Paths: []string{dir}})
}

// MoveAside moves the existing path into the journal's backup folder, so
// that the transaction can create a new one; a rollback puts it back.
func (j *Journal) MoveAside(path string) error {
	b, err := j.nextBackup()
	if err != nil {
		return err
	}
	if err := j.recordSync(journalAct{Op: "aside", Paths: []string{path}, Backup: b}, false); err != nil {
		return err
	}
	if err := os.Rename(path, b); err != nil {
		return fmt.Errorf("failed to move %q aside: %w", path, err)
	}
	j.mu.Lock()
	if j.moved == nil {
		j.moved = map[string]bool{}
	}
	j.moved[filepath.Dir(path)], j.moved[j.backups] = true, true
	j.mu.Unlock()
	return nil
}

// Preserve copies the existing file path into the backup folder before the
// transaction changes it in place (e.g. appends to it); a rollback puts the
// copy back. A missing path is recorded as created instead.
func (j *Journal) Preserve(path string) error {
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		// a file's place (a record's, history's) taken by a folder
		return &InTheWayError{Op: "back up", Path: path, Dir: true}
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return j.WillCreate(path)
	}
	if err != nil {
		return fmt.Errorf("failed to back up %q: %w", path, err)
	}
	b, err := j.nextBackup()
	if err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("failed to back up %q: %w", path, err)
	}
	// Synced, with its folder (by record), before the change it backs up.
	if err := atomicfile.WriteFile(b, data, fi.Mode().Perm()); err != nil {
		return fmt.Errorf("failed to back up %q: %w", path, err)
	}
	j.mu.Lock()
	if j.moved == nil {
		j.moved = map[string]bool{}
	}
	j.moved[j.backups] = true
	j.mu.Unlock()
	return j.record(journalAct{Op: "aside", Paths: []string{path}, Backup: b})
}

func (j *Journal) nextBackup() (string, error) {
	j.mu.Lock()
	j.nBackup++
	n := j.nBackup
	j.mu.Unlock()
	if err := os.MkdirAll(j.backups, 0o755); err != nil {
		return "", fmt.Errorf("failed to create the backup folder %q: %w", j.backups, err)
	}
	return filepath.Join(j.backups, strconv.Itoa(n)), nil
}

// Commit ends the transaction. Removing the journal is the commit point:
// a crash before it rolls the transaction back, a crash after it leaves
// only stale backups, which the next Begin clears.
func (j *Journal) Commit() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	j.f.Close()
	j.f = nil
	if err := os.Remove(j.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("failed to remove the journal %q: %w", j.path, err)
	}
	// The commit point is durable before the backups go: a power cut
	// must not bring back a journal whose backups are gone.
	atomicfile.SyncDir(filepath.Dir(j.path))
	if err := rmtree.RemoveAll(j.backups); err != nil {
		return fmt.Errorf("failed to remove the backups %q: %w", j.backups, err)
	}
	return nil
}

// Rollback undoes every recorded change, newest first, then removes the
// root if this transaction created it, and the journal. It keeps going
// after a failure and returns the first one.
func (j *Journal) Rollback() error {
	j.mu.Lock()
	if j.f != nil {
		j.f.Close()
		j.f = nil
	}
	j.mu.Unlock()
	// The actions are read back from the journal itself (every line was
	// written before its change), so that memory does not grow with the
	// number of files of a transaction, and what is undone is exactly what
	// a Recover after a crash would undo.
	var acts []journalAct
	if f, err := os.Open(j.path); err == nil {
		_, acts = parseJournalFrom(f)
		f.Close()
	}
	return undo(j.head, acts, j.path, j.backups)
}

func undo(head journalHead, acts []journalAct, journal, backups string) error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	for i := len(acts) - 1; i >= 0; i-- {
		keep(undoAct(acts[i]))
	}
	switch {
	case head.CreatedRoot && head.KeepRoot && head.Root != "":
		keep(emptyRoot(head.Root, filepath.Dir(journal)))
	case head.CreatedRoot && head.Root != "":
		keep(rmtree.RemoveAll(head.Root))
	}
	rmtree.RemoveAll(backups)
	if err := os.Remove(journal); err != nil && !errors.Is(err, fs.ErrNotExist) {
		keep(err)
	}
	return first
}

// emptyRoot removes everything in root but the entry that holds
// stateDir, when stateDir is inside root.
func emptyRoot(root, stateDir string) error {
	ents, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to empty %q: %w", root, err)
	}
	keepName := ""
	if rel, err := filepath.Rel(root, stateDir); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		keepName, _, _ = strings.Cut(filepath.ToSlash(rel), "/")
	}
	var first error
	for _, e := range ents {
		if e.Name() == keepName {
			continue
		}
		if err := rmtree.RemoveAll(filepath.Join(root, e.Name())); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func undoAct(a journalAct) error {
	switch a.Op {
	case "create":
		for _, p := range a.Paths {
			if err := removeFile(p); err != nil {
				return err
			}
		}
	case "mkdir":
		for i := len(a.Paths) - 1; i >= 0; i-- {
			os.Remove(a.Paths[i]) // only when empty; a failure leaves it
		}
	case "tmpdir":
		return rmtree.RemoveAll(a.Paths[0])
	case "aside":
		if _, err := os.Lstat(a.Backup); err != nil {
			return nil // the move never happened
		}
		if err := removeFile(a.Paths[0]); err != nil {
			return err
		}
		if err := os.Rename(a.Backup, a.Paths[0]); err != nil {
			return fmt.Errorf("failed to put back %q: %w", a.Paths[0], err)
		}
	}
	return nil
}

// removeFile removes a file or symlink; a missing one is fine, and a
// folder is left alone.
func removeFile(p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil
	}
	if fi.IsDir() {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("failed to remove %q: %w", p, err)
	}
	return nil
}

// Recover rolls back the transaction whose journal is in stateDir, if any.
// It reports whether there was one. The caller holds the prefix lock.
func Recover(stateDir string) (bool, error) { return recoverJournal(stateDir, false) }

// RecoverInstalled is Recover for an install that is complete (its
// manifest is written last, after every env): a journal that would remove
// or empty the install's own folder as one it created is then not
// onboard's (only a fresh install's base has such a journal, and it ends
// before the manifest is written), and is refused.
func RecoverInstalled(stateDir string) (bool, error) { return recoverJournal(stateDir, true) }

func recoverJournal(stateDir string, installed bool) (bool, error) {
	p := filepath.Join(stateDir, JournalName)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("failed to read the journal %q: %w", p, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxJournal {
		return false, fmt.Errorf("the journal %q is %d bytes, more than the %d a transaction writes; it is not onboard's: move it away and run again", p, st.Size(), int64(MaxJournal))
	}
	head, acts := parseJournalFrom(io.LimitReader(f, MaxJournal))
	if bad := outsideInstall(filepath.Dir(stateDir), head, acts); bad != "" {
		return false, fmt.Errorf("the journal %q names %q, outside the install %q, which no journal of onboard does; it is not onboard's: move it away and run again", p, bad, filepath.Dir(stateDir))
	}
	if base := filepath.Dir(stateDir); installed && head.CreatedRoot && withinResolved(head.Root, base, true) {
		return false, fmt.Errorf("the journal %q would remove the complete install %q as a folder it made, which no journal of onboard does once an install is complete; it is not onboard's: move it away and run again", p, base)
	}
	if err := undo(head, acts, p, filepath.Join(stateDir, "backup")); err != nil {
		return true, fmt.Errorf("failed to roll back the interrupted transaction of %q: %w", head.Root, err)
	}
	return true, nil
}

// outsideInstall returns a path of the journal that lies outside base,
// the install that holds the journal's state folder ("" when none does).
// Every path a transaction journals is in the install (the env it
// changes, the backups in the state folder), so a journal that names
// another is not one onboard wrote (a package installed later with conda
// may write any file of the prefix), and undoing it could delete or
// replace the user's files.
func outsideInstall(base string, head journalHead, acts []journalAct) string {
	if head.Root != "" && !withinResolved(base, head.Root, true) {
		return head.Root
	}
	for _, a := range acts {
		for _, p := range append(slices.Clip(a.Paths), a.Backup) {
			if p != "" && !withinResolved(base, p, false) {
				return p
			}
		}
	}
	return ""
}

// withinResolved tells whether p is base or inside it where it really is:
// once the symlinks of both are resolved, so that a path spelled inside
// the install but through a link leading out of it (PREFIX/lib/x with
// lib -> /home/user) is outside. follow resolves p's last part too (a
// folder the undo empties); otherwise only its folder is resolved, as
// the undo removes or renames the entry itself, a link included.
func withinResolved(base, p string, follow bool) bool {
	if !filepath.IsAbs(p) {
		return false
	}
	rb, err := filepath.EvalSymlinks(base)
	if err != nil {
		return false
	}
	q, rest := filepath.Clean(p), ""
	if !follow {
		if q == filepath.Clean(base) {
			return true
		}
		q, rest = filepath.Dir(q), filepath.Base(q)
	}
	for {
		if r, err := filepath.EvalSymlinks(q); err == nil {
			return within(filepath.Join(r, rest), rb)
		}
		up := filepath.Dir(q)
		if up == q {
			return false
		}
		q, rest = up, filepath.Join(filepath.Base(q), rest)
	}
}

// parseJournal reads the header and actions; a torn last line (a crash
// mid-write) is ignored.
func parseJournal(data []byte) (journalHead, []journalAct) {
	return parseJournalFrom(bytes.NewReader(data))
}

// Caps of the journal: its size (a transaction of a million files writes
// a few hundred megabytes) and one line (a batch of 2,048 paths).
const (
	MaxJournal     = 2 << 30
	maxJournalLine = 64 << 20
)

// parseJournalFrom reads a journal as a stream, line by line.
func parseJournalFrom(r io.Reader) (journalHead, []journalAct) {
	var head journalHead
	var acts []journalAct
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxJournalLine)
	first := true
	for sc.Scan() {
		line := sc.Bytes()
		if first {
			first = false
			_ = json.Unmarshal(line, &head)
			continue
		}
		var a journalAct
		if json.Unmarshal(line, &a) == nil && a.Op != "" && len(a.Paths) > 0 {
			acts = append(acts, a)
		}
	}
	return head, acts
}

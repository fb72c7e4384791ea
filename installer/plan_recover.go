package installer

import (
	"onboard/installer/state"

	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"onboard/installer/engine"
	"onboard/platform"
)

// afterRecovery is the folder as Recover would leave it, foreseen from
// the journals without acting on them: a plan is of that folder, since
// Install recovers first.
type afterRecovery struct {
	op     string // the interrupted operation Recover would undo or finish; "" = none
	finish bool   // it would be finished, not rolled back
	prefix string
	// root is the folder that will hold the install: the prefix, the old
	// install that an interrupted upgrade moved aside (it goes back), or
	// "" for none.
	root   string
	gone   bool     // the prefix will not exist
	before []string // non-nil: the prefix will hold only these names (a fresh install rolled back)
}

// predictRecovery reads what an interrupted run left on prefixDir, as
// recoverOp and Recover would find it, and says what they would leave.
func predictRecovery(prefixDir string) afterRecovery {
	a := afterRecovery{prefix: prefixDir, root: prefixDir}
	if head, aside, phase, ok := readOpJournal(prefixDir); ok {
		a.op = head.Op
		switch {
		case phase == phaseUnreadable:
			// the folder as it is
		case head.Op == "uninstall":
			a.root, a.gone, a.finish = "", true, true
		case phase == "finish":
			a.finish = true // the new install was complete: it stays
		case aside != "" || head.Upgrade():
			if _, err := os.Lstat(aside); aside != "" && err == nil {
				a.root = aside // the old install goes back
			}
		case head.Created != "":
			a.root, a.gone = "", true
		default:
			a.root, a.before = "", slices.Clone(head.Before)
			if a.before == nil {
				a.before = []string{}
			}
		}
	}
	if a.op == "" && a.root != "" && engine.HasJournal(a.root) {
		a.op = "operation" // a repair or env install inside the prefix: rolled back, the install stays
	}
	return a
}

// phaseUnreadable stands for the phase of a journal that could not be read.
const phaseUnreadable = "(unreadable)"

// readOpJournal reads the journal of an install or uninstall of prefixDir
// (beside it, or inside an empty folder made for it), without locking it;
// ok is false when there is none, or one that recovery would only delete.
func readOpJournal(prefixDir string) (head engine.OpHead, aside, phase string, ok bool) {
	p := state.OpJournalPath(prefixDir)
	if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
		p = state.OpJournalInsidePath(prefixDir)
		if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
			return head, "", "", false
		}
	}
	f, err := os.Open(p)
	if err != nil {
		// unreadable (another onboard holds it, on Windows): planned on
		// the folder as it is; Install finds out under the lock
		return engine.OpHead{Op: "install", Prefix: prefixDir}, "", phaseUnreadable, true
	}
	defer f.Close()
	head, aside, phase = engine.ReadOp(io.LimitReader(f, 64<<20))
	if head.Op == "" || filepath.Clean(head.Prefix) != filepath.Clean(prefixDir) {
		return head, "", "", false
	}
	return head, aside, phase, true
}

// recoverNote says what Install will first do about an interrupted run.
func recoverNote(a afterRecovery) string {
	switch {
	case a.op == "uninstall":
		return "the last uninstall of this folder was interrupted; Install first finishes it"
	case a.op == "install" && a.finish:
		return "the last install into this folder was interrupted after it was complete; Install first finishes it"
	case a.op == "install":
		return "the last install into this folder was interrupted; Install first rolls it back"
	}
	return "the last repair or environment install here was interrupted; Install first rolls it back"
}

// facts turns the folder's facts now into those after the recovery.
func (a afterRecovery) facts(f platform.PrefixFacts) platform.PrefixFacts {
	switch {
	case a.gone:
		f.Exists, f.IsDir, f.Entries = false, false, nil
	case a.before != nil:
		f.Exists, f.IsDir, f.Entries = true, true, a.before
	case a.root != "" && a.root != a.prefix:
		f.Exists, f.IsDir, f.Entries = true, true, platform.FolderEntries(a.root)
	}
	return f
}

// env answers the folder checks' "does PREFIX/x exist" as after the
// recovery; paths elsewhere are asked of the machine.
func (a afterRecovery) env(e platform.Env) platform.Env {
	exists := e.Exists
	e.Exists = func(p string) bool {
		rel, inside := cutPrefix(p, a.prefix)
		switch {
		case !inside || exists == nil:
			return exists != nil && exists(p)
		case a.gone:
			return false
		case a.before != nil:
			first := strings.TrimLeft(rel, `/\`)
			if i := strings.IndexAny(first, `/\`); i >= 0 {
				first = first[:i]
			}
			return slices.Contains(a.before, first) && exists(p)
		case a.root != "" && a.root != a.prefix:
			return exists(a.root + rel)
		}
		return exists(p)
	}
	return e
}

// cutPrefix returns p's part after dir ("" for dir itself, else starting
// with a separator) and whether p is dir or inside it.
func cutPrefix(p, dir string) (string, bool) {
	if p == dir {
		return "", true
	}
	rest, ok := strings.CutPrefix(p, dir)
	if ok && rest != "" && (rest[0] == '/' || rest[0] == '\\') {
		return rest, true
	}
	return "", false
}

package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"onboard/installer/prefix"
	"onboard/installer/state"
)

// Recover puts right what an install, upgrade, uninstall or repair killed
// part-way (power cut, kill -9) left behind, and reports whether there was
// anything. An install or uninstall is journaled beside the prefix
// (opjournal.go): an install is rolled back (a fresh one leaves the folder
// absent or as empty as it was, an upgrade puts the old install back and
// removes the PREFIX.onboard-old-<n> folder), or finished when its new
// prefix was complete; an uninstall that had started deleting is finished.
// A repair or env install journaled in PREFIX/.onboard/journal.json is
// rolled back under the prefix lock. Call it first in every command that
// takes a prefix; it costs two stats when there is nothing to do.
func Recover(ctx context.Context, prefixDir string, logf Logf) (bool, error) {
	r, err := RecoverOutcome(ctx, prefixDir, logf)
	return r.Op != "", err
}

// RecoverOutcome is Recover, saying what was interrupted and whether it
// was rolled back or finished. It is the one recovery of every entry point
// (Install, InstallEnv, Verify, Repair, Uninstall, and `onboard launch`),
// and it logs one line, Recovered.Message, when it found anything.
func RecoverOutcome(ctx context.Context, prefixDir string, logf Logf) (Recovered, error) {
	logf = LogfOrNop(logf)
	if err := ctx.Err(); err != nil {
		return Recovered{}, err
	}
	if prefixDir == "" {
		return Recovered{}, nil
	}
	if abs, err := filepath.Abs(prefixDir); err == nil {
		prefixDir = abs
	}
	rec, err := recoverAll(prefixDir, logf)
	if err != nil {
		return rec, err // it says what failed: not rolled back, nor finished
	}
	if m := rec.Message(); m != "" {
		logf("recover: %s (%s)", m, prefixDir)
	}
	return rec, nil
}

// recoverAll recovers the journal beside the prefix, then the one inside
// it under the prefix lock.
func recoverAll(prefixDir string, logf Logf) (Recovered, error) {
	if !MayModify(prefixDir) && !isFile(state.OpJournalInsidePath(prefixDir)) {
		// a shared install: only an administrator may roll it back. (A
		// journal inside the prefix folder is this user's: a fresh install
		// into a folder an administrator made for them keeps it there.)
		return Recovered{Pending: HasJournal(prefixDir)}, nil
	}
	rec, err := recoverOp(prefixDir, logf)
	if err != nil {
		return rec, err
	}
	if !HasJournal(prefixDir) {
		return rec, nil
	}
	unlock, err := LockForMaintenance(prefixDir, "recover")
	if err != nil {
		return rec, err
	}
	defer unlock()
	inside, err := RecoverLocked(state.Dir(prefixDir))
	if rec.Op == "" {
		rec = inside
	}
	return rec, err
}

// RecoverLocked rolls back the journal of a transaction inside a prefix
// (a repair, an env install) in stateDir; the caller holds the lock of
// that state folder.
func RecoverLocked(stateDir string) (Recovered, error) {
	recover := prefix.Recover
	if isFile(filepath.Join(stateDir, state.ManifestName)) {
		recover = prefix.RecoverInstalled
	}
	done, err := recover(stateDir)
	if done {
		return Recovered{Op: "operation"}, err
	}
	return Recovered{}, err
}

func isFile(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.Mode().IsRegular()
}

// HasJournal tells whether the prefix holds the journal of an operation
// inside it (a repair, an env install) that was not finished.
func HasJournal(prefixDir string) bool {
	// Only one that is there, or that this user may not see in a prefix
	// it can reach: a prefix under a file (ENOTDIR) or with too long a
	// name has none, and one this user cannot reach at all (a folder of
	// another's, 0700) says nothing of one: it was taken for an
	// interrupted operation waiting for an administrator.
	_, err := os.Stat(state.JournalPath(prefixDir))
	if errors.Is(err, fs.ErrPermission) {
		_, perr := os.Stat(prefixDir)
		return perr == nil
	}
	return err == nil
}

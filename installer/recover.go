package installer

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
// was rolled back or finished (Recovered.Message says it to a person).
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
	if !mayModify(prefixDir) {
		// a shared install: only an administrator may roll it back
		if hasJournal(prefixDir) {
			logf("recover: an interrupted operation on %q waits for an administrator to roll it back (run onboard verify or repair as one)", prefixDir)
		}
		return Recovered{}, nil
	}
	rec, err := recoverOp(prefixDir, logf)
	if err != nil {
		return rec, err
	}
	if !hasJournal(prefixDir) {
		return rec, nil
	}
	unlock, err := lockForMaintenance(prefixDir)
	if err != nil {
		return rec, err
	}
	defer unlock()
	done, err := recoverLocked(prefixDir, logf)
	if done && rec.Op == "" {
		rec.Op = "operation"
	}
	return rec, err
}

// recoverLocked rolls back a journal; the caller holds the prefix lock.
func recoverLocked(prefixDir string, logf Logf) (bool, error) {
	done, err := prefix.Recover(state.Dir(prefixDir))
	if err != nil {
		return done, err
	}
	if done {
		logf("recover: the last operation on %q was interrupted; it was rolled back", prefixDir)
	}
	return done, nil
}

// hasJournal tells whether the prefix holds the journal of an operation
// inside it (a repair, an env install) that was not finished.
func hasJournal(prefixDir string) bool {
	_, err := os.Stat(state.JournalPath(prefixDir))
	return !errors.Is(err, fs.ErrNotExist)
}

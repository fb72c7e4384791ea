package installer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"onboard/installer/prefix"
)

// stateRel is onboard's own folder in a prefix.
const stateRel = ".onboard"

// Recover finishes what an install, upgrade or repair killed part-way
// (power cut, kill -9) left behind: when PREFIX/.onboard/journal.json
// exists it rolls the transaction back under the prefix lock, so the
// prefix is as it was before that run (or gone, if that run created it).
// It reports whether there was anything to recover. Call it first in every
// command that takes a prefix; it costs one stat when there is nothing to do.
func Recover(ctx context.Context, prefixDir string, logf Logf) (bool, error) {
	logf = LogfOrNop(logf)
	state := filepath.Join(prefixDir, stateRel)
	if _, err := os.Stat(filepath.Join(state, prefix.JournalName)); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !mayModify(prefixDir) {
		// a shared install: only an administrator may roll it back
		logf("recover: an interrupted operation on %q waits for an administrator to roll it back (run onboard verify or repair as one)", prefixDir)
		return false, nil
	}
	unlock, err := lockForMaintenance(prefixDir)
	if err != nil {
		return false, err
	}
	defer unlock()
	return recoverLocked(prefixDir, logf)
}

// recoverLocked rolls back a journal; the caller holds the prefix lock.
func recoverLocked(prefixDir string, logf Logf) (bool, error) {
	done, err := prefix.Recover(filepath.Join(prefixDir, stateRel))
	if err != nil {
		return done, err
	}
	if done {
		logf("recover: rolled back an interrupted operation on %q", prefixDir)
	}
	return done, nil
}

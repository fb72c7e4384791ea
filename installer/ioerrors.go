package installer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"onboard/installer/engine"
)

// targetCause names an OS error that means the install location cannot
// take the install, with what to do about it.
type targetCause struct {
	is     func(error) bool
	reason string
	advice string
}

var targetCauses = []targetCause{
	{engine.IsDiskFull, "the disk became full", "free some space and try again, or choose a folder on another disk"},
	{engine.IsReadOnlyFS, "the disk is read-only", "choose a folder on a writable disk"},
	// a package's path longer than its bundle.json said (an older
	// bundle, a package swapped in): the plan's check could not see it
	{func(err error) bool { return errors.Is(err, syscall.ENAMETOOLONG) }, "a path of the install is longer than this system allows",
		"choose a shorter install folder"},
	{func(err error) bool { return errors.Is(err, fs.ErrPermission) }, "permission was denied",
		"choose a folder of your own, or run the installer as an administrator for an all-users install"},
}

// asTargetError turns an error caused by the install location (disk full,
// read-only, permission denied) into a *TargetError (exit code 4) that says
// so; other errors are returned as they are. The install has been rolled
// back by then, so the message can say so: kept is what it left ("nothing
// of the install was kept", or for an upgrade the version installed as
// before).
func asTargetError(prefixDir string, err error, kept string) error {
	if err == nil || isTyped(err) {
		return err
	}
	for _, c := range targetCauses {
		if c.is(err) {
			return &TargetError{Path: prefixDir, Reason: c.reason + "; " + kept, Advice: c.advice, Err: err,
				Detail: osDetail(err)}
		}
	}
	return err
}

// osDetail is the system call that failed under err, on what path, and
// why: `write "/p/envs/team/conda-meta/history": no space left on
// device`, without the steps around it (the install log has them); "" when
// err holds none.
func osDetail(err error) string {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return fmt.Sprintf("%s %q: %v", pe.Op, shortPath(pe.Path), pe.Err)
	case errors.As(err, &le):
		return fmt.Sprintf("%s %q to %q: %v", le.Op, shortPath(le.Old), shortPath(le.New), le.Err)
	}
	return ""
}

// shortPath keeps a path of a message readable: one of thousands of
// bytes (the path too long for the system) shows its start and its end.
func shortPath(p string) string {
	if len(p) <= 300 {
		return p
	}
	return p[:150] + "…" + p[len(p)-100:]
}

// isTyped tells whether err already carries one of the typed errors.
func isTyped(err error) bool {
	var (
		te *TargetError
		be *BundleError
		le *LockedError
		pe *PlatformError
		oe *OldSystemError
		ue *UsageError
	)
	return errors.As(err, &te) || errors.As(err, &be) || errors.As(err, &le) || errors.As(err, &pe) || errors.As(err, &oe) || errors.As(err, &ue)
}

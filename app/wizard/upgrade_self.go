package wizard

import (
	"fmt"
	"os"

	"onboard/installer/state"
	"onboard/internal/selfexe"
)

// Relocation is the running maintenance app moved out of its install for
// an upgrade. An upgrade moves the install aside (PREFIX.onboard-old-<n>),
// which Windows refuses while a program runs from it (NTFS does not rename
// a folder with open files below it; Wine 8 does, but then cannot delete
// the old install's running program), so the program renames its own file
// out first (selfexe.Leave) and carries on from there.
type Relocation struct {
	From string // where the program was: PREFIX/.onboard/onboard[.exe]
	To   string // where it runs from now; == From when nothing moved
}

// LeaveForUpgrade moves the running program self out of the install at
// prefix when must(self, prefix) says it has to (selfexe.MustLeaveDir: on
// Windows, when it runs from inside the prefix). The returned Relocation
// says where it is now; Finish ends it after the upgrade.
func LeaveForUpgrade(self, prefix string, must func(exe, dir string) bool) (*Relocation, error) {
	// by its name in the install, when started by another spelling of it
	// (C:\Program Files for C:\PROGRA~1), or as the installer whose hard
	// link the maintenance app is (selfexe.NameIn)
	self = selfexe.NameIn(self, prefix, state.AppPath(prefix))
	r := &Relocation{From: self, To: self}
	if must == nil || !must(self, prefix) {
		return r, nil
	}
	to, err := selfexe.Leave(self, prefix)
	if err != nil {
		return nil, &LeaveError{Err: err}
	}
	r.To = to
	return r, nil
}

// LeaveError is a maintenance app that could not move its own file out of
// the install it is to upgrade (a virus scanner or another program holds
// it, or the folders around are read-only).
type LeaveError struct{ Err error }

func (e *LeaveError) Error() string { return e.Err.Error() }

func (e *LeaveError) Unwrap() error { return e.Err }

// Hint says what to do.
func (e *LeaveError) Hint() string {
	return "close this window and run the new installer itself (for a bundle .zip: onboard install --bundle FILE, with an onboard that is not inside the install): it upgrades the install from outside it"
}

// Moved tells whether the program was moved.
func (r *Relocation) Moved() bool { return r.To != r.From }

// Finish ends the relocation once the upgrade has run. When the upgrade put
// a new maintenance app in place (it succeeded), this program's moved file
// is deleted as the program exits, and To stays where the program runs
// from; otherwise (it failed and the old install was put back, or it had
// nothing to do) the file goes back where it was, and To is From again.
func (r *Relocation) Finish() error {
	if !r.Moved() {
		return nil
	}
	if _, err := os.Stat(r.From); err == nil {
		selfexe.RemoveAtExit(r.To)
		return nil
	}
	if err := selfexe.Return(r.To, r.From); err != nil {
		return fmt.Errorf("%w; copy it there by hand", err)
	}
	r.To = r.From
	return nil
}

package uninstall

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"onboard/installer/engine"
	"onboard/internal/rmtree"
	"onboard/internal/selfexe"
)

// executable and mustLeave are selfexe.Executable (os.Executable, or where
// an upgrade moved this program) and selfexe.MustLeaveDir; tests replace
// them to take Windows' way on any system.
var (
	executable = selfexe.Executable
	mustLeave  = selfexe.MustLeaveDir
)

// removeAroundRunningProgram deletes the prefix that this program runs from
// (the maintenance app, PREFIX\.onboard\onboard.exe) where a running
// program's file cannot be deleted (Windows). It moves its own file out of
// the prefix first (selfexe.Leave: to the temp folder, or beside the
// prefix), so the prefix goes at once and whole; the moved file is deleted
// once the program has exited (selfexe.RemoveAtExit; main calls
// selfexe.AtExit as it ends). When the file cannot be moved, everything
// else goes now and the prefix folder once the program has exited.
func removeAroundRunningProgram(abs, exe string, logf engine.Logf) error {
	moved, err := selfexe.Leave(exe, abs)
	if err != nil {
		logf("uninstall: %v; removing the rest now, and the folder once this program exits", err)
		// Every folder from the prefix down to the program keeps only the
		// way to it; what fails now is retried after exit.
		for dir := abs; selfexe.Inside(exe, dir) && dir != exe; {
			ents, err := os.ReadDir(dir)
			if err != nil {
				return fmt.Errorf("failed to list %q: %w", dir, err)
			}
			next := ""
			for _, e := range ents {
				if p := filepath.Join(dir, e.Name()); selfexe.Inside(exe, p) {
					next = p
				} else {
					rmtree.RemoveAll(p)
				}
			}
			if next == "" {
				break
			}
			dir = next
		}
		selfexe.RemoveAtExit(abs)
		return nil
	}
	selfexe.RemoveAtExit(moved)
	if err := rmtree.RemoveAll(abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
		selfexe.RemoveAtExit(abs)
		return fmt.Errorf("failed to remove %q: %w; it is tried again for two minutes after this program exits: close the programs that use files in it", abs, err)
	}
	logf("uninstall: removed %q; this program, which ran from it, is deleted from %q as it exits", abs, moved)
	return nil
}

package installer

import (
	"os"
	"runtime"

	"onboard/installer/bundle"
	"onboard/installer/engine"
)

// The maintenance app must be the program that ran the install, and the
// bundle kept for repairs the bundle it installed (audit AH): an installer
// or a bundle.zip replaced on disk while the install ran (in a download
// folder others may write, for an install for all users) was copied in
// their place, and the maintenance app then ran with the install's rights
// from Apps & features, the Maintenance launcher and every repair. Both
// are carried by their path (a hard link keeps a bundle of gigabytes from
// being copied), so what was carried is checked against what ran and what
// was read.

// runningProgram names the file the system runs this program from,
// whatever its path names now: /proc/self/exe on Linux; "" elsewhere,
// where its path is all there is.
var runningProgram = func() string {
	if runtime.GOOS == "linux" {
		return "/proc/self/exe"
	}
	return ""
}

// replacedAdvice is what to do about an installer changed while it ran.
const replacedAdvice = "run the installer again, from a folder only you (or the administrators) may change"

// programAtStart identifies the program the install will copy as the
// maintenance app from src, as the install begins: the running program
// itself where the system names it (src must still be it), else src.
func programAtStart(src string) (bundle.ProgramSum, error) {
	from := src
	if img := runningProgram(); img != "" {
		// the program itself, not a test's stand-in for it
		if exe, err := os.Executable(); err == nil && exe == src {
			if !sameFile(src, img) {
				return bundle.ProgramSum{}, &BundleError{Path: src, Reason: "the installer's file was replaced while it ran (it is not the program running)", Advice: replacedAdvice}
			}
			from = img
		}
	}
	return bundle.SumProgram(from)
}

// checkMaintenance makes sure the maintenance app written at dst is the
// program identified as the install began (want), and, where it carries
// the bundle (an installer with its bundle appended), that bundle; it
// removes dst otherwise.
func (in *installRun) checkMaintenance(src, dst string, withBundle bool) error {
	if in.self == nil {
		return nil
	}
	got, err := bundle.SumProgram(dst)
	ok := err == nil && got == *in.self
	if ok && withBundle {
		ok = in.sameBundle(dst)
	}
	if ok {
		return nil
	}
	os.Remove(dst)
	return &BundleError{Path: src, Reason: "the installer's file changed while it ran: the maintenance app made from it is not the program (or the bundle) that installed", Advice: replacedAdvice}
}

// sameBundle tells whether the file at path holds the bundle this install
// read (engine.SameBundle).
func (in *installRun) sameBundle(path string) bool { return engine.SameBundle(path, in.o.Bundle) }

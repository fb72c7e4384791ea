//go:build !linux

package uninstall

import "onboard/installer/engine"

// stopProgramsUnder does nothing where onboard cannot list other users'
// processes by their executable: each user's own Jupyter server stops when
// that user's launcher or maintenance window asks (launch --stop).
func stopProgramsUnder(string, engine.Logf) {}

// RunningFrom lists nothing where onboard does not list processes by
// their executable.
func RunningFrom(string) []Program { return nil }

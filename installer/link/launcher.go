package link

import "fmt"

// WindowsLauncher returns the launcher executable written as
// Scripts/<cmd>.exe for entry points of Windows subdirs ("win-64",
// "win-32", "win-arm64"), or nil when none is available. It is
// internal/winlauncher cross-built for the subdir's architecture; the
// program's start-up sets it from the embedded assets so that this package
// does not import them. A package with Windows entry points fails with a
// clear error while it is nil or returns nil.
var WindowsLauncher func(subdir string) []byte

// launcherFor returns the launcher bytes for subdir from f (or
// WindowsLauncher when f is nil).
func launcherFor(f func(string) []byte, subdir string) ([]byte, error) {
	if f == nil {
		f = WindowsLauncher
	}
	var b []byte
	if f != nil {
		b = f(subdir)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("failed to write Windows entry points: this build of onboard carries no launcher for %s; build it with the Windows launchers (make assets)", subdir)
	}
	return b, nil
}

package link

import "fmt"

// launcherFor returns the Windows entry-point launcher for subdir from f
// (Options.Launcher): internal/winlauncher cross-built for the subdir's
// architecture, which the program supplies from its embedded assets so that
// this package does not import them. A package with Windows entry points
// fails with a clear error when f is nil or has no launcher for subdir.
func launcherFor(f func(string) []byte, subdir string) ([]byte, error) {
	var b []byte
	if f != nil {
		b = f(subdir)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("failed to write Windows entry points: this build of onboard carries no launcher for %s; build it with the Windows launchers (make winlaunchers)", subdir)
	}
	return b, nil
}

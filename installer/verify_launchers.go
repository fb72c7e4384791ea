package installer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// launchersRel is where Install records the launchers it created.
const launchersRel = ".onboard/launchers.json"

// checkLaunchers checks the launchers recorded in .onboard/launchers.json:
// each must exist and point at this prefix.
func (v *verifier) checkLaunchers() {
	path := filepath.Join(v.prefix, filepath.FromSlash(launchersRel))
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return
	}
	for _, p := range launcherProblems(v.prefix, path) {
		v.problem(p)
	}
}

// launcherProblems is set once the platform package exports how to check a
// launcher; until then launchers are not checked.
var launcherProblems = func(prefix, record string) []Problem { return nil }

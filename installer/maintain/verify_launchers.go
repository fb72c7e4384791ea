package maintain

import (
	"errors"
	"io/fs"
	"os"

	"onboard/installer/state"
	"onboard/platform"
)

// checkLaunchers checks the launchers, uninstall entry and shell blocks
// recorded in .onboard/launchers.json: each must exist and point at this
// prefix. No record means no launchers were made.
func (v *verifier) checkLaunchers() {
	path := state.LaunchersPath(v.prefix)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return
	}
	rec, err := platform.LoadRecord(path)
	if err != nil {
		v.problem(Problem{Env: BaseEnv, Path: state.Rel(state.LaunchersName), Kind: ProblemLauncher, Detail: err.Error()})
		return
	}
	for _, p := range platform.CheckInstalled(rec, v.prefix) {
		v.problem(Problem{Env: BaseEnv, Path: p.Path, Kind: ProblemLauncher, Detail: p.Message})
	}
}

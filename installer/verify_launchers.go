package installer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"onboard/installer/engine"
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

// removeLaunchers removes what .onboard/launchers.json records: launchers,
// the uninstall registry entry, shell set-up blocks.
func removeLaunchers(prefixDir string, logf engine.Logf) error {
	path := state.LaunchersPath(prefixDir)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	rec, err := platform.LoadRecord(path)
	if err != nil {
		return err
	}
	if err := platform.Remove(rec, platform.Logf(engine.LogfOrNop(logf))); err != nil {
		return fmt.Errorf("failed to remove the launchers: %w", err)
	}
	return nil
}

package installer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"onboard/platform"
)

// launchersRel is where Install records the launchers it created.
const launchersRel = ".onboard/launchers.json"

// checkLaunchers checks the launchers, uninstall entry and shell blocks
// recorded in .onboard/launchers.json: each must exist and point at this
// prefix. No record means no launchers were made.
func (v *verifier) checkLaunchers() {
	path := filepath.Join(v.prefix, filepath.FromSlash(launchersRel))
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return
	}
	rec, err := platform.LoadRecord(path)
	if err != nil {
		v.problem(Problem{Env: BaseEnv, Path: launchersRel, Kind: ProblemLauncher, Detail: err.Error()})
		return
	}
	for _, p := range platform.CheckInstalled(rec, v.prefix) {
		v.problem(Problem{Env: BaseEnv, Path: p.Path, Kind: ProblemLauncher, Detail: p.Message})
	}
}

// removeLaunchers removes what .onboard/launchers.json records: launchers,
// the uninstall registry entry, shell set-up blocks.
func removeLaunchers(prefixDir string, logf Logf) error {
	path := filepath.Join(prefixDir, filepath.FromSlash(launchersRel))
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	rec, err := platform.LoadRecord(path)
	if err != nil {
		return err
	}
	if err := platform.Remove(rec, platform.Logf(LogfOrNop(logf))); err != nil {
		return fmt.Errorf("failed to remove the launchers: %w", err)
	}
	return nil
}

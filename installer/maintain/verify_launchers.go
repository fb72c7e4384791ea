package maintain

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/engine"
	"onboard/installer/state"
	"onboard/platform"
)

// checkLaunchers checks the launchers, uninstall entry and shell blocks
// recorded in .onboard/launchers.json: each must exist and point at this
// prefix. No record means no launchers were made, unless the installed
// manifest says the install made some (state.Made): then the record was
// lost, and an uninstall would leave what it named behind (audit BM 7).
func (v *verifier) checkLaunchers() {
	path := state.LaunchersPath(v.prefix)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if v.man.KeepsLauncherRecord() {
			v.problem(Problem{Env: BaseEnv, Path: state.Rel(state.LaunchersName), Kind: ProblemLauncher,
				Detail: "the record of the launchers the install made is gone, so an uninstall would leave them behind; repair makes them and their record again"})
		}
		return
	}
	rec, err := platform.LoadRecord(path)
	if err != nil {
		v.problem(Problem{Env: BaseEnv, Path: state.Rel(state.LaunchersName), Kind: ProblemLauncher, Detail: err.Error()})
		return
	}
	prefix := v.prefix
	if engine.SamePath(rec.Prefix, v.prefix) {
		// made through another spelling of this folder: the launchers
		// name that one
		prefix = rec.Prefix
	}
	for _, p := range platform.CheckInstalled(rec, prefix) {
		v.problem(Problem{Env: BaseEnv, Path: p.Path, Kind: ProblemLauncher, Detail: p.Message})
	}
	v.checkLauncherCommands()
}

// checkLauncherCommands notes each of the bundle's launchers whose command
// is gone from its env while no problem names it: conda removed the package
// that had it (`conda remove jupyter`). That is the user's change, which
// repair leaves alone; but the launcher no longer starts, and the person
// reading the report should know before they click it. A command a damaged
// package lost is a problem of that package already, which repair puts back.
func (v *verifier) checkLauncherCommands() {
	if v.man == nil {
		return
	}
	reported := map[string]bool{}
	for _, p := range v.report.Problems {
		reported[p.Env+"\x00"+p.Path] = true
	}
	windows := strings.HasPrefix(v.man.Subdir, "win-")
	for _, l := range v.man.Launchers {
		if len(l.Command) == 0 {
			continue
		}
		env, dir := l.Env, filepath.Join(v.prefix, "envs", l.Env)
		if env == "" || env == BaseEnv {
			env, dir = BaseEnv, v.prefix
		}
		if !isDir(filepath.Join(dir, "conda-meta")) {
			continue // the env itself is missing: reported as such
		}
		progs := []string{l.Command[0]}
		if l.Command[0] == "jupyter" && len(l.Command) > 1 && !strings.HasPrefix(l.Command[1], "-") {
			// "jupyter notebook" runs jupyter-notebook, which another
			// package has (notebook; jupyter itself is jupyter_core's)
			progs = append(progs, "jupyter-"+l.Command[1])
		}
		for i, prog := range progs {
			rel := "bin/" + prog
			if windows {
				rel = "Scripts/" + strings.TrimSuffix(prog, ".exe") + ".exe"
			}
			removed := state.RemovedWithConda
			if i > 0 {
				// a subcommand's program the env may never have had (the
				// dispatcher runs "lab" itself): called removed only where
				// the install's executables or the package cache show a
				// removed package had it; any
				// conda change made the demo's working JupyterLab launcher
				// "no longer there", with advice to remove the env (audit BM 8)
				removed = func(dir, rel string) bool { return state.RemovedWithCondaKnown(v.prefix, dir, env, rel) }
			}
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err == nil || reported[env+"\x00"+rel] ||
				!removed(dir, rel) {
				continue // there, lost by a damaged package, or never a file of the env's packages
			}
			v.note("the launcher %q runs %s in %s, which is no longer there (removed with conda?): it will not start until the package that provides %s is installed there again; %s",
				l.Name, rel, env, prog, state.ReinstallAdvice(v.prefix, env, dir, rel))
			break
		}
	}
}

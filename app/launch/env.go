// Package launch starts Jupyter in an env of an install, as the launchers
// do (`onboard launch jupyter`): it checks the env, activates it the way
// `conda activate` would, starts Jupyter detached on a free loopback
// port with a random token, waits until it answers, records it in the
// user's state folder of the install (state.Server), and opens the
// browser. A second launch reuses a server that still answers.
//
// It runs the command the bundle's launcher names (`jupyter lab`, `jupyter
// notebook` of Notebook 6 with --NotebookApp.* options or of Notebook 7 with
// --ServerApp.*), adds --allow-root when running as root, and opens the URL
// the server reports in its runtime file (JUPYTER_RUNTIME_DIR, see
// RuntimeDir) or prints in its log.
package launch

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/internal/buildgui"
	"onboard/internal/capread"
	"onboard/internal/launchname"
)

// EnvError reports an env that cannot run Jupyter. Repair usually fixes it.
type EnvError struct {
	Prefix, Env string
	Reason      string
	What        string // what it cannot start: "" = Jupyter
	// Removed names the program no package of the env has any more
	// (its package was removed with conda): the user's change, which a
	// repair of the install leaves; "" when it is damage.
	Removed string
	// Gone says the env's folder is gone (removed with conda, or lost):
	// 'repair --env' puts it back.
	Gone bool
}

func (e *EnvError) Error() string {
	return fmt.Sprintf("the %s environment of %s cannot start %s: %s", envName(e.Env), e.Prefix, firstOr(e.What, "Jupyter"), e.Reason)
}

func firstOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Hint says what to do: a repair, of the env alone when its folder is
// gone (a repair of the whole install leaves an env removed with conda
// removed), and for a program whose package was removed with conda, that
// package installed again with conda (repair leaves the user's change).
func (e *EnvError) Hint() string {
	switch {
	case e.Removed != "":
		ep := EnvPrefix(e.Prefix, e.Env)
		rel, _ := filepath.Rel(ep, CommandExecutable(ep, e.Removed, runtime.GOOS))
		return fmt.Sprintf("no package of the %s environment has %s now: it was removed with conda, which repair leaves as your change; %s",
			envName(e.Env), e.Removed, state.ReinstallAdvice(e.Prefix, envName(e.Env), ep, filepath.ToSlash(rel)))
	case e.Gone:
		return fmt.Sprintf("Put the environment back: run %s", state.AppCommand(e.Prefix, "repair", "--prefix", e.Prefix, "--env", envName(e.Env)))
	}
	return fmt.Sprintf("Repair the install: %s, or run %s", repairIn(e.Prefix), state.RepairCommand(e.Prefix))
}

// repairIn says where a person repairs the whole install at prefix: the
// button of its maintenance window, or the menu of a build without
// windows, whose maintenance app is a menu in a terminal (audit BB 5).
func repairIn(prefix string) string {
	if buildgui.HasWindow {
		return "click Repair all in " + maintenanceOf(prefix)
	}
	return "choose Repair in " + maintenanceOf(prefix)
}

// maintenanceOf names the install at prefix's maintenance app as its
// shortcut and window do ("Onboard Demo Maintenance"), for a hint that
// sends a person there; "the install's maintenance window" when its
// manifest cannot be read.
func maintenanceOf(prefix string) string {
	if m, err := state.ReadManifest(prefix); err == nil && m.Name != "" {
		return launchname.Maintenance(m.Name)
	}
	return "the install's maintenance window"
}

// envName is the name activation shows: "base" for the prefix itself.
func envName(env string) string {
	if env == "" {
		return "base"
	}
	return env
}

// EnvPrefix is the folder of env in the install at prefix.
func EnvPrefix(prefix, env string) string {
	if env == "" || env == "base" {
		return prefix
	}
	return filepath.Join(prefix, "envs", env)
}

// Executable is where env's jupyter is: bin/jupyter, or
// Scripts\jupyter.exe on Windows.
func Executable(envPrefix, goos string) string { return CommandExecutable(envPrefix, "jupyter", goos) }

// HasJupyter tells whether env of the install at prefix has Jupyter: one
// of the bundle's launchers starts it there, or it has a jupyter program.
// A damaged launcher env, its jupyter lost, still has it (what to repair
// is said when it is started: audit AP 1).
func HasJupyter(prefix, env string, launchers []bundle.Launcher, goos string) bool {
	for _, l := range launchers {
		if l.Env == env || (l.Env == "" && env == "base") {
			return true
		}
	}
	_, err := os.Stat(Executable(EnvPrefix(prefix, env), goos))
	return err == nil
}

// Check reports why env of the install at prefix cannot start Jupyter.
func Check(prefix, env, goos string) error { return CheckCommand(prefix, env, "jupyter", goos) }

// pathDirs are the folders activation puts first on PATH, as conda's
// activate.py _get_path_dirs does.
func pathDirs(envPrefix, goos string) []string {
	if goos != "windows" {
		return []string{filepath.Join(envPrefix, "bin")}
	}
	j := func(p ...string) string { return strings.Join(append([]string{envPrefix}, p...), `\`) }
	return []string{envPrefix, j("Library", "mingw-w64", "bin"), j("Library", "usr", "bin"),
		j("Library", "bin"), j("Scripts"), j("bin")}
}

// Activate returns environ with env activated as `conda activate` does:
// its folders first on PATH, CONDA_PREFIX, CONDA_DEFAULT_ENV, CONDA_SHLVL=1
// and CONDA_PROMPT_MODIFIER; where the base has conda, condabin after them
// and CONDA_EXE, CONDA_PYTHON_EXE, as conda's shell hook has them; and the
// env's own variables (conda-meta/state). The env's activate.d scripts are run by
// RunActivateScripts.
func Activate(environ []string, envPrefix, env, goos string) []string {
	sep := ":"
	if goos == "windows" {
		sep = ";"
	}
	pathKey, oldPath := "PATH", ""
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.EqualFold(k, "PATH") {
			pathKey, oldPath = k, v
		}
	}
	path := strings.Join(pathDirs(envPrefix, goos), sep)
	if oldPath != "" {
		path += sep + oldPath
	}
	set := map[string]string{
		pathKey: path, "CONDA_PREFIX": envPrefix, "CONDA_DEFAULT_ENV": envName(env),
		"CONDA_SHLVL": "1", "CONDA_PROMPT_MODIFIER": "(" + envName(env) + ") ",
	}
	// the base's conda, as its shell hook sets it up before `conda
	// activate`: condabin after the env's folders, and the variables that
	// name conda (IPython's %conda, a kernel's subprocess, conda.sh find
	// conda by them: `conda: not found` in a notebook opened from the
	// launcher, audit U 4)
	root := envPrefix
	if env != "" && env != "base" {
		root = filepath.Dir(filepath.Dir(envPrefix))
	}
	if exe, py, condabin := condaOf(root, goos); exe != "" {
		if !slices.Contains(strings.Split(oldPath, sep), condabin) {
			set[pathKey] = strings.Join(append(pathDirs(envPrefix, goos), condabin), sep)
			if oldPath != "" {
				set[pathKey] += sep + oldPath
			}
		}
		set["CONDA_EXE"], set["_CE_M"], set["_CE_CONDA"] = exe, "", ""
		if py != "" {
			set["CONDA_PYTHON_EXE"] = py
		}
	}
	// the env's variables (`conda env config vars set`), as conda sets
	// them before the activate.d scripts run (audit U 3: a kernel started
	// by the launcher did not see them)
	for k, v := range EnvVars(envPrefix) {
		set[k] = v
	}
	return setEnv(environ, set, goos == "windows")
}

// condaOf is the conda of the install at root, when its base has one: its
// executable, its python ("" when absent) and its condabin folder.
func condaOf(root, goos string) (exe, py, condabin string) {
	exe, py = filepath.Join(root, "bin", "conda"), filepath.Join(root, "bin", "python")
	if goos == "windows" {
		exe, py = filepath.Join(root, "Scripts", "conda.exe"), filepath.Join(root, "python.exe")
	}
	if _, err := os.Stat(exe); err != nil {
		return "", "", ""
	}
	if _, err := os.Stat(py); err != nil {
		py = ""
	}
	return exe, py, filepath.Join(root, "condabin")
}

// EnvVars are the variables `conda env config vars set` gave the env at
// envPrefix (conda-meta/state's env_vars); none when it has none, or the
// file cannot be read.
func EnvVars(envPrefix string) map[string]string {
	data, err := capread.ReadFile(filepath.Join(envPrefix, "conda-meta", "state"), 1<<20)
	if err != nil {
		return nil
	}
	var st struct {
		EnvVars map[string]string `json:"env_vars"`
	}
	if json.Unmarshal(data, &st) != nil {
		return nil
	}
	return st.EnvVars
}

// setEnv returns environ with the keys of set replaced or added.
func setEnv(environ []string, set map[string]string, foldCase bool) []string {
	out := make([]string, 0, len(environ)+len(set))
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := lookup(set, k, foldCase); !ok {
			out = append(out, kv)
		}
	}
	for _, k := range sortedKeys(set) {
		out = append(out, k+"="+set[k])
	}
	return out
}

func lookup(m map[string]string, k string, foldCase bool) (string, bool) {
	for mk, v := range m {
		if mk == k || (foldCase && strings.EqualFold(mk, k)) {
			return v, true
		}
	}
	return "", false
}

// Getenv returns the value of key in environ.
func Getenv(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

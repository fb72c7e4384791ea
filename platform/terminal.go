package platform

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// TerminalRequest asks for a terminal window with a conda env activated,
// as Anaconda Navigator's "Open Terminal" gives.
type TerminalRequest struct {
	OS      string // GOOS of the machine
	EnvName string // "base" or the env's name: the prompt shows it
	// Vars is the activated environment: PATH with the env's folders first,
	// CONDA_PREFIX, CONDA_DEFAULT_ENV, CONDA_SHLVL, CONDA_PROMPT_MODIFIER
	// (app/launch.Activate computes them).
	Vars map[string]string
	// StateDir is the user's own state folder of the install
	// (UserStateDirs): the start-up script is written there.
	StateDir string
	// Conda, when not "", is conda's own activation of the base, which
	// the script then uses instead of Vars (`conda activate ENV`, as
	// Anaconda Navigator's terminal does): PREFIX/etc/profile.d/conda.sh,
	// or PREFIX\condabin\conda.bat on Windows (see CondaActivation).
	Conda string
}

// CondaActivation returns conda's own activation script of the base at
// prefix on goos when the base has conda (exists says whether a file is
// there), else "": onboard's activation is used then.
func CondaActivation(prefix, goos string, exists func(string) bool) string {
	t := Target{OS: goos}
	p := t.Join(prefix, "etc", "profile.d", "conda.sh")
	if goos == "windows" {
		p = t.Join(prefix, "condabin", "conda.bat")
	}
	if exists(p) {
		return p
	}
	return ""
}

// TerminalPlan is how to open the terminal: write Script (ScriptBody,
// ScriptMode), then run Argv, detached, in a console of its own when
// NewConsole (Windows).
type TerminalPlan struct {
	Script     string
	ScriptBody []byte
	ScriptMode fs.FileMode
	Argv       []string
	NewConsole bool
}

// NoTerminalError says that no terminal program was found on Linux or
// Solaris, and how to get the same shell by hand.
type NoTerminalError struct {
	Tried  []string
	Script string
}

func (e *NoTerminalError) Error() string {
	return fmt.Sprintf("no terminal program was found (looked for %s)", strings.Join(e.Tried, ", "))
}

// Hint says what to do next.
func (e *NoTerminalError) Hint() string {
	return fmt.Sprintf("install one (for example: sudo apt-get install xterm), or set TERMINAL to your terminal program; "+
		"in a terminal you already have, run %s for a shell with this environment", shQuote(e.Script))
}

// unixTerminals are the terminal programs tried on Linux and Solaris, in
// order, each with the flag after which it takes a command to run.
// $TERMINAL, when set, comes first with -e.
var unixTerminals = []struct {
	name string
	exec []string
}{
	{"x-terminal-emulator", []string{"-e"}}, // Debian's alternative: the desktop's choice
	{"gnome-terminal", []string{"--"}},
	{"konsole", []string{"-e"}},
	{"xfce4-terminal", []string{"-x"}},
	{"mate-terminal", []string{"-x"}},
	{"tilix", []string{"-e"}},
	{"lxterminal", []string{"-e"}},
	{"kitty", nil},
	{"alacritty", []string{"-e"}},
	{"xterm", []string{"-e"}},
}

// PlanTerminal returns how to open a terminal with the env of r activated
// on r.OS: Terminal.app with a .command script on macOS, a new cmd.exe
// console running a .bat script on Windows, and the first terminal
// program found by lookPath on Linux and Solaris running a bash script.
func PlanTerminal(r TerminalRequest, env Env, lookPath func(string) (string, error)) (TerminalPlan, error) {
	base := "terminal-" + safeName(r.EnvName)
	switch r.OS {
	case "windows":
		bat := filepath.Join(r.StateDir, base+".bat")
		return TerminalPlan{Script: bat, ScriptBody: batScript(r), ScriptMode: 0o644,
			Argv: []string{"cmd.exe", "/K", bat}, NewConsole: true}, nil
	case "darwin":
		cmd := filepath.Join(r.StateDir, base+".command")
		return TerminalPlan{Script: cmd, ScriptBody: shScript(r), ScriptMode: 0o755,
			Argv: []string{"open", "-a", "Terminal", cmd}}, nil
	}
	sh := filepath.Join(r.StateDir, base+".sh")
	plan := TerminalPlan{Script: sh, ScriptBody: shScript(r), ScriptMode: 0o755}
	var tried []string
	if t := env.get("TERMINAL"); t != "" {
		tried = append(tried, "$TERMINAL ("+t+")")
		if p, err := lookPath(t); err == nil {
			plan.Argv = []string{p, "-e", sh}
			return plan, nil
		}
	}
	for _, t := range unixTerminals {
		tried = append(tried, t.name)
		if p, err := lookPath(t.name); err == nil {
			plan.Argv = append(append([]string{p}, t.exec...), sh)
			return plan, nil
		}
	}
	return plan, &NoTerminalError{Tried: tried, Script: sh}
}

// safeName keeps letters, digits, - and _ of an env name for a file name.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String()
}

func sortedVars(vars map[string]string) []string {
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// shScript is a bash script that, run, starts an interactive bash with
// itself as the start-up file; read as that file, it reads ~/.bashrc and
// then sets the env's variables (after .bashrc, so that they win) and the
// prompt.
func shScript(r TerminalRequest) []byte {
	var b strings.Builder
	b.WriteString("#!/usr/bin/env bash\n")
	fmt.Fprintf(&b, "# Written by onboard: a shell with the conda environment %s activated.\n", oneLine(r.EnvName))
	b.WriteString("if [ -z \"${ONBOARD_ACTIVATE-}\" ]; then\n\tONBOARD_ACTIVATE=1 exec bash --rcfile \"$0\" -i\nfi\n")
	b.WriteString("unset ONBOARD_ACTIVATE\n")
	b.WriteString("[ -f \"$HOME/.bashrc\" ] && . \"$HOME/.bashrc\"\n")
	if r.Conda != "" {
		// conda's own activation: the conda command, its prompt, activate.d
		fmt.Fprintf(&b, ". %s\nconda activate %s\n", shQuote(r.Conda), shQuote(r.EnvName))
		return []byte(b.String())
	}
	for _, k := range sortedVars(r.Vars) {
		fmt.Fprintf(&b, "export %s=%s\n", k, shQuote(r.Vars[k]))
	}
	fmt.Fprintf(&b, "PS1=%s\"${PS1-\\$ }\"\n", shQuote("("+oneLine(r.EnvName)+") "))
	return []byte(b.String())
}

// batScript is a cmd.exe script that sets the env's variables and prompt.
func batScript(r TerminalRequest) []byte {
	var b strings.Builder
	b.WriteString("@echo off\r\n")
	fmt.Fprintf(&b, "rem Written by onboard: a console with the conda environment %s activated.\r\n", oneLine(r.EnvName))
	if r.Conda != "" {
		fmt.Fprintf(&b, "call \"%s\" activate \"%s\"\r\n", strings.ReplaceAll(oneLine(r.Conda), "%", "%%"), strings.ReplaceAll(oneLine(r.EnvName), "%", "%%"))
		return []byte(b.String())
	}
	for _, k := range sortedVars(r.Vars) {
		fmt.Fprintf(&b, "set \"%s=%s\"\r\n", k, strings.ReplaceAll(oneLine(r.Vars[k]), "%", "%%"))
	}
	fmt.Fprintf(&b, "prompt (%s) $P$G\r\n", strings.ReplaceAll(oneLine(r.EnvName), "%", "%%"))
	return []byte(b.String())
}

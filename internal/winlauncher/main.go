// Command winlauncher is the Windows entry-point launcher that onboard
// writes as Scripts\<cmd>.exe, the part conda's cli-64.exe plays: run as
// Scripts\foo.exe ARGS, it runs <prefix>\python.exe Scripts\foo-script.py
// ARGS (pythonw.exe for a foo-script.pyw), where <prefix> is the parent of
// the folder holding the exe, passes stdin, stdout and stderr through, and
// exits with the script's exit code.
//
// The Makefile cross-builds it for windows/amd64, 386 and arm64 into
// assets/winlauncher/launcher-<subdir>.exe. It builds on every OS so that
// its logic is tested anywhere.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
)

func main() {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "launcher: failed to find its own path: %v\n", err)
		os.Exit(1)
	}
	python, argv, err := command(exe, os.Args[1:], fileExists)
	if err != nil {
		fmt.Fprintf(os.Stderr, "launcher: %v\n", err)
		os.Exit(1)
	}
	os.Exit(run(python, argv))
}

// command returns the interpreter and its arguments for the launcher at
// exe: the sibling <name>-script.py (or .pyw, run by pythonw.exe) and the
// python of the prefix one folder up.
func command(exe string, args []string, exists func(string) bool) (string, []string, error) {
	dir := filepath.Dir(exe)
	base := filepath.Base(exe)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	prefix := filepath.Dir(dir)
	script := filepath.Join(dir, name+"-script.py")
	python := filepath.Join(prefix, "python.exe")
	if !exists(script) {
		if w := filepath.Join(dir, name+"-script.pyw"); exists(w) {
			script, python = w, filepath.Join(prefix, "pythonw.exe")
		} else {
			return "", nil, fmt.Errorf("failed to find the script %q next to %q; repair the installation", script, exe)
		}
	}
	if !exists(python) {
		return "", nil, fmt.Errorf("failed to find the interpreter %q; repair the installation", python)
	}
	return python, append([]string{script}, args...), nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// run starts python with argv on the launcher's own stdio and returns its
// exit code. Ctrl-C goes to both processes through the console; the
// launcher ignores it and waits for the script to decide.
func run(python string, argv []string) int {
	signal.Ignore(os.Interrupt)
	cmd := exec.Command(python, argv...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "launcher: failed to run %q: %v\n", python, err)
		return 1
	}
	return 0
}

package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// `onboard launch run`, what a package's menu shortcut runs: the command
// in the env activated, in --cwd, with its arguments as given; without a
// command, a usage error.
func TestLaunchRunRunsTheCommandInTheEnv(t *testing.T) {
	prefix, _ := helloEnv(t, "echo \"$CONDA_DEFAULT_ENV in $(pwd): $1|$2\"")
	cwd, _ := filepath.EvalSymlinks(t.TempDir())
	home := t.TempDir()
	r := run(t, home, onboardBin, "launch", "run", "--prefix", prefix, "--env", "team", "--cwd", cwd, "--", "hello", "a b", "--env")
	if want := "team in " + cwd + ": a b|--env\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("launch run: exit %d, %q (stderr %q); want %q", r.code, r.stdout, r.stderr, want)
	}
	if r := run(t, home, onboardBin, "launch", "run", "--prefix", prefix, "--env", "team"); r.code != 2 {
		t.Errorf("launch run without a command: exit %d; want 2", r.code)
	}
	if r := run(t, home, onboardBin, "launch", "run", "--prefix", prefix, "--env", "team", "--", "no-such-program"); r.code == 0 {
		t.Errorf("launch run of a missing program succeeded")
	}
	// an env name that is a path out of the install: bad usage
	for _, bad := range []string{"../../team", "..", "a/b"} {
		if r := run(t, home, onboardBin, "launch", "run", "--prefix", prefix, "--env", bad, "--", "hello"); r.code != 2 || r.stdout != "" {
			t.Errorf("launch run --env %s: exit %d, %q; want exit 2 and nothing run", bad, r.code, r.stdout)
		}
	}
}

// A menu item's precommand runs first, in bash, before the activation, as
// in menuinst's Exec line: what it exports reaches the command, what the
// activation sets wins over it, and a folder it changes to is the
// command's. A failing precommand runs nothing.
func TestLaunchRunRunsThePrecommandFirst(t *testing.T) {
	prefix, team := helloEnv(t, "echo \"$TEST_VAR|$CONDA_PREFIX|$(pwd)|$1\"")
	cwd, _ := filepath.EvalSymlinks(t.TempDir())
	os.Mkdir(filepath.Join(cwd, "sub dir"), 0o755)
	home := t.TempDir()
	pre := "export TEST_VAR=\"rhododendron and bees\"\nexport CONDA_PREFIX=wrong; cd 'sub dir' # a comment"
	r := run(t, home, onboardBin, "launch", "run", "--prefix", prefix, "--env", "team", "--cwd", cwd, "--precommand", pre, "--", "hello", "a b")
	if want := "rhododendron and bees|" + team + "|" + filepath.Join(cwd, "sub dir") + "|a b\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("launch run --precommand: exit %d, %q (stderr %q); want %q", r.code, r.stdout, r.stderr, want)
	}
	r = run(t, home, onboardBin, "launch", "run", "--prefix", prefix, "--env", "team", "--precommand", "echo before; false", "--", "hello")
	if r.code == 0 || r.stdout != "before\n" {
		t.Errorf("a failing precommand: exit %d, %q; want the command not run", r.code, r.stdout)
	}
}

// helloEnv makes an install folder whose env team has the program
// bin/hello, a sh script of line; it returns the folder and the env's.
func helloEnv(t *testing.T, line string) (prefix, team string) {
	t.Helper()
	needBin(t)
	prefix = t.TempDir()
	team = filepath.Join(prefix, "envs", "team")
	os.MkdirAll(filepath.Join(team, "bin"), 0o755)
	if err := os.WriteFile(filepath.Join(team, "bin", "hello"), []byte("#!/bin/sh\n"+line+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return prefix, team
}

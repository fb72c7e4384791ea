package launch

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A menu shortcut's command runs in its env activated: the env's folders
// first on PATH (a bare name is found there, not on the caller's PATH),
// CONDA_PREFIX and the env's activate.d scripts; with --no-activate the
// environment is the caller's.
func TestRunCommandActivatesTheEnv(t *testing.T) {
	prefix := testEnv(t)
	env := filepath.Join(prefix, "envs", "team")
	write(t, filepath.Join(env, "bin", "tool"), "#!/bin/sh\necho \"tool in $CONDA_PREFIX: $TEAM_ACTIVATED: $*\"\n")
	os.Chmod(filepath.Join(env, "bin", "tool"), 0o755)
	other := t.TempDir() // a "tool" on the caller's PATH that must not win
	write(t, filepath.Join(other, "tool"), "#!/bin/sh\necho the caller tool\n")
	os.Chmod(filepath.Join(other, "tool"), 0o755)
	base := []string{"PATH=" + other + ":/usr/bin:/bin", "HOME=" + t.TempDir()}
	cwd := t.TempDir()
	cmd, err := RunCommand(context.Background(), RunOptions{Prefix: prefix, Env: "team", Command: []string{"tool", "a b"}, Activate: true, Dir: cwd, Environ: base})
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Path != filepath.Join(env, "bin", "tool") || cmd.Args[0] != "tool" || cmd.Dir != cwd {
		t.Errorf("cmd %s %q in %s; want the env's tool", cmd.Path, cmd.Args, cmd.Dir)
	}
	out, err := cmd.Output()
	if want := "tool in " + env + ": yes, team: a b\n"; err != nil || string(out) != want {
		t.Errorf("the command printed %q, %v; want %q", out, err, want)
	}
	cmd, err = RunCommand(context.Background(), RunOptions{Prefix: prefix, Env: "team", Command: []string{"tool"}, Environ: base})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := cmd.Output(); string(out) != "the caller tool\n" {
		t.Errorf("without activation the command printed %q, %v; want the caller's tool", out, err)
	}
	if _, err := RunCommand(context.Background(), RunOptions{Prefix: prefix, Env: "team", Command: []string{"no-such-tool"}, Activate: true, Environ: base}); err == nil ||
		!strings.Contains(err.Error(), `"no-such-tool"`) {
		t.Errorf("a missing command: %v; want an error naming it", err)
	}
	if _, err := RunCommand(context.Background(), RunOptions{Prefix: prefix, Env: "gone", Command: []string{"tool"}, Activate: true, Environ: base}); err == nil ||
		!strings.Contains(err.Error(), "is missing") {
		t.Errorf("a missing env: %v; want an EnvError", err)
	}
}

// Run replaces the process with the command (exec), so that a shortcut's
// terminal stays with it: run in a child process here.
func TestRunExecs(t *testing.T) {
	if os.Getenv("ONBOARD_TEST_RUN_EXEC") != "" {
		err := Run(context.Background(), RunOptions{Prefix: os.Getenv("ONBOARD_TEST_PREFIX"), Env: "team", Command: []string{"tool", "x"}, Activate: true})
		t.Fatalf("Run returned %v; it should have become the command", err)
	}
	prefix := testEnv(t)
	env := filepath.Join(prefix, "envs", "team")
	write(t, filepath.Join(env, "bin", "tool"), "#!/bin/sh\necho \"exec'd in $CONDA_DEFAULT_ENV with $*, pid $$\"\n")
	os.Chmod(filepath.Join(env, "bin", "tool"), 0o755)
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunExecs$")
	cmd.Env = append(os.Environ(), "ONBOARD_TEST_RUN_EXEC=1", "ONBOARD_TEST_PREFIX="+prefix)
	out, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(out), "exec'd in team with x, pid ") {
		t.Fatalf("the child printed %q, %v; want the tool's line", out, err)
	}
	if pid := strings.TrimSpace(strings.TrimPrefix(string(out), "exec'd in team with x, pid ")); pid != strconv.Itoa(cmd.Process.Pid) {
		t.Errorf("the tool ran as pid %s, the test process as %d; want one process (exec)", pid, cmd.Process.Pid)
	}
}

// The env is activated as conda's shell hook and `conda activate` leave
// it: the env's variables (`conda env config vars set`, in
// conda-meta/state) are set before its activate.d scripts run, and where
// the base has conda, condabin follows the env's folders on PATH and
// CONDA_EXE and CONDA_PYTHON_EXE name it (audit U 3, 4: a kernel started
// from the launcher saw neither its env's variables nor conda, and
// IPython's %conda said "conda: not found").
func TestActivationHasTheEnvsVariablesAndConda(t *testing.T) {
	prefix := testEnv(t)
	env := filepath.Join(prefix, "envs", "team")
	write(t, filepath.Join(env, "conda-meta", "state"), `{"env_vars": {"FOO": "bar baz", "TEAM_LEVEL": "3"}}`)
	os.MkdirAll(filepath.Join(env, "etc", "conda", "activate.d"), 0o755)
	write(t, filepath.Join(env, "etc", "conda", "activate.d", "z.sh"), "export SEEN_FOO=\"$FOO\"\n")
	base := []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	show := func() map[string]string {
		t.Helper()
		cmd, err := RunCommand(context.Background(), RunOptions{Prefix: prefix, Env: "team", Command: []string{"env"}, Activate: true, Environ: base})
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		vars := map[string]string{}
		for _, line := range strings.Split(string(out), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				vars[k] = v
			}
		}
		return vars
	}
	v := show()
	if v["FOO"] != "bar baz" || v["TEAM_LEVEL"] != "3" || v["SEEN_FOO"] != "bar baz" {
		t.Errorf("the env's variables: FOO=%q TEAM_LEVEL=%q, seen by activate.d %q", v["FOO"], v["TEAM_LEVEL"], v["SEEN_FOO"])
	}
	if _, ok := v["CONDA_EXE"]; ok {
		t.Errorf("CONDA_EXE=%q where the base has no conda", v["CONDA_EXE"])
	}
	// a base with conda
	os.MkdirAll(filepath.Join(prefix, "bin"), 0o755)
	write(t, filepath.Join(prefix, "bin", "conda"), "#!/bin/sh\n")
	write(t, filepath.Join(prefix, "bin", "python"), "")
	v = show()
	if want := filepath.Join(env, "bin") + ":" + filepath.Join(prefix, "condabin") + ":/usr/bin:/bin"; v["PATH"] != want {
		t.Errorf("PATH=%q, want %q", v["PATH"], want)
	}
	if v["CONDA_EXE"] != filepath.Join(prefix, "bin", "conda") || v["CONDA_PYTHON_EXE"] != filepath.Join(prefix, "bin", "python") {
		t.Errorf("CONDA_EXE=%q CONDA_PYTHON_EXE=%q; want the base's", v["CONDA_EXE"], v["CONDA_PYTHON_EXE"])
	}
}

package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// killAtStage runs the installer with --json and kills it -9 when it
// reports the n-th start of stage: the product binary as shipped, stopped
// by what it is doing, not by time.
func killAtStage(t *testing.T, home, inst, prefix, stage string, n int) {
	t.Helper()
	cmd := exec.Command(inst, "install", "--json", "--no-launcher", "--prefix", prefix, "--subdir", "linux-64")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "share"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	seen := 0
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"event":"stage"`) && strings.Contains(sc.Text(), `"stage":"`+stage+`"`) {
			if seen++; seen == n {
				break
			}
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if seen < n {
		t.Fatalf("the install ended before its %s stage #%d", stage, n)
	}
}

// TestE2EKilledInstallRunsAgain kills the real installer in the middle of a
// fresh install and of an upgrade; the same command run again rolls back,
// says "the last install was interrupted; what it had done was undone" (not "not
// empty"), and ends with the version asked for and nothing beside the
// prefix.
func TestE2EKilledInstallRunsAgain(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, v1 := makeInstaller(t, home, "2026.11.0", nil, nil)
	_, v2 := makeInstaller(t, home, "2026.12.0", nil, nil)
	prefix := filepath.Join(t.TempDir(), "acme")
	check := func(inst, want string) {
		t.Helper()
		r := run(t, home, inst, "install", "--no-launcher", "--prefix", prefix, "--subdir", "linux-64")
		if r.code != 0 {
			t.Fatalf("install again: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stdout, "the last install was interrupted; what it had done was undone") {
			t.Errorf("the install run again does not say the last one was rolled back:\n%s", r.stdout)
		}
		if got := installedVersion(t, prefix); got != want+"/linux-64" {
			t.Fatalf("installed %s; want %s", got, want)
		}
		if r := run(t, home, inst, "verify", "--prefix", prefix); r.code != 0 {
			t.Fatalf("verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		ents, _ := os.ReadDir(filepath.Dir(prefix))
		if len(ents) != 1 {
			t.Fatalf("beside the prefix: %v; want only it", ents)
		}
	}
	killAtStage(t, home, v1, prefix, "link", 1)
	check(v1, "2026.11.0")
	killAtStage(t, home, v2, prefix, "extract", 2)
	if olds, _ := filepath.Glob(prefix + ".onboard-old-*"); len(olds) != 1 {
		t.Fatalf("the killed upgrade left %v; want the old install moved aside", olds)
	}
	// Any command on the prefix recovers first and says so.
	r := run(t, home, v2, "verify", "--prefix", prefix)
	if r.code != 0 || !strings.Contains(r.stderr, "the last install was interrupted; what it had done was undone") {
		t.Fatalf("verify after the killed upgrade: exit %d\n%s", r.code, r.stderr)
	}
	if got := installedVersion(t, prefix); got != "2026.11.0/linux-64" {
		t.Fatalf("after the rollback %s is installed; want the old 2026.11.0", got)
	}
	// uninstall recovers before it asks: with no terminal and no --silent
	// it refuses (exit 2), and the install recovery put back stays (audit
	// AA: it was recovered, then removed without a question)
	killAtStage(t, home, v2, prefix, "extract", 2)
	cmd := exec.Command(v2, "uninstall", "--prefix", prefix) // stdin: /dev/null
	cmd.Env = append(os.Environ(), "HOME="+home, "DISPLAY=", "WAYLAND_DISPLAY=")
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), "--silent") {
		t.Fatalf("uninstall after a killed upgrade, no terminal: exit %d (%v)\n%s; want 2, asking for --silent", code, err, out)
	}
	if got := installedVersion(t, prefix); got != "2026.11.0/linux-64" {
		t.Fatalf("after the refused uninstall %s is installed; want the old 2026.11.0, put back", got)
	}
	// launch run recovers too, before it runs the command: it ran it in
	// the half-written new install, the old one left aside (audit BM 2)
	killAtStage(t, home, v2, prefix, "extract", 2)
	r = run(t, home, v2, "launch", "run", "--prefix", prefix, "--env", "base", "--", "sh", "-c", `test -d "$CONDA_PREFIX/conda-meta" && echo ran-in "$CONDA_PREFIX"`)
	if r.code != 0 || !strings.Contains(r.stderr, "the last install was interrupted; what it had done was undone") || !strings.Contains(r.stdout, "ran-in "+prefix) {
		t.Fatalf("launch run after a killed upgrade: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if olds, _ := filepath.Glob(prefix + ".onboard-old-*"); len(olds) != 0 || installedVersion(t, prefix) != "2026.11.0/linux-64" {
		t.Fatalf("after launch run: %v beside the prefix, %s installed; want the old install put back", olds, installedVersion(t, prefix))
	}
	killAtStage(t, home, v2, prefix, "link", 1)
	check(v2, "2026.12.0")
}

//go:build linux

package realbundle_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// startInstall starts `onboard install --json` of the real bundle into
// prefix, with stdout a pipe, and returns once its first JSON line is read:
// the install runs then (the real bundle takes seconds, most of it
// compiling .pyc).
func startInstall(t *testing.T, h *home, bundlePath, prefix string) (*exec.Cmd, *os.File) {
	t.Helper()
	cmd := exec.Command(onboardBin, "install", "--json", "--prefix", prefix, "--bundle", bundlePath,
		"--no-launcher", "--no-maintenance-launcher")
	cmd.Env = h.environ()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := bufio.NewReader(r).ReadString('\n'); err != nil {
		t.Fatalf("no first JSON line: %v", err)
	}
	return cmd, r
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// A reader that stops reading the install's output (install --json |
// head -1, an agent that timed out) and a hang-up (the terminal or SSH
// session closed) leave no half install. Before, the next write killed
// the program with SIGPIPE (exit 141), and SIGHUP killed it (129), both
// without a rollback: a half-written prefix, or on an upgrade the old one
// moved aside, until the next onboard command.
func TestSignalsEndAnInstallCleanly(t *testing.T) {
	bundlePath := realBundle(t)
	h := newHome(t)

	prefix := filepath.Join(h.dir, "piped")
	cmd, r := startInstall(t, h, bundlePath, prefix)
	r.Close() // stop reading: every later write meets a closed pipe
	if code := exitCode(cmd.Wait()); code != 0 {
		t.Fatalf("install whose reader went away: exit %d; want 0, the install done", code)
	}
	if res := h.run(t, filepath.Join(prefix, ".onboard", "onboard"), "verify"); res.code != 0 {
		t.Fatalf("verify of the install whose reader went away: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	prefix = filepath.Join(h.dir, "hungup")
	cmd, r = startInstall(t, h, bundlePath, prefix)
	defer r.Close()
	go func() { // keep reading, as a terminal does until it goes
		buf := make([]byte, 4096)
		for {
			if _, err := r.Read(buf); err != nil {
				return
			}
		}
	}()
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(cmd.Wait()); code != 130 {
		t.Fatalf("install hung up on: exit %d; want 130, rolled back", code)
	}
	if _, err := os.Lstat(prefix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the hung-up install left %s (%v); want it rolled back", prefix, err)
	}
	if left, _ := filepath.Glob(filepath.Join(h.dir, ".*onboard-journal*")); len(left) != 0 {
		t.Fatalf("the hung-up install left %v", left)
	}
}

//go:build unix

package uninstall

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/installer/state"
)

// TestHelperJupyterStandIn is not a test: run by TestUninstallStopsJupyter
// as a child, it listens on 127.0.0.1 like a Jupyter server, prints its
// port and serves until it is signalled.
func TestHelperJupyterStandIn(t *testing.T) {
	if os.Getenv("ONBOARD_JUPYTER_STAND_IN") != "1" {
		t.Skip("helper process for TestUninstallStopsJupyter")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(2)
	}
	fmt.Println(l.Addr().(*net.TCPAddr).Port)
	for {
		c, err := l.Accept()
		if err == nil {
			c.Close()
		}
	}
}

func TestUninstallStopsJupyter(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperJupyterStandIn$")
	cmd.Env = append(os.Environ(), "ONBOARD_JUPYTER_STAND_IN=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // as app/launch starts Jupyter
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	buf := make([]byte, 32)
	n, _ := out.Read(buf)
	var port int
	if _, err := fmt.Sscan(strings.TrimSpace(string(buf[:n])), &port); err != nil || !portAnswers(port) {
		t.Fatalf("the stand-in server did not start: %q", buf[:n])
	}

	prefix := t.TempDir()
	legacy := state.LegacyServerDir(prefix)
	os.MkdirAll(legacy, 0o755)
	rec, _ := json.Marshal(map[string]any{"pid": cmd.Process.Pid, "port": port})
	os.WriteFile(filepath.Join(legacy, "jupyter-team.json"), rec, 0o644)
	// A stale record whose port is closed must be left alone.
	os.WriteFile(filepath.Join(legacy, "jupyter-old.json"), []byte(`{"pid": 1, "port": 1}`), 0o644)

	var logged []string
	logf := func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }
	stopJupyter(prefix, logf, logf)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the Jupyter stand-in is still running after uninstall stopped it")
	}
	if portAnswers(port) {
		t.Errorf("port %d still answers", port)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "stopped Jupyter") {
		t.Errorf("logged %q; want one 'stopped Jupyter' line (the stale record untouched)", logged)
	}
}

// A record whose pid is not the leader of a process group that onboard
// could have started (pid 1, whose -1 would signal every process; this
// process; a process in another's group) is refused, even while its port
// answers, and that process is left running.
func TestStopJupyterRecordRefusesAPidItDidNotStart(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	sleeper := exec.Command("sleep", "60") // in this test's process group: not a leader
	if err := sleeper.Start(); err != nil {
		t.Skip(err)
	}
	defer sleeper.Process.Kill()
	leader := exec.Command("sleep", "61") // a leader of its own, running no Jupyter
	leader.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := leader.Start(); err != nil {
		t.Skip(err)
	}
	defer leader.Process.Kill()
	pids := []int{1, os.Getpid(), sleeper.Process.Pid}
	if _, err := os.Stat("/proc/self/cmdline"); err == nil {
		pids = append(pids, leader.Process.Pid) // told apart where /proc says what runs
	}
	for _, pid := range pids {
		path := filepath.Join(t.TempDir(), "jupyter-team.json")
		rec, _ := json.Marshal(map[string]any{"pid": pid, "port": port})
		os.WriteFile(path, rec, 0o644)
		if what, err := StopJupyterRecord(path); err == nil || !strings.Contains(err.Error(), "not a Jupyter server onboard started") {
			t.Errorf("pid %d: stopped %q, %v; want it refused", pid, what, err)
		}
	}
	for _, p := range []*exec.Cmd{sleeper, leader} {
		if err := p.Process.Signal(syscall.Signal(0)); err != nil {
			t.Errorf("the process of a record was signalled: %v", err)
		}
	}
}

//go:build windows

package uninstall

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// stopProcessTree ends the server and its kernels with taskkill /T. When
// that fails it tries the server alone: Wine's taskkill refuses /T.
func stopProcessTree(pid int, stopped func() bool) error {
	taskkill := filepath.Join(os.Getenv("SystemRoot"), "System32", "taskkill.exe")
	out, err := exec.Command(taskkill, "/T", "/F", "/PID", strconv.Itoa(pid)).CombinedOutput()
	if err != nil && !stopped() {
		out, err = exec.Command(taskkill, "/F", "/PID", strconv.Itoa(pid)).CombinedOutput()
	}
	if err != nil {
		return fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
	}
	waitUntil(5*time.Second, stopped)
	return nil
}

// notALeader refuses the system's processes (pid 0 and 4) and this one:
// Windows has no process groups to check the server's by.
func notALeader(pid int) string {
	if pid <= 4 || pid == os.Getpid() {
		return "that process is the system's or onboard's own"
	}
	return ""
}

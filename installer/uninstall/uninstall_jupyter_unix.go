//go:build unix

package uninstall

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// notALeader says why pid cannot be a server `onboard launch` started ("" when
// it can): that server leads a session of its own (Setsid), so pid leads
// its process group. Not pid 1 (kill(-1) signals every process), not this
// process, and not one inside another's group: a record read from the
// disk could name any of them.
func notALeader(pid int) string {
	if pid <= 1 || pid == os.Getpid() {
		return "that process is the system's or onboard's own"
	}
	pg, err := unix.Getpgid(pid)
	if err != nil {
		return "no such process"
	}
	if pg != pid {
		return "that process does not lead its process group"
	}
	// Where the system says what a process runs (/proc on Linux): the
	// server onboard starts runs Jupyter, through onboard's launcher.
	if cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline"); err == nil {
		if l := strings.ToLower(string(cmd)); !strings.Contains(l, "jupyter") && !strings.Contains(l, "onboard") {
			return "it does not run Jupyter"
		}
	}
	return ""
}

// stopProcessTree asks the session that `onboard launch` started (the
// server is its leader, so -pid is its process group: the server and its
// kernels) to end, then kills what is left after a grace period.
func stopProcessTree(pid int, stopped func() bool) error {
	if err := syscall.Kill(-pid, syscall.SIGTERM); err != nil {
		return err
	}
	if waitUntil(10*time.Second, stopped) {
		return nil
	}
	return syscall.Kill(-pid, syscall.SIGKILL)
}

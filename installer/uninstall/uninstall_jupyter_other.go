//go:build !unix && !windows

package uninstall

import "os"

// stopProcessTree kills the server where process groups are not known.
func stopProcessTree(pid int, stopped func() bool) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

// notALeader refuses only this process and the system's first: process
// groups are not known here.
func notALeader(pid int) string {
	if pid <= 1 || pid == os.Getpid() {
		return "that process is the system's or onboard's own"
	}
	return ""
}

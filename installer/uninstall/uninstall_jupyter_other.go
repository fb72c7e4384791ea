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

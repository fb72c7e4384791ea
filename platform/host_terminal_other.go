//go:build !windows

package platform

import "os/exec"

// newConsole does nothing: terminal programs open their own window.
func newConsole(*exec.Cmd, bool) {}

//go:build !windows

package main

// attachParentConsole is only needed on Windows.
func attachParentConsole([]string) {}

//go:build !linux && !darwin && !solaris && !windows

package platform

import "runtime"

func detectHost() Host {
	return finish(Host{Native: HostTarget(), ProcessArch: runtime.GOARCH,
		Notes: []string{"onboard has no detection for " + runtime.GOOS + "; assuming this program's own architecture"}})
}

func hostKnownFolder(string) string { return "" }

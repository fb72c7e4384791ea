package platform

import (
	"fmt"
	"strings"
)

// SolarisRaw is what Solaris or illumos reports, gathered by the host code
// and interpreted by [DetectSolaris].
type SolarisRaw struct {
	GOOS     string // "solaris" or "illumos"
	GOARCH   string // of this binary
	IsainfoN string // `isainfo -n`: amd64, sparcv9, i386
	IsainfoB string // `isainfo -b`: 64 or 32
	Release  string // uname -r, e.g. "5.11"
	Version  string // uname -v, e.g. "11.4.42.111.0" or "illumos-1a2b3c"
}

// DetectSolaris interprets what Solaris reports. `uname -m` says i86pc on
// 32- and 64-bit x86 alike, so the native ISA comes from isainfo, as Go's
// own bootstrap does. conda has no Solaris subdir: bundles carry a team's
// own "solaris-64" packages.
func DetectSolaris(r SolarisRaw) Host {
	os := firstNonEmpty(r.GOOS, "solaris")
	h := Host{ProcessArch: r.GOARCH, Native: Target{OS: os}}
	h.OSVersion = strings.TrimSpace(r.Release + " " + r.Version)
	switch strings.TrimSpace(r.IsainfoN) {
	case "amd64":
		h.Native.Arch = "amd64"
	case "sparcv9":
		h.Native.Arch = "sparc64"
	case "i386":
		h.Native.Arch = "386"
	case "sparc":
		h.Native.Arch = "sparc"
	}
	if h.Native.Arch == "" {
		h.Native.Arch = r.GOARCH
		if strings.TrimSpace(r.IsainfoB) == "32" {
			h.Native.Arch = "386"
		}
		h.Notes = append(h.Notes, "could not run isainfo; assuming the machine is "+h.Native.Arch)
	}
	if h.Native.Arch != "amd64" {
		h.Notes = append(h.Notes, fmt.Sprintf("onboard supports only 64-bit x86 Solaris; this machine is %s", h.Native.Arch))
	}
	h.Notes = append(h.Notes, "conda publishes no Solaris packages: the bundle must carry the team's own solaris-64 packages")
	return finish(h)
}

// Package platform knows each operating system so that nothing else has to:
// targets and conda subdirs, detection of the real machine, default paths,
// launchers and shell set-up. Per-target logic is plain Go that runs in
// tests on any host; only host_*.go files touch the real OS.
package platform

import (
	"fmt"
	"strings"
)

// Target is an operating system and a machine architecture, both spelled as
// Go spells them (GOOS, GOARCH): {"windows", "amd64"}, {"darwin", "arm64"}.
type Target struct {
	OS   string
	Arch string
}

// String returns "os/arch".
func (t Target) String() string { return t.OS + "/" + t.Arch }

// SubdirWords names a conda subdir as people name the machines it is
// for: "linux-64" → "64-bit Linux", "osx-arm64" → "macOS on Apple
// silicon"; a subdir it does not know, as it is. The windows say it where
// they said "(for linux-64)" to a newcomer (audit AP).
func SubdirWords(subdir string) string {
	osPart, arch, ok := strings.Cut(subdir, "-")
	system, known := map[string]string{"linux": "Linux", "osx": "macOS", "win": "Windows",
		"solaris": "Solaris", "freebsd": "FreeBSD"}[osPart]
	if !ok || !known {
		return subdir
	}
	switch arch {
	case "64":
		if osPart == "osx" {
			return "macOS on Intel"
		}
		return "64-bit " + system
	case "32":
		return "32-bit " + system
	case "arm64", "aarch64":
		if osPart == "osx" {
			return "macOS on Apple silicon"
		}
		return system + " on 64-bit ARM"
	}
	cpu, known := map[string]string{"armv7l": "32-bit ARM", "armv6l": "ARMv6", "ppc64le": "POWER (little-endian)",
		"ppc64": "POWER (big-endian)", "s390x": "IBM Z", "riscv64": "RISC-V"}[arch]
	if !known {
		return subdir
	}
	return system + " on " + cpu
}

// Subdir returns the conda subdir for t, e.g. "linux-64", "osx-arm64",
// "win-32". Solaris has no conda subdir upstream; onboard uses "solaris-64",
// the name a team gives its own packages.
func (t Target) Subdir() (string, error) {
	osPart, ok := map[string]string{
		"linux": "linux", "darwin": "osx", "windows": "win",
		"solaris": "solaris", "illumos": "solaris", "freebsd": "freebsd",
	}[t.OS]
	if !ok {
		return "", fmt.Errorf("no conda subdir for operating system %q", t.OS)
	}
	arch, ok := map[string]string{
		"amd64": "64", "386": "32", "arm64": "arm64", "arm": "armv7l",
		"ppc64le": "ppc64le", "ppc64": "ppc64", "s390x": "s390x", "riscv64": "riscv64",
	}[t.Arch]
	if !ok {
		return "", fmt.Errorf("no conda subdir for architecture %q", t.Arch)
	}
	if osPart == "linux" && arch == "arm64" {
		arch = "aarch64"
	}
	if osPart == "osx" && arch == "32" {
		return "", fmt.Errorf("no conda subdir for 32-bit macOS")
	}
	return osPart + "-" + arch, nil
}

package platform

import (
	"fmt"
	"strings"
)

// Windows image file machine values (IMAGE_FILE_MACHINE_*, as in debug/pe).
const (
	machineUnknown = 0x0
	machineI386    = 0x14c
	machineAMD64   = 0x8664
	machineARM64   = 0xaa64
	machineARMNT   = 0x1c4
)

// WindowsRaw is what Windows reports about the machine, gathered by the
// host code and interpreted by [DetectWindows].
type WindowsRaw struct {
	GOARCH string // of this binary
	// HaveWow64Process2 is false when IsWow64Process2 is missing (before
	// Windows 10 1511); then IsWow64 and the environment are used.
	HaveWow64Process2 bool
	ProcessMachine    uint16 // from IsWow64Process2; 0 = not a WOW64 process (also x64 emulated on ARM64)
	NativeMachine     uint16 // from IsWow64Process2: the truth
	IsWow64           bool   // from IsWow64Process (fallback)
	// PROCESSOR_ARCHITECTURE (the process's: x86, AMD64, ARM64) and
	// PROCESSOR_ARCHITEW6432 (set only in WOW64 processes: AMD64, ARM64).
	ProcessorArchitecture, ProcessorArchiteW6432 string
	Major, Minor, Build                          uint32 // from RtlGetVersion
}

// windowsMachineArch maps an IMAGE_FILE_MACHINE value to a GOARCH.
func windowsMachineArch(m uint16) string {
	switch m {
	case machineI386:
		return "386"
	case machineAMD64:
		return "amd64"
	case machineARM64:
		return "arm64"
	case machineARMNT:
		return "arm"
	}
	return ""
}

// windowsEnvArch maps a PROCESSOR_ARCHITECTURE value to a GOARCH.
func windowsEnvArch(s string) string {
	switch strings.ToUpper(s) {
	case "X86":
		return "386"
	case "AMD64":
		return "amd64"
	case "ARM64":
		return "arm64"
	}
	return ""
}

// DetectWindows interprets what Windows reports. IsWow64Process2's native
// machine wins; without it, a WOW64 process reads PROCESSOR_ARCHITEW6432.
func DetectWindows(r WindowsRaw) Host {
	h := Host{ProcessArch: r.GOARCH, Native: Target{OS: "windows"}}
	if r.Major != 0 {
		h.OSVersion = fmt.Sprintf("%d.%d.%d", r.Major, r.Minor, r.Build)
	}
	h.Native.Arch = windowsNativeArch(r)
	if h.Native.Arch == "" {
		h.Native.Arch = r.GOARCH
		h.Notes = append(h.Notes, "could not detect the machine architecture; assuming it is the same as this program's")
	}
	if h.Native.Arch != r.GOARCH && r.GOARCH != "" {
		h.Notes = append(h.Notes, fmt.Sprintf("this program is a windows/%s build running on %s Windows (%s)",
			r.GOARCH, h.Native.Arch, emulationName(r.GOARCH)))
	}
	windowsSubdirs(&h, r.Build)
	return finish(h)
}

func windowsNativeArch(r WindowsRaw) string {
	if r.HaveWow64Process2 {
		if a := windowsMachineArch(r.NativeMachine); a != "" {
			return a
		}
	}
	if r.IsWow64 || r.ProcessorArchiteW6432 != "" {
		if a := windowsEnvArch(r.ProcessorArchiteW6432); a != "" {
			return a
		}
		if r.IsWow64 {
			return "amd64" // WOW64 without the variable: the common case
		}
	}
	return windowsEnvArch(r.ProcessorArchitecture)
}

func emulationName(process string) string {
	if process == "386" || process == "arm" {
		return "WOW64"
	}
	return "emulated"
}

// windowsSubdirs sets the conda subdir for a Windows machine and the
// subdirs it can also run: 64-bit Windows runs win-32 through WOW64;
// Windows 11 on ARM64 (build 22000+) also runs win-64 through emulation.
func windowsSubdirs(h *Host, build uint32) {
	const wow = "win-32 packages run through WOW64 (32-bit, no longer built by conda-forge)"
	switch h.Native.Arch {
	case "amd64":
		h.Subdir = "win-64"
		h.fallback("win-32", wow)
	case "386":
		h.Subdir = "win-32"
	case "arm64":
		h.Subdir = "win-arm64"
		if build == 0 || build >= 22000 {
			h.fallback("win-64", "win-64 packages run on ARM64 Windows 11 through x64 emulation (slower than native)")
		} else {
			h.Notes = append(h.Notes, "x64 programs need Windows 11 on ARM64; this Windows runs only win-arm64 and win-32 packages")
		}
		h.fallback("win-32", wow)
	}
}

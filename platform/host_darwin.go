package platform

import (
	"runtime"

	"golang.org/x/sys/unix"
)

func detectHost() Host {
	r := DarwinRaw{GOARCH: runtime.GOARCH, ProcTranslated: sysctlInt("sysctl.proc_translated"),
		HWOptionalArm64: sysctlInt("hw.optional.arm64")}
	r.ProductVersion, _ = unix.Sysctl("kern.osproductversion")
	return DetectDarwin(r)
}

// sysctlInt reads an integer sysctl; -1 when it does not exist.
func sysctlInt(name string) int {
	v, err := unix.SysctlUint32(name)
	if err != nil {
		return -1
	}
	return int(v)
}

func hostKnownFolder(string) string { return "" }

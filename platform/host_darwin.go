package platform

import (
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

func detectHost() Host {
	r := DarwinRaw{GOARCH: runtime.GOARCH, ProcTranslated: sysctlInt("sysctl.proc_translated"),
		HWOptionalArm64: sysctlInt("hw.optional.arm64")}
	r.ProductVersion, _ = unix.Sysctl("kern.osproductversion")
	if r.ProductVersion == "10.16" || r.ProductVersion == "" {
		// macOS 11 and later say 10.16 to programs made before them; conda
		// asks sw_vers again without that (its __osx virtual package).
		cmd := exec.Command("sw_vers", "-productVersion")
		cmd.Env = append(os.Environ(), "SYSTEM_VERSION_COMPAT=0")
		if out, err := cmd.Output(); err == nil && strings.TrimSpace(string(out)) != "" {
			r.ProductVersion = strings.TrimSpace(string(out))
		}
	}
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

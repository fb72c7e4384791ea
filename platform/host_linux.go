package platform

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

func detectHost() Host {
	var u unix.Utsname
	r := LinuxRaw{GOARCH: runtime.GOARCH}
	if unix.Uname(&u) == nil {
		r.Machine = unix.ByteSliceToString(u.Machine[:])
		r.Release = unix.ByteSliceToString(u.Release[:])
	}
	r.ShELF = readHead("/bin/sh", 64)
	r.Getconf = run(systemTool("getconf"), "GNU_LIBC_VERSION")
	if r.Getconf == "" {
		r.Ldd, _ = runCombined(true, systemTool("ldd"), "--version")
	}
	return DetectLinux(r)
}

func hostKnownFolder(string) string { return "" }

// systemTool finds a program of the system on PATH, else in the system's
// own folders: a shortcut, a service or IT's deployment tool may start
// onboard with a PATH that lacks them.
func systemTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin"} {
		if st, err := os.Stat(filepath.Join(d, name)); err == nil && st.Mode().IsRegular() {
			return filepath.Join(d, name)
		}
	}
	return name
}

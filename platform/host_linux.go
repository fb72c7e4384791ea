package platform

import (
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
	r.Getconf = run("getconf", "GNU_LIBC_VERSION")
	if r.Getconf == "" {
		r.Ldd, _ = runCombined(true, "ldd", "--version")
	}
	return DetectLinux(r)
}

func hostKnownFolder(string) string { return "" }

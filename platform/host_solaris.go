package platform

import (
	"runtime"

	"golang.org/x/sys/unix"
)

func detectHost() Host {
	r := SolarisRaw{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		IsainfoN: run("isainfo", "-n"), IsainfoB: run("isainfo", "-b")}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		r.Release = unix.ByteSliceToString(u.Release[:])
		r.Version = unix.ByteSliceToString(u.Version[:])
	}
	return DetectSolaris(r)
}

func hostKnownFolder(string) string { return "" }

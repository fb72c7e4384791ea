package platform

import (
	"io"
	"os"
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

// readHead returns the first n bytes of a file (following symlinks), or
// nil when it cannot be read.
func readHead(path string, n int) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, n)
	k, _ := io.ReadFull(f, b)
	return b[:k]
}

func hostKnownFolder(string) string { return "" }

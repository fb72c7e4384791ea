//go:build unix

package engine

import (
	"os"
	"syscall"
)

// MayShare tells whether the file at path is the installing user's alone:
// theirs, and writable by nobody else (by its mode).
func MayShare(path string) bool {
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o022 != 0 {
		return false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(sys.Uid) == os.Geteuid()
}

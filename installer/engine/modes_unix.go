//go:build unix

package engine

import "syscall"

const modesMatter = true

// InstallUmask sets the umask to 022 while onboard writes a prefix, so that
// what it creates (and what the .pyc compilation and link scripts it runs
// create) is never writable by others, whatever umask it was started
// with; the returned func puts the old umask back. The umask is the
// process's: onboard writes one prefix at a time.
func InstallUmask() func() {
	old := syscall.Umask(0o022)
	return func() { syscall.Umask(old) }
}

//go:build !unix

package platform

import (
	"os"

	"onboard/installer/state"
)

func checkOwnDir(string) error { return nil }

// HostMayModify tells whether this process may change the install at
// prefix: it may create a file in PREFIX\.onboard (an install for all
// users under Program Files: only an elevated administrator may). The
// probe file is removed at once.
func HostMayModify(prefix string) bool {
	dir := state.Dir(prefix)
	if _, err := os.Stat(dir); err != nil {
		return true // not an install: let the command report that
	}
	f, err := os.CreateTemp(dir, "access-probe-*")
	if err != nil {
		return !os.IsPermission(err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return true
}

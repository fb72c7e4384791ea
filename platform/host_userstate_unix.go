//go:build unix

package platform

import (
	"fmt"
	"os"
	"syscall"
)

func checkOwnDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	// root reads everything anyway; a sudo that kept HOME must still work
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() && os.Geteuid() != 0 {
		return fmt.Errorf("the state folder %s belongs to another user (uid %d): set HOME, XDG_STATE_HOME and XDG_RUNTIME_DIR to your own folders", dir, st.Uid)
	}
	return nil
}

// HostMayModify tells whether this process may change the install at
// prefix: see [MayModify]. A prefix that cannot be read counts as not.
func HostMayModify(prefix string) bool {
	fi, err := os.Stat(prefix)
	if err != nil {
		return os.IsNotExist(err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || MayModify(int(st.Uid), os.Geteuid())
}

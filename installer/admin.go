package installer

import (
	"fmt"
	"runtime"

	"onboard/platform"
)

// mayModify tells whether this process may change the install at prefix
// (platform.HostMayModify); tests replace it.
var mayModify = platform.HostMayModify

// AdminRequiredError refuses to repair or uninstall an install shared by
// all users for someone who is not an administrator. It is returned before
// anything is touched, and maps to exit code 4.
type AdminRequiredError struct {
	Prefix string
	Action string // "repair", "uninstall"
}

func (e *AdminRequiredError) Error() string {
	return fmt.Sprintf("cannot %s the install at %q: it is installed for all users, and only an administrator may change it; nothing was changed", e.Action, e.Prefix)
}

// Hint says how to get administrator rights on this OS.
func (e *AdminRequiredError) Hint() string {
	return platform.AdminHint(runtime.GOOS, fmt.Sprintf("onboard %s --prefix %s", e.Action, e.Prefix))
}

// checkMayModify refuses action on a shared install this user may not
// change.
func checkMayModify(prefix, action string) error {
	if mayModify(prefix) {
		return nil
	}
	return &AdminRequiredError{Prefix: prefix, Action: action}
}

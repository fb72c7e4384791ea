package engine

import (
	"fmt"
	"runtime"
	"strings"

	"onboard/installer/internal/seam"
	"onboard/installer/state"
	"onboard/platform"
)

// MayModify tells whether this process may change the install at prefix
// (platform.HostMayModify; tests replace it through seam.MayModify).
func MayModify(prefix string) bool { return seam.MayModify(prefix) }

// AdminRequiredError refuses to repair, uninstall or replace (upgrade,
// install again over) an install shared by all users for someone who is
// not an administrator. It is returned before anything is touched, and
// maps to exit code 4.
type AdminRequiredError struct {
	Prefix string
	Action string // "repair", "uninstall", "replace", "install-for-all-users"
	// Others: the install is not for all users but another user's (one
	// root made without --all-users, say): only the wording differs.
	Others bool
}

func (e *AdminRequiredError) Error() string {
	switch {
	case e.Action == "install-for-all-users":
		return fmt.Sprintf("cannot install into %q for all users: only an administrator may (root, or an elevated administrator on Windows); nothing was changed", e.Prefix)
	case e.Others:
		return fmt.Sprintf("cannot %s the install at %q: it is another user's, and only they or an administrator may change it; nothing was changed", e.Action, e.Prefix)
	}
	return fmt.Sprintf("cannot %s the install at %q: it is installed for all users, and only an administrator may change it; nothing was changed", e.Action, e.Prefix)
}

// Why is the sentence a window shows where its Repair and Uninstall are
// off for this user.
func (e *AdminRequiredError) Why() string {
	whose := "this install is shared by all users of this computer"
	if e.Others {
		whose = "this install is another user's"
	}
	hint := e.Hint()
	if hint != "" {
		hint = " " + strings.ToUpper(hint[:1]) + hint[1:] + "."
	}
	return fmt.Sprintf("Repair and Uninstall are off for you: %s.%s", whose, hint)
}

// Hint says how to get administrator rights on this OS, with the command
// to run: the install's own maintenance app, which is on no PATH; for a
// replacement, the installer.
func (e *AdminRequiredError) Hint() string {
	if e.Action == "replace" || e.Action == "install-for-all-users" {
		return platform.AdminInstallHint(runtime.GOOS)
	}
	t := platform.HostTarget()
	return platform.AdminHint(runtime.GOOS, fmt.Sprintf("%s %s --prefix %s",
		state.QuoteArg(platform.MaintenanceApp(t, e.Prefix)), e.Action, state.QuoteArg(e.Prefix)))
}

// CheckMayModify refuses action on an install this user may not change:
// the one rule (MayModify: who owns the folder) of repair, uninstall, the
// install's replacement and the window's buttons. The manifest's
// all_users only picks the words.
func CheckMayModify(prefix, action string) error {
	if MayModify(prefix) {
		return nil
	}
	m, err := state.ReadManifest(prefix)
	return &AdminRequiredError{Prefix: prefix, Action: action, Others: err == nil && !m.AllUsers}
}

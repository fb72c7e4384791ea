package platform

import (
	"fmt"
)

// UserState is where one user keeps the runtime state of one install:
// Jupyter's server records and log (the log carries the access token),
// Jupyter's runtime files, and session logs. It is in the user's own
// folders, never in the prefix, so an install shared by all users keeps
// every user's token private, and a user who may not write the prefix can
// still launch. Both folders are created private (0700, files 0600) by
// [EnsurePrivateDir].
type UserState struct {
	Dir     string // records and logs
	Runtime string // JUPYTER_RUNTIME_DIR of the servers onboard starts
}

// UserStateDirs returns the [UserState] of the install at prefix for the
// user env describes. Each folder is keyed by the prefix ("<folder
// name>-<hash of the prefix>"), so two installs never share state:
//
//	Linux, Solaris, others  $XDG_STATE_HOME/onboard/<key> (default ~/.local/state);
//	                        runtime in $XDG_RUNTIME_DIR/onboard/<key> when it is set
//	macOS                   ~/Library/Application Support/onboard/<key>
//	Windows                 %LOCALAPPDATA%\onboard\<key> (known folder first)
//
// The runtime folder is <Dir>/runtime wherever no runtime directory is set.
// Relative XDG values are ignored, as the XDG spec says.
func UserStateDirs(t Target, env Env, prefix string) (UserState, error) {
	key := stateKey(t, prefix)
	var base, runtimeBase string
	switch t.OS {
	case "windows":
		base = firstNonEmpty(env.known("LocalAppData"), env.get("LOCALAPPDATA"))
		if base == "" && env.Home != "" {
			base = t.Join(env.Home, "AppData", "Local")
		}
		if base == "" {
			return UserState{}, fmt.Errorf("failed to find %%LOCALAPPDATA%% for this user's Jupyter state: set LOCALAPPDATA")
		}
	case "darwin":
		if env.Home == "" {
			return UserState{}, fmt.Errorf("failed to find the home folder for this user's Jupyter state: set HOME")
		}
		base = t.Join(env.Home, "Library", "Application Support")
	default:
		if v := env.get("XDG_STATE_HOME"); t.IsAbs(v) {
			base = v
		} else if env.Home != "" {
			base = t.Join(env.Home, ".local", "state")
		} else {
			return UserState{}, fmt.Errorf("failed to find the home folder for this user's Jupyter state: set HOME or XDG_STATE_HOME")
		}
		if v := env.get("XDG_RUNTIME_DIR"); t.IsAbs(v) {
			runtimeBase = v
		}
	}
	s := UserState{Dir: t.Join(base, "onboard", key)}
	if runtimeBase != "" {
		s.Runtime = t.Join(runtimeBase, "onboard", key)
	} else {
		s.Runtime = t.Join(s.Dir, "runtime")
	}
	return s, nil
}

// stateKey names an install's state folder: its folder's name as a slug
// and 8 hex digits of the prefix's hash ("acme-python-1a2b3c4d").
func stateKey(t Target, prefix string) string {
	prefix = trimRightSep(prefix, t.Sep())
	return Slug(t.Base(prefix)) + "-" + prefixHash(prefix)
}

// HostUserState is [UserStateDirs] for this process's user.
func HostUserState(prefix string) (UserState, error) {
	return UserStateDirs(HostTarget(), HostEnv(), prefix)
}

// MayModify tells whether a process running as euid may change an install
// whose prefix is owned by ownerUID: root may, and so may the owner.
// Anyone else uses a shared install, and needs an administrator to repair
// or uninstall it.
func MayModify(ownerUID, euid int) bool { return euid == 0 || euid == ownerUID }

// AdminHint says how to get administrator rights on goos for what (a
// command line such as "onboard repair --prefix /opt/acme").
func AdminHint(goos, what string) string {
	switch goos {
	case "windows":
		return "repairing or removing an install for all users needs an administrator: right-click its Maintenance shortcut in the Start menu and choose \"Run as administrator\" (Windows shows a UAC prompt for an administrator's password), run " + what + " from an administrator's command prompt, or ask your IT department"
	case "darwin":
		return "repairing or removing an install for all users needs an administrator: run sudo " + what + " in Terminal, or ask your IT department"
	default:
		return "repairing or removing an install for all users needs root: run sudo " + what + " (or pkexec " + what + " on a desktop), or ask your IT department"
	}
}

// AdminInstallHint says how to run an installer with administrator rights
// on goos, to change an install for all users.
func AdminInstallHint(goos string) string {
	const mine = "; or install for yourself only, into another folder"
	switch goos {
	case "windows":
		return "changing an install for all users needs an administrator: right-click the installer and choose \"Run as administrator\", or ask your IT department" + mine
	case "darwin":
		return "changing an install for all users needs an administrator: run the installer with sudo in Terminal, or ask your IT department" + mine
	default:
		return "changing an install for all users needs root: run the installer with sudo, or ask your IT department" + mine
	}
}

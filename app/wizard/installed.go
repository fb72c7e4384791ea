package wizard

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"

	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/platform"
)

// Installed is an existing install, read from its installed manifest
// (state.ReadManifest).
type Installed struct {
	Prefix   string
	Manifest bundle.Manifest
	Subdir   string
}

// ReadInstalled reads the install at prefix. When prefix holds no install
// the error wraps fs.ErrNotExist.
func ReadInstalled(prefix string) (*Installed, error) {
	m, err := state.ReadManifest(prefix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no onboard install at %s: %w", prefix, err)
	}
	if err != nil {
		return nil, fmt.Errorf("the install at %s cannot be read: %w", prefix, err)
	}
	return &Installed{Prefix: prefix, Manifest: m.Manifest, Subdir: m.Subdir}, nil
}

// PrefixOfExecutable returns the prefix when exe is a maintenance app, that
// is when it sits in an install's state folder beside its manifest. A copy
// conda made in an env of the install (ClonedMaintenanceApp) is none.
func PrefixOfExecutable(exe string) (string, bool) {
	p, ok := state.PrefixOf(exe)
	if !ok || !state.HasManifest(p) {
		return "", false
	}
	if _, _, clone := ClonedMaintenanceApp(exe); clone {
		return "", false
	}
	return p, true
}

// ClonedMaintenanceApp tells whether exe is a copy of an install's
// maintenance app that conda made in an env of that install when it cloned
// the base (conda create --clone base copies every file no record names,
// .onboard/ too). env is that env's folder, root the install's.
func ClonedMaintenanceApp(exe string) (env, root string, ok bool) {
	p, ok := state.PrefixOf(exe)
	if !ok || !state.HasManifest(p) {
		return "", "", false
	}
	root, ok = state.CloneOf(p)
	if !ok {
		return "", "", false
	}
	return p, root, true
}

// ClonedAppNote says what the copy ClonedMaintenanceApp found is, and
// which program to run instead.
func ClonedAppNote(env, root string) string {
	return fmt.Sprintf("This maintenance app is a copy conda made when it cloned the base into %s, which is an environment of the install in %s, not an install. That install's own is %s; %s can be deleted.",
		env, root, state.AppPath(root), state.Dir(env))
}

// FindInstalled returns the install the maintenance window should open
// on: the one this executable belongs to, else the first of prefixes that
// holds an install. nil when there is none.
func FindInstalled(exe string, prefixes ...string) *Installed {
	if p, ok := PrefixOfExecutable(exe); ok {
		prefixes = append([]string{p}, prefixes...)
	}
	for _, p := range prefixes {
		if p == "" {
			continue
		}
		if in, err := ReadInstalled(p); err == nil {
			return in
		}
	}
	return nil
}

// Envs returns the installed env names, "base" first.
func (in *Installed) Envs() []string {
	out := []string{"base"}
	if p := in.Manifest.Platforms[in.Subdir]; p != nil {
		out = append(out, sortedKeys(p.Envs)...)
	}
	return out
}

// LogPath is the install's log file.
func (in *Installed) LogPath() string { return LogPath(in.Prefix) }

// LogPath is the log file of the install at prefix.
func LogPath(prefix string) string { return state.LogPath(prefix) }

// JupyterEnv is the env the Jupyter launcher of this install runs.
func (in *Installed) JupyterEnv() string { return JupyterEnv(&in.Manifest, in.Subdir) }

// MayModify tells whether this user may repair or uninstall the install at
// prefix, and when not, why and how to get the rights. An install for all
// users may be changed only by an administrator; other users may use it,
// verify it and launch Jupyter from it.
func MayModify(prefix string) (bool, string) {
	if platform.HostMayModify(prefix) {
		return true, ""
	}
	return false, "Repair and Uninstall are off for you: this install is shared by all users of this computer. " +
		capitalise(platform.AdminHint(runtime.GOOS, platform.MaintenanceApp(platform.HostTarget(), prefix)+" repair --prefix "+prefix)) + "."
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// UserFilesWarning is what an uninstall deletes beyond what the bundle
// installed, said before it asks ("" when nothing): the environments made
// with conda inside the install (PREFIX/envs/, where `conda create -n`
// puts them), and the user's own files in its folder and in the bundle's
// environments' folders (state.UserRootEntries, state.UserEnvEntries),
// read when asked, as they may have been made since.
func (in *Installed) UserFilesWarning() string {
	man := &state.Manifest{Manifest: in.Manifest, Subdir: in.Subdir}
	var parts []string
	if envs := state.Named(state.UserEnvs(in.Prefix, man)); len(envs) > 0 {
		parts = append(parts, fmt.Sprintf("environments made with conda (%s)", strings.Join(envs, ", ")))
	}
	files, _ := state.UserRootEntries(in.Prefix)
	if files = append(files, state.UserEnvEntries(in.Prefix, man)...); len(files) > 0 {
		parts = append(parts, fmt.Sprintf("your own files (%s)", strings.Join(files, ", ")))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("It also deletes what was made in %s since the install: %s.", in.Prefix, strings.Join(parts, " and "))
}

package wizard

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/state"
	"onboard/installer/uninstall"
	"onboard/internal/humanize"
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

// Where is the install a program acts on when it is given no folder: one
// rule, FindWhere, for the command line and the windows.
type Where struct {
	// Prefix is the install; "" when none was found.
	Prefix string
	// Own: the program is that install's maintenance app, in its state
	// folder (whose manifest may be lost: repair puts it back).
	Own bool
	// CloneEnv is set when the program is instead the copy of Prefix's
	// maintenance app that conda made in that env when it cloned the base
	// (ClonedMaintenanceApp).
	CloneEnv string
	// Looked is the first folder looked in for the carried bundle's
	// install, and Name that bundle's name; "" when the program carries
	// no bundle.
	Looked, Name string
}

// FindWhere finds the install a program at exe acts on: its own, when it
// is an install's maintenance app; else, when it carries a bundle, that
// bundle's default folder for this user, then the one for all users,
// where it holds an install of that bundle (the same id). defaultPrefix
// is Engine.DefaultPrefix.
func FindWhere(exe string, carried *bundle.Manifest, defaultPrefix func(*bundle.Manifest, bool) (string, error)) Where {
	if env, root, ok := ClonedMaintenanceApp(exe); ok {
		return Where{Prefix: root, CloneEnv: env}
	}
	if p, ok := state.PrefixOf(exe); ok && exe != "" {
		return Where{Prefix: p, Own: true}
	}
	if carried == nil {
		return Where{}
	}
	w := Where{Name: carried.Name}
	for _, all := range []bool{false, true} {
		p, err := defaultPrefix(carried, all)
		if err != nil {
			continue
		}
		if w.Looked == "" {
			w.Looked = p
		}
		if m, err := state.ReadManifest(p); err == nil && m.ID == carried.ID {
			w.Prefix = p
			return w
		}
	}
	return w
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
// prefix, and when not, why and how to get the rights: engine's one rule
// (who owns the folder), which repair and uninstall apply. An install for
// all users may be changed only by an administrator; other users may use
// it, verify it and launch Jupyter from it.
func MayModify(prefix string) (bool, string) {
	var ae *engine.AdminRequiredError
	if err := engine.CheckMayModify(prefix, "repair"); errors.As(err, &ae) {
		return false, ae.Why()
	}
	return true, ""
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

// RunningWarning names the programs that still run from the install,
// which an uninstall stops, said before it asks ("" when none it can
// see): a Jupyter, a kernel with unsaved work, a python started from an
// activated shell (audit AE: they were stopped without a word).
func (in *Installed) RunningWarning() string {
	return runningWarning(uninstall.RunningFrom(in.Prefix))
}

func runningWarning(ps []uninstall.Program) string {
	if len(ps) == 0 {
		return ""
	}
	names := make([]string, 0, 4)
	for i, p := range ps {
		if i == 3 && len(ps) > 4 {
			names = append(names, fmt.Sprintf("%d more", len(ps)-3))
			break
		}
		names = append(names, p.String())
	}
	list := strings.Join(names, ", ")
	if n := len(names); n > 1 {
		list = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
	return fmt.Sprintf("It stops what still runs from it, and what is not saved there is lost: %s.", list)
}

// Removal names what an uninstall removes, for its question and its
// result: "Onboard Demo 2026.1.0 from PREFIX, with its 2 shortcuts and its
// terminal set-up". The shortcuts and the terminal set-up are named only when
// the launcher record (PREFIX/.onboard/launchers.json) has them and is this
// install's: the uninstall keeps to the shortcuts that name the install
// when the record names another folder (an install moved by hand), and
// the question said it removed the old ones, which it left (audit BN 1).
func (in *Installed) Removal() string {
	s := fmt.Sprintf("%s %s from %s", in.Manifest.Name, in.Manifest.Version, in.Prefix)
	rec, err := platform.LoadRecord(state.LaunchersPath(in.Prefix))
	if err != nil || !engine.SamePath(rec.Prefix, in.Prefix) {
		return s
	}
	var with []string
	if n := launcherCount(rec); n > 0 {
		with = append(with, "its "+humanize.Count(n, "shortcut"))
	}
	if len(rec.Shell) > 0 || len(rec.Terminal) > 0 {
		with = append(with, "its terminal set-up")
	}
	if len(with) == 0 {
		return s
	}
	return s + ", with " + strings.Join(with, " and ")
}

// launcherCount counts the launchers a person sees in rec: macOS .app
// bundles, Windows shortcuts and Linux .desktop entries (not their icons).
func launcherCount(rec platform.Record) int {
	n := len(rec.Bundles)
	for _, f := range rec.Files {
		if f.Kind == platform.KindShortcut || (f.Kind == platform.KindEntry && strings.HasSuffix(f.Path, ".desktop")) {
			n++
		}
	}
	return n
}

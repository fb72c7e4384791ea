package installer

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/prefix"
	"onboard/installer/state"
)

// userChanges are what the user did to an install since it was made, as
// replacing it (an upgrade, a reinstall) treats them.
type userChanges struct {
	// Kept are the entries of envs/ that are not the old bundle's
	// environments (those made with conda), and those of the folder itself
	// that no base record names: engine.CarryUserFiles moves them into the
	// new install. Left are those of envs/ the new version has an
	// environment of the same name of: they stay in the old install's
	// folder, which is then kept. Paths relative to the folder. Kept also
	// has the user's entries of the bundle's environments' folders
	// (state.UserEnvEntries) that the new version has too; Dropped has
	// those of an environment it does not have, which stay in the old
	// install's folder.
	Kept, Left, Dropped []string
	// Added are the packages conda added to the bundle's environments: not
	// kept, since the new version's environments are the bundle's.
	Added []envPackages
	// Removed are the packages of the bundle's environments that conda
	// removed (its history says so, and no package of that name is
	// there now) and that the new version installs again; RemovedEnvs
	// the bundle's environments removed with conda (conda env remove)
	// that the new version makes again. An upgrade installs the new
	// version's environments whole, so both come back: the plan and the
	// result say so, where they said nothing.
	Removed     []envPackages
	RemovedEnvs []string
	// Settings are the user's conda settings files of the bundle's
	// environments (engine.SettingsSince), carried by
	// engine.CarryUserFiles;
	// SettingsDropped those of an environment the new version drops.
	Settings        []engine.SettingsChange
	SettingsDropped []string
}

type envPackages struct {
	Env   string
	Dists []string
}

// changesSince reads what the user changed in the install at dir (its
// manifest old), to be replaced by the bundle's platform pl.
func changesSince(dir string, old *state.Manifest, pl *bundle.Platform, newRC []byte) userChanges {
	var u userChanges
	u.Settings, u.SettingsDropped = engine.SettingsSince(dir, old, func(env string) bool { _, ok := pl.Envs[env]; return ok }, newRC)
	bundleEnvs := old.EnvDists()
	for _, name := range state.Named(state.UserEnvs(dir, old)) {
		if _, taken := pl.Envs[name]; taken {
			u.Left = append(u.Left, "envs/"+name)
		} else {
			u.Kept = append(u.Kept, "envs/"+name)
		}
	}
	// the user's own entries of the folder itself (engine.CarryUserFiles)
	for _, rel := range state.UserEnvEntries(dir, old) {
		if _, has := pl.Envs[strings.Split(rel, "/")[1]]; !has {
			u.Dropped = append(u.Dropped, rel)
		} else {
			u.Kept = append(u.Kept, rel)
		}
	}
	root, _ := state.UserRootEntries(dir)
	u.Kept = append(u.Kept, root...)
	names := make([]string, 0, len(bundleEnvs))
	for n := range bundleEnvs {
		names = append(names, n)
	}
	sort.Strings(names)
	list := prefix.EnvironmentsTxtPath("")
	for _, n := range names {
		envDir := dir
		if n != state.BaseEnv {
			envDir = filepath.Join(dir, "envs", n)
		}
		newPkgs, has := pl.Base, true
		if n != state.BaseEnv {
			newPkgs, has = pl.Envs[n]
			if prefix.EnvMadeWithConda(envDir) {
				continue // the user's, under the bundle's name: Left above
			}
		}
		if has && n != state.BaseEnv && prefix.EnvRemovedWithConda(envDir, dir, list) {
			u.RemovedEnvs = append(u.RemovedEnvs, n)
			continue
		}
		if back := removedComingBack(envDir, bundleEnvs[n], newPkgs); has && len(back) > 0 {
			u.Removed = append(u.Removed, envPackages{Env: n, Dists: back})
		}
		files, _ := state.MetaFiles(envDir)
		installed := map[string]bool{}
		for _, d := range bundleEnvs[n] {
			installed[d+".json"] = true
		}
		var added []string
		for _, f := range files {
			if !installed[f] {
				added = append(added, strings.TrimSuffix(f, ".json"))
			}
		}
		if len(added) > 0 {
			u.Added = append(u.Added, envPackages{Env: n, Dists: added})
		}
	}
	return u
}

// removedComingBack returns the names of the packages of the old bundle
// (oldDists) that conda removed from the env at envDir, no package of that
// name being there now, and that the new version (newPkgs) installs.
func removedComingBack(envDir string, oldDists []string, newPkgs []bundle.Package) []string {
	hist, err := os.ReadFile(prefix.HistoryPath(envDir))
	if err != nil {
		return nil
	}
	removed := prefix.RemovedByHistory(hist)
	now := map[string]bool{}
	files, _ := state.MetaFiles(envDir)
	for _, f := range files {
		now[prefix.DistPackageName(strings.TrimSuffix(f, ".json"))] = true
	}
	coming := map[string]bool{}
	for _, p := range newPkgs {
		coming[p.Name] = true
	}
	var out []string
	for _, d := range oldDists {
		if name := prefix.DistPackageName(d); removed[d] && !now[name] && coming[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// planNotes say it all, for the plan (install --dry-run, the Location
// step).
func (u userChanges) planNotes() []string {
	var notes []string
	if len(u.Kept) > 0 {
		notes = append(notes, fmt.Sprintf("what was made in the install's folder since the install (environments made with conda, your own files) is kept: %s", strings.Join(u.Kept, ", ")))
	}
	if len(u.Left) > 0 {
		notes = append(notes, fmt.Sprintf("the new version brings environments named %s: yours of those names stay in the old install's folder (PREFIX.onboard-old-*), which is then kept, but where they no longer work (a conda environment cannot be moved); to keep using one, cancel, rename it first (conda rename -n NAME NEWNAME), then run the installer again", strings.Join(u.Left, ", ")))
	}
	if len(u.Dropped) > 0 {
		notes = append(notes, fmt.Sprintf("the new version no longer has the environments of %s: those stay in the old install's folder (PREFIX.onboard-old-*), which is then kept", strings.Join(u.Dropped, ", ")))
	}
	if note := engine.SettingsNote(u.Settings, u.SettingsDropped, true); note != "" {
		notes = append(notes, note)
	}
	notes = append(notes, "files put inside the packages' own folders since the install (a module added to site-packages, a file under share/) are not kept: the new version's packages replace those folders")
	return append(notes, u.addedNotes()...)
}

// leftNote says, after an upgrade, where the user's envs left (envs/NAME,
// of names the new version's envs took) went: the old install's folder
// aside, which is kept.
func leftNote(left []string, aside string) string {
	return fmt.Sprintf("your own environments %s have names of the new version's environments: they were left in the old install's folder %q, which is kept, but where they no longer work (a conda environment cannot be moved); make them again with conda under other names (their packages are listed in its conda-meta folders)", strings.Join(left, ", "), aside)
}

// addedNotes are the notes about the packages conda added, and those it
// removed that come back, for the install's result (engine.Carried says
// what was kept).
func (u userChanges) addedNotes() []string {
	var notes []string
	if len(u.RemovedEnvs) > 0 {
		notes = append(notes, fmt.Sprintf("the environments %s were removed with conda since the install: the new version has them, so the upgrade makes them again; remove them again with 'conda env remove -n NAME' afterwards if you do not want them", strings.Join(u.RemovedEnvs, ", ")))
	}
	for _, r := range u.Removed {
		notes = append(notes, fmt.Sprintf("conda removed %s from %s since the install: the new version's %s has them, so the upgrade installs them again; remove them again with conda afterwards if you do not want them",
			strings.Join(r.Dists, ", "), r.Env, r.Env))
	}
	for _, a := range u.Added {
		notes = append(notes, fmt.Sprintf("conda added %s to %s since the install: the new version's %s is the bundle's, without them; install them again with conda afterwards if you need them",
			strings.Join(a.Dists, ", "), a.Env, a.Env))
	}
	return notes
}

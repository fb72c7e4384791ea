package engine

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"onboard/installer/state"
	"onboard/internal/atomicfile"
)

// Carried is what an upgrade took over from the old install, as paths
// relative to the install's folder ("envs/mine", "notes.txt").
type Carried struct {
	// Moved are now in the new install.
	Moved []string
	// Left are those the new install has an entry of the same name of:
	// they stay in the old install's folder, which is then kept.
	Left []string
	// Dropped are the user's files in an environment of the old bundle
	// that the new one does not have: they stay in the old install's
	// folder too.
	Dropped []string
	// Settings are the user's conda settings files of the bundle's
	// environments that were carried (SettingsSince); SettingsDropped
	// those of an environment the new version does not have.
	Settings        []SettingsChange
	SettingsDropped []string
	// Packages are the entries of the old package cache (pkgs/) carried:
	// what conda put there itself, and the old bundle's packages that an
	// environment carried uses. Offline they are the only copies from
	// which conda clones or installs those packages again.
	Packages []string
}

// condaPackages lists, as "pkgs/NAME", the entries of the old install's
// package cache an upgrade keeps: those that are no package of the old
// bundle (conda put them there, from a channel that may be gone), and
// the old bundle's packages that a carried environment (carried, paths
// such as "envs/mine") has records of. conda's index files and its
// hidden entries stay behind.
func condaPackages(aside string, old *state.Manifest, carried []string) []string {
	ents, err := os.ReadDir(filepath.Join(aside, "pkgs"))
	if err != nil {
		return nil
	}
	bundles := map[string]bool{} // the old bundle's dists and file names
	if old != nil && old.Platforms[old.Subdir] != nil {
		for _, p := range old.Platforms[old.Subdir].All() {
			bundles[p.Dist()], bundles[p.Fn] = true, true
		}
	}
	used := map[string]bool{} // dists the carried environments hold
	for _, rel := range carried {
		recs, _ := filepath.Glob(filepath.Join(aside, filepath.FromSlash(rel), "conda-meta", "*.json"))
		for _, r := range recs {
			used[strings.TrimSuffix(filepath.Base(r), ".json")] = true
		}
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".") || n == "cache" || n == "urls" || n == "urls.txt" {
			continue
		}
		dist := strings.TrimSuffix(strings.TrimSuffix(n, ".conda"), ".tar.bz2")
		if bundles[n] && !used[dist] {
			continue
		}
		out = append(out, "pkgs/"+n)
	}
	return out
}

// KeepAside says whether the old install's folder still holds what is the
// user's, and must be kept.
func (c Carried) KeepAside() bool { return len(c.Left)+len(c.Dropped)+len(c.SettingsDropped) > 0 }

// Note says what c means to the person who upgraded ("" when nothing was
// carried or left); aside is the old install's folder.
func (c Carried) Note(aside string) string {
	var parts []string
	if moved := named(c.Moved); len(moved) > 0 {
		parts = append(parts, fmt.Sprintf("kept what was made in the install's folder since the install (environments made with conda, your own files): %s", strings.Join(moved, ", ")))
	}
	if len(c.Left) > 0 {
		parts = append(parts, fmt.Sprintf("the new version has %s of its own, so yours stay in the old install at %q, where they no longer run (a conda environment cannot be moved): copy your files out of it, make the environment again with conda (conda env export from there lists its packages), then delete it",
			strings.Join(c.Left, ", "), aside))
	}
	if len(c.Dropped) > 0 {
		parts = append(parts, fmt.Sprintf("the new version no longer has the environments of %s, so those stay in the old install at %q; move what you need out of it, then delete it",
			strings.Join(c.Dropped, ", "), aside))
	}
	if len(c.Packages) > 0 {
		list := c.Packages
		if len(list) > 4 {
			list = append(list[:3:3], fmt.Sprintf("and %d more", len(c.Packages)-3))
		}
		parts = append(parts, fmt.Sprintf("kept conda's copies of the packages that the kept environments and conda's own installs came from, in pkgs/: %s", strings.Join(list, ", ")))
	}
	if note := SettingsNote(c.Settings, c.SettingsDropped, false); note != "" {
		parts = append(parts, note)
	}
	return strings.Join(parts, "; ")
}

// named leaves out conda's hidden entries of envs/ (state.Named).
func named(paths []string) []string {
	var out []string
	for _, p := range paths {
		if len(state.Named([]string{path.Base(p)})) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// CarryUserFiles moves into the new install at prefix what the old one,
// moved aside to aside, holds that was not the old bundle's: in its envs/
// folder, the environments the user made with conda (`conda create -n
// NAME` puts them there) and anything else put there (state.UserEnvs);
// in the folder itself, the entries that no record of the base names
// (state.UserRootEntries: a notes file, a folder of notebooks); in the
// folder of each of the old bundle's environments, the entries that no
// record of it names (state.UserEnvEntries: a notebook saved there), into
// the new version's environment of that name, or, when it has none, left
// in aside (Dropped). An upgrade
// replaces the bundle's environments; these are the user's, and an
// upgrade must not delete them. They are renamed (the same disk), so they
// end at the paths they were made for: their records, activation and
// launchers work as before. An entry of envs/ the new install already has
// is left in aside, which the caller then keeps; one of the folder itself
// that the new install has too was made by the install again (a post-link
// script's output, which no record names), and the new one stays. Run again, it carries what is
// still there: a recovery after a crash in the middle finishes it.
func CarryUserFiles(aside, prefix string, logf Logf) (Carried, error) {
	logf = LogfOrNop(logf)
	var c Carried
	// An old install whose manifest is gone or damaged (replaced with
	// --force) names no environment of its own: all of envs/ is carried,
	// where the new install leaves room.
	old, _ := state.ReadManifest(aside)
	var rels []string
	for _, name := range state.UserEnvs(aside, old) {
		rels = append(rels, "envs/"+name)
	}
	// Without readable base records nothing of the folder itself is told
	// from the packages' files: only envs/ is carried.
	root, err := state.UserRootEntries(aside)
	if err != nil {
		logf("upgrade: the old install's records cannot be read (%v): only its envs/ is carried", err)
	}
	envs := len(rels)
	cache := condaPackages(aside, old, rels)
	rels = append(rels, state.UserEnvEntries(aside, old)...)
	rels = append(rels, root...)
	for i, rel := range rels {
		from, to := filepath.Join(aside, filepath.FromSlash(rel)), filepath.Join(prefix, filepath.FromSlash(rel))
		if dir := path.Dir(rel); i >= envs && dir != "." {
			if _, err := os.Lstat(filepath.Join(prefix, filepath.FromSlash(dir))); err != nil {
				c.Dropped = append(c.Dropped, rel) // an env the new version does not have
				continue
			}
		}
		if _, err := os.Lstat(to); err == nil {
			if i >= envs {
				// The new install made it again: what a package's
				// post-link script writes is no record's file.
				logf("upgrade: %q is in the new install too; the new one is kept", rel)
				continue
			}
			c.Left = append(c.Left, rel)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return c, fmt.Errorf("failed to keep %q in the new install: %w", from, err)
		}
		if err := os.Rename(from, to); err != nil {
			return c, fmt.Errorf("failed to keep %q in the new install at %q: %w; move it there by hand", from, to, err)
		}
		atomicfile.SyncDir(filepath.Dir(to))
		logf("upgrade: kept %q, which the old bundle did not install, at %q", from, to)
		c.Moved = append(c.Moved, rel)
	}
	for _, rel := range cache {
		from, to := filepath.Join(aside, filepath.FromSlash(rel)), filepath.Join(prefix, filepath.FromSlash(rel))
		if _, err := os.Lstat(to); err == nil {
			continue // the new install has the same package there
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return c, fmt.Errorf("failed to keep %q in the new install: %w", from, err)
		}
		if err := os.Rename(from, to); err != nil {
			return c, fmt.Errorf("failed to keep %q in the new install at %q: %w; move it there by hand", from, to, err)
		}
		logf("upgrade: kept %q, conda's copy of a package the new install has no copy of, at %q", from, to)
		c.Packages = append(c.Packages, rel)
	}
	if len(cache) > 0 {
		atomicfile.SyncDir(filepath.Join(prefix, "pkgs"))
	}
	if old == nil {
		return c, nil
	}
	var serr error
	c.Settings, c.SettingsDropped, serr = carrySettings(aside, prefix, old, logf)
	return c, serr
}

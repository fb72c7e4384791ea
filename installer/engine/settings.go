package engine

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"onboard/installer/bundle"
	"onboard/installer/pkg"
	"onboard/installer/state"
	"onboard/internal/atomicfile"
)

// condaSettings are the files in an env where conda keeps what the user
// set with it: `conda config --env` (.condarc), `conda env config vars`
// (conda-meta/state) and pins (conda-meta/pinned). No package's record
// names them, and the folders they are in are the install's, so neither
// state.UserEnvEntries nor engine.CarryUserFiles takes them. The base has
// more: its condarc.d (baseSettings).
var condaSettings = []string{pkg.CondarcFile, "conda-meta/pinned", "conda-meta/state"}

// SettingsChange is one such file of an old install, as an upgrade or a
// reinstall treats it.
type SettingsChange struct {
	Rel string // relative to the install's folder: "envs/team/.condarc"
	// Aside is set where the file holds the old bundle's settings that
	// the user changed (the base's condarc.d/onboard.yml, or the .condarc
	// where onboard wrote them before): the new version writes its own,
	// and the user's is kept beside it under this name.
	Aside string
	// Keys are the user's own settings of such a .condarc (conda config
	// --system or -n ENV added them to onboard's), written again to Rel
	// without the old bundle's; keep is that file.
	Keys []string
	keep []byte
	// Overridden are those of Keys in the base's .condarc that the new
	// bundle's settings set too: conda reads condarc.d after it, so the
	// bundle's win there.
	Overridden []string
}

// SettingsSince lists the conda settings files of the old install at dir
// (its manifest old) that the user made or changed, in the environments
// the new version has too (has; those of an environment it drops stay in
// the old install's folder with the rest of it: dropped). The base's
// condarc.d/onboard.yml is the old bundle's unless it differs from what
// the old bundle wrote; newRC is the one the new version writes (nil:
// none).
func SettingsSince(dir string, old *state.Manifest, has func(env string) bool, newRC []byte) (kept []SettingsChange, dropped []string) {
	envs := old.EnvDists()
	names := make([]string, 0, len(envs))
	for n := range envs {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { // the base first
		return names[i] != names[j] && (names[i] == state.BaseEnv || (names[j] != state.BaseEnv && names[i] < names[j]))
	})
	for _, n := range names {
		rel, files := "envs/"+n+"/", condaSettings
		if n == state.BaseEnv {
			rel, files = "", append(slices.Clone(condaSettings), baseSettings(dir)...)
		}
		keeps := n == state.BaseEnv || has(n)
		for _, s := range files {
			full := filepath.Join(dir, filepath.FromSlash(rel+s))
			b, err := readRegular(full)
			if err != nil {
				// a link or a folder the user put in condarc.d is carried
				// as it is (they were dropped: audit X)
				if _, lerr := os.Lstat(full); lerr != nil || !strings.HasPrefix(s, pkg.CondarcFolder+"/") || s == pkg.BundleCondarcFile {
					continue
				}
			}
			c := SettingsChange{Rel: rel + s}
			if n == state.BaseEnv {
				var skip bool
				if skip, c.Aside = bundleSettings(dir, s, b, old, newRC); skip {
					continue
				}
			} else if s == pkg.CondarcFile && bytes.HasPrefix(b, []byte(bundle.CondarcHeader)) {
				// conda config -n ENV copied an older onboard's base
				// .condarc into it, the old bundle's settings with the
				// user's: kept aside, so that the new bundle's count
				c.Aside = pkg.CondarcFile + ".from-" + old.Version
			}
			if s == pkg.CondarcFile && c.Aside != "" {
				// the user's own settings in it stay where they were
				c.keep, c.Keys = UsersSettings(b, old.CondarcYAML())
				if n == state.BaseEnv {
					c.Overridden = Overridden(c.keep, newRC)
				}
			}
			if !keeps {
				dropped = append(dropped, c.Rel)
				continue
			}
			kept = append(kept, c)
		}
	}
	return kept, dropped
}

// baseSettings are the files of the base's condarc.d in the old install
// at dir ("condarc.d/onboard.yml" first), but for those a package of the
// base installed; none but onboard.yml when the base's records cannot be
// read.
func baseSettings(dir string) []string {
	out := []string{pkg.BundleCondarcFile}
	ents, err := os.ReadDir(filepath.Join(dir, pkg.CondarcFolder))
	if err != nil {
		return out
	}
	meta, err := state.ReadMeta(dir)
	if err != nil {
		return out
	}
	packages := map[string]bool{}
	for _, r := range meta.Records {
		for _, f := range r.Files {
			packages[f] = true
		}
	}
	for _, e := range ents {
		rel := pkg.CondarcFolder + "/" + e.Name()
		if rel != pkg.BundleCondarcFile && !packages[rel] {
			out = append(out, rel)
		}
	}
	return out
}

// bundleSettings tells what rel, a settings file of the base of the old
// install at dir holding b, is to an upgrade: the old bundle's own or
// already the new one's (skip), the user's changed copy of the old
// bundle's, to keep beside the new version's own as aside, or the user's
// own file, to keep as it is (neither). Onboard once wrote the bundle's
// settings to the base's .condarc, the file `conda config` copies into a
// user's ~/.condarc (audit U 2): an install without condarc.d/onboard.yml
// whose bundle had settings is one of those.
func bundleSettings(dir, rel string, b []byte, old *state.Manifest, newRC []byte) (skip bool, aside string) {
	oldRC := old.CondarcYAML()
	switch rel {
	case pkg.BundleCondarcFile:
	case pkg.CondarcFile:
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(pkg.BundleCondarcFile))); oldRC == nil || err == nil {
			return false, "" // conda config --system (or --env in the base) wrote it
		}
	default:
		return false, ""
	}
	if bytes.Equal(b, oldRC) || bytes.Equal(b, newRC) {
		return true, ""
	}
	if newRC != nil || rel == pkg.CondarcFile {
		return false, path.Base(rel) + ".from-" + old.Version
	}
	return false, ""
}

// readRegular reads a regular file (not through a final symlink).
func readRegular(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a file", path)
	}
	return os.ReadFile(path)
}

// carrySettings moves the user's conda settings files (SettingsSince)
// from the old install, moved aside to aside, into the new one at prefix,
// which is complete: to the same path, or beside the new install's own
// file of that name. Those of an environment the new version does not
// have stay in aside.
func carrySettings(aside, prefix string, old *state.Manifest, logf Logf) (moved []SettingsChange, dropped []string, err error) {
	var newRC []byte
	if m, err := state.ReadManifest(prefix); err == nil {
		newRC = m.CondarcYAML()
	}
	has := func(env string) bool {
		st, err := os.Stat(filepath.Join(prefix, "envs", env))
		return err == nil && st.IsDir()
	}
	kept, dropped := SettingsSince(aside, old, has, newRC)
	for _, c := range kept {
		from := filepath.Join(aside, filepath.FromSlash(c.Rel))
		to := filepath.Join(prefix, filepath.FromSlash(c.Rel))
		if _, err := os.Lstat(to); err == nil && c.Aside == "" {
			c.Aside = filepath.Base(c.Rel) + ".from-" + old.Version
		}
		if c.Aside != "" {
			to = filepath.Join(filepath.Dir(to), c.Aside)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return moved, dropped, fmt.Errorf("failed to keep your conda setting %q in the new install: %w", from, err)
		}
		if err := os.Rename(from, to); err != nil {
			return moved, dropped, fmt.Errorf("failed to keep your conda setting %q in the new install at %q: %w; move it there by hand", from, to, err)
		}
		logf("upgrade: kept the conda setting %q at %q", from, to)
		if len(c.keep) > 0 {
			own := filepath.Join(prefix, filepath.FromSlash(c.Rel))
			if err := atomicfile.WriteFile(own, c.keep, 0o644); err != nil {
				return moved, dropped, fmt.Errorf("failed to keep your own conda settings %s in %q: %w; they are in %q", strings.Join(c.Keys, ", "), own, err, to)
			}
			logf("upgrade: kept your own conda settings %s in %q", strings.Join(c.Keys, ", "), own)
		}
		moved = append(moved, c)
	}
	return moved, dropped, nil
}

// SettingsNote says what became of the user's conda settings ("" when
// there were none); planned words it before the fact.
func SettingsNote(cs []SettingsChange, dropped []string, planned bool) string {
	var same, parts []string
	for _, c := range cs {
		if c.Aside == "" {
			same = append(same, c.Rel)
			continue
		}
		as := filepath.ToSlash(filepath.Join(filepath.Dir(c.Rel), c.Aside))
		beside := ", beside the new version's own"
		switch {
		case c.Rel == pkg.CondarcFile: // the old bundle's settings were in it
			beside = " (the new version's settings are in " + pkg.BundleCondarcFile + ")"
		case path.Base(c.Rel) == pkg.CondarcFile: // an env's copy of those, by conda config
			beside = " (it held the old version's settings, copied by conda config, which would override the new version's)"
		}
		back := "copy what you need back"
		if len(c.Keys) > 0 {
			back = fmt.Sprintf("your own settings in it (%s) stay in %s", strings.Join(c.Keys, ", "), c.Rel)
		}
		if len(c.Overridden) > 0 {
			back += fmt.Sprintf(", but the new version's settings win over %s (conda reads %s after it): conda config --set puts yours in ~/.condarc, which wins", strings.Join(c.Overridden, ", "), pkg.BundleCondarcFile)
		}
		if planned {
			parts = append(parts, fmt.Sprintf("your changed %s is kept as %s%s: %s", c.Rel, as, beside, back))
		} else {
			parts = append(parts, fmt.Sprintf("kept your changed %s as %s%s: %s", c.Rel, as, beside, back))
		}
	}
	if len(same) > 0 {
		verb := "kept your conda settings"
		if planned {
			verb = "your conda settings are kept"
		}
		parts = append([]string{fmt.Sprintf("%s: %s", verb, strings.Join(same, ", "))}, parts...)
	}
	if len(dropped) > 0 {
		parts = append(parts, fmt.Sprintf("the conda settings %s are of environments the new version does not have: they stay in the old install's folder", strings.Join(dropped, ", ")))
	}
	return strings.Join(parts, "; ")
}

// UsersSettings splits a settings file that onboard once wrote the
// bundle's settings to (bundleRC) and conda config then added the user's
// to: it returns the file without the old bundle's (its top-level blocks
// of onboard's lines alone, and its header), and the user's keys in it;
// nil when none are left. conda config rewrites the file keeping its
// lines (ruamel's round trip), so a block the user did not touch is
// onboard's line for line; one they changed (a channel added) is theirs.
func UsersSettings(file, bundleRC []byte) (part []byte, keys []string) {
	ours := map[string]bool{}
	for _, l := range strings.Split(string(bundleRC), "\n") {
		ours[strings.TrimRight(l, " \t\r")] = true
	}
	var out strings.Builder
	var block []string
	flush := func() {
		if len(block) == 0 {
			return
		}
		mine := false
		for _, l := range block {
			if t := strings.TrimRight(l, " \t\r"); t != "" && !ours[t] {
				mine = true
			}
		}
		if mine {
			for _, l := range block {
				out.WriteString(l + "\n")
			}
			if k, _, ok := strings.Cut(block[0], ":"); ok && !strings.HasPrefix(block[0], "#") {
				keys = append(keys, strings.TrimSpace(k))
			}
		}
		block = nil
	}
	for _, l := range strings.Split(strings.TrimRight(string(file), "\n"), "\n") {
		if l != "" && l[0] != ' ' && l[0] != '\t' && l[0] != '-' {
			flush() // a new top-level key or comment
		}
		block = append(block, l)
	}
	flush()
	if len(keys) == 0 {
		return nil, nil
	}
	return []byte(out.String()), keys
}

// Overridden are the top-level keys of the settings file rc (the base's
// .condarc) that bundleRC (condarc.d/onboard.yml) sets too: conda reads
// condarc.d after the base's .condarc, so for those the bundle's values
// win, and the user's there do nothing (audit X).
func Overridden(rc, bundleRC []byte) []string {
	theirs := map[string]bool{}
	for _, k := range topKeys(bundleRC) {
		theirs[k] = true
	}
	var out []string
	for _, k := range topKeys(rc) {
		if theirs[k] {
			out = append(out, k)
		}
	}
	return out
}

// topKeys are the keys of a YAML mapping's top level, as conda's settings
// files write them ("key: value" or "key:" at the start of a line).
func topKeys(rc []byte) []string {
	var keys []string
	for _, l := range strings.Split(string(rc), "\n") {
		if l == "" || strings.ContainsAny(l[:1], " \t#-") {
			continue
		}
		if k, _, ok := strings.Cut(l, ":"); ok {
			keys = append(keys, strings.Trim(strings.TrimSpace(k), `"'`))
		}
	}
	return keys
}

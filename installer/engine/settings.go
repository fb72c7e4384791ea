package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"onboard/installer/state"
)

// condaSettings are the files in an env where conda keeps what the user
// set with it: `conda config --env` (.condarc), `conda env config vars`
// (conda-meta/state) and pins (conda-meta/pinned). No package's record
// names them, and the folders they are in are the install's, so neither
// state.UserEnvEntries nor engine.CarryUserFiles takes them.
var condaSettings = []string{".condarc", "conda-meta/pinned", "conda-meta/state"}

// SettingsChange is one such file of an old install, as an upgrade or a
// reinstall treats it.
type SettingsChange struct {
	Rel string // relative to the install's folder: "envs/team/.condarc"
	// Aside is set where the new install writes that file itself (the
	// base's .condarc, from the new bundle): the user's changed one is
	// kept beside it under this name.
	Aside string
}

// SettingsSince lists the conda settings files of the old install at dir
// (its manifest old) that the user made or changed, in the environments
// the new version has too (has; those of an environment it drops stay in
// the old install's folder with the rest of it: dropped). The base's
// .condarc is the old bundle's unless it differs from what the old bundle
// wrote; newRC is the one the new version writes (nil: none).
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
		rel := ""
		if n != state.BaseEnv {
			rel = "envs/" + n + "/"
		}
		keeps := n == state.BaseEnv || has(n)
		for _, s := range condaSettings {
			b, err := readRegular(filepath.Join(dir, filepath.FromSlash(rel+s)))
			if err != nil {
				continue
			}
			c := SettingsChange{Rel: rel + s}
			if n == state.BaseEnv && s == ".condarc" {
				if bytes.Equal(b, old.CondarcYAML()) || bytes.Equal(b, newRC) {
					continue // the old bundle's (or already the new one's)
				}
				if newRC != nil {
					c.Aside = ".condarc.from-" + old.Version
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
		if _, err := os.Lstat(to); err == nil {
			if c.Aside == "" {
				c.Aside = filepath.Base(c.Rel) + ".from-" + old.Version
			}
			to = filepath.Join(filepath.Dir(to), c.Aside)
		} else {
			c.Aside = ""
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return moved, dropped, fmt.Errorf("failed to keep your conda setting %q in the new install: %w", from, err)
		}
		if err := os.Rename(from, to); err != nil {
			return moved, dropped, fmt.Errorf("failed to keep your conda setting %q in the new install at %q: %w; move it there by hand", from, to, err)
		}
		logf("upgrade: kept the conda setting %q at %q", from, to)
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
		if planned {
			parts = append(parts, fmt.Sprintf("your changed %s is kept as %s, beside the new version's own: copy what you need back", c.Rel, as))
		} else {
			parts = append(parts, fmt.Sprintf("kept your changed %s as %s, beside the new version's own: copy what you need back", c.Rel, as))
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

package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"onboard/installer/state"
	"onboard/internal/capread"
	"onboard/platform"
)

// MakeMenus makes the shortcuts of the packages' menu files (Menu/*.json,
// menuinst v2) in the base env of the install at prefix and in each of
// envs, as conda's menuinst does after an install, and returns their
// record (Menus set, each file's Source its menu file) and notes. A menu
// that cannot be made is a note, never a failure: conda only logs it.
// stoppedWords say why a menu's shortcuts were not made when the install
// was stopped while it made them (it said "context canceled": review BP 5).
const stoppedWords = "the install was stopped (Ctrl-C, or the window's Cancel) while it made them; the rest of the install is done"

// The items' precreate code runs first (runPrecreates); when it fails the
// menu file makes no shortcut. Once ctx is done, no more is made (a note
// says so).
//
// only, when not nil, names the packages whose menu files may make
// shortcuts (the bundle's menu_packages, conda's shortcuts_only; in any
// case): the others' are left out, and logged.
func MakeMenus(ctx context.Context, prefix string, envs []string, only *[]string, allUsers bool, logf Logf) (platform.Record, []string) {
	t, env := platform.HostTarget(), platform.HostEnv()
	rec := platform.Record{Schema: 1, Target: t, Prefix: prefix, Menus: true}
	// the install's record from before: what it names is this install's
	// (platform.LeaveTaken); none at a first install
	own, _ := platform.LoadRecord(state.LaunchersPath(prefix))
	var notes []string
	for _, name := range append([]string{"base"}, envs...) {
		e := platform.MenuEnv{Base: prefix, Prefix: prefix, Name: name}
		if name != "base" {
			e.Prefix = filepath.Join(prefix, "envs", name)
		}
		files := MenuFiles(e.Prefix)
		if only != nil && len(files) > 0 {
			files = allowedMenus(e.Prefix, files, *only, name, logf)
		}
		if len(files) == 0 {
			continue
		}
		e.SitePackages = sitePackages(e.Prefix, t.OS)
		for _, f := range files {
			rel, _ := filepath.Rel(e.Prefix, f)
			what := fmt.Sprintf("the shortcuts of %s in the %s environment", filepath.ToSlash(rel), name)
			if ctx.Err() != nil {
				notes = append(notes, what+" were not made: "+stoppedWords)
				continue
			}
			data, err := readMenu(f)
			if err != nil {
				notes = append(notes, fmt.Sprintf("%s were not made: %v", what, err))
				continue
			}
			plan, why, err := platform.MenuLaunchers(t, env, data, e, allUsers)
			for _, n := range why {
				notes = append(notes, what+": "+n)
			}
			if err == nil {
				err = runPrecreates(ctx, plan.Precreate, e.Prefix, logf)
			}
			if err == nil {
				var taken []string
				plan, taken = platform.LeaveTaken(plan, own)
				for _, n := range taken {
					notes = append(notes, what+": "+n)
				}
				var r platform.Record
				if r, err = platform.Apply(sourced(plan, f), platform.Logf(logf)); err == nil {
					rec.Merge(r)
				}
			}
			if err != nil && ctx.Err() != nil {
				notes = append(notes, what+" were not made: "+stoppedWords)
			} else if err != nil {
				notes = append(notes, fmt.Sprintf("%s were not made: %v", what, err))
			}
		}
	}
	return rec, notes
}

// allowedMenus returns the menu files of envDir (of env name) that belong
// to a package of only, by the env's conda-meta records; a menu file of
// no package is left out too, as conda would make none for it.
func allowedMenus(envDir string, files, only []string, name string, logf Logf) []string {
	allowed := map[string]bool{}
	for _, n := range only {
		allowed[strings.ToLower(n)] = true
	}
	owners := menuOwners(envDir)
	var out []string
	for _, f := range files {
		rel, _ := filepath.Rel(envDir, f)
		rel = filepath.ToSlash(rel)
		owner, ok := owners[strings.ToLower(rel)]
		switch {
		case ok && allowed[strings.ToLower(owner)]:
			out = append(out, f)
		case ok:
			logf("menus: %s of the %s environment makes no shortcuts: its package %s is not one of the bundle's menu_packages", rel, name, owner)
		default:
			logf("menus: %s of the %s environment makes no shortcuts: no package of the env has it", rel, name)
		}
	}
	return out
}

// menuOwners maps the menu files that the conda-meta records of envDir
// list (lower case, "menu/x.json") to their package's name.
func menuOwners(envDir string) map[string]string {
	out := map[string]string{}
	recs, _ := filepath.Glob(filepath.Join(envDir, "conda-meta", "*.json"))
	for _, r := range recs {
		f, err := os.Open(r)
		if err != nil {
			continue
		}
		var rec struct {
			Name  string   `json:"name"`
			Files []string `json:"files"`
		}
		err = json.NewDecoder(io.LimitReader(f, maxRecordBytes)).Decode(&rec)
		f.Close()
		if err != nil {
			continue
		}
		for _, p := range rec.Files {
			if platform.MenuPathPattern.MatchString(p) {
				out[strings.ToLower(p)] = rec.Name
			}
		}
	}
	return out
}

// maxRecordBytes caps a conda-meta record menuOwners reads (a record of
// 100,000 files is some 30 MB).
const maxRecordBytes = 1 << 30

// sourced marks every file, shortcut and association of p as made from the menu file
// src, so that verify passes them by once conda has removed the package
// (and menuinst its shortcuts).
func sourced(p platform.Plan, src string) platform.Plan {
	for i := range p.Files {
		p.Files[i].Source = src
	}
	for i := range p.Shortcuts {
		p.Shortcuts[i].Source = src
	}
	for i := range p.Registry {
		p.Registry[i].Source = src
	}
	return p
}

// MenuFiles lists the menu files of the env at envDir: its Menu folder's
// regular *.json files, sorted (the folder and the extension in any case,
// as conda matches them).
func MenuFiles(envDir string) []string {
	ents, err := os.ReadDir(envDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range ents {
		if !d.IsDir() || !strings.EqualFold(d.Name(), "menu") {
			continue
		}
		menus, _ := os.ReadDir(filepath.Join(envDir, d.Name()))
		for _, m := range menus {
			if m.Type().IsRegular() && platform.MenuPathPattern.MatchString("menu/"+m.Name()) {
				out = append(out, filepath.Join(envDir, d.Name(), m.Name()))
			}
		}
	}
	sort.Strings(out)
	return out
}

func readMenu(path string) ([]byte, error) {
	return capread.ReadFile(path, platform.MaxMenuJSON)
}

var pyMajorMinor = regexp.MustCompile(`^\d+\.\d+`)

// sitePackages is the env's site-packages, prefix-relative, from its
// python record ("" when it has none), for menuinst's {{ SP_DIR }}.
func sitePackages(envDir, goos string) string {
	m, err := state.ReadMetaHeads(envDir)
	if err != nil {
		return ""
	}
	for _, r := range m.Records {
		if r.Name != "python" {
			continue
		}
		switch v := pyMajorMinor.FindString(r.Version); {
		case r.PythonSitePackagesPath != "":
			return r.PythonSitePackagesPath
		case goos == "windows":
			return "Lib/site-packages"
		case v != "":
			return "lib/python" + v + "/site-packages"
		}
	}
	return ""
}

// RemoveMenus removes, before the install at prefix is deleted, the
// shortcuts that menuinst makes for the menu files of envs: those conda
// made after the install (a package the user added), which the launcher
// record does not list, as conda's own uninstaller removes every env's
// menus. Only a file that names this install is removed: another install
// may have made one of the same name. What could not be removed is the
// error, for the caller to pass on to a person; the rest is logged.
func RemoveMenus(prefix string, envs []state.Env, allUsers bool, logf Logf) error {
	t, env := platform.HostTarget(), platform.HostEnv()
	rec := platform.Record{Prefix: prefix} // what Remove checks each launcher names
	for _, ev := range envs {
		name := ev.Name
		if name == "" {
			name = "base"
		}
		e := platform.MenuEnv{Base: prefix, Prefix: ev.Dir, Name: name, SitePackages: sitePackages(ev.Dir, t.OS)}
		for _, f := range MenuFiles(ev.Dir) {
			data, err := readMenu(f)
			if err != nil {
				continue
			}
			plan, _, err := platform.MenuLaunchers(t, env, data, e, allUsers)
			if err != nil {
				continue
			}
			r := platform.PlannedRecord(plan)
			r.Files = slices.DeleteFunc(r.Files, func(rf platform.RecordFile) bool { return !platform.NamesPrefix(rf.Path, prefix) })
			r.Bundles = slices.DeleteFunc(r.Bundles, func(b string) bool { return !platform.NamesPrefix(b, prefix) })
			r.MimeApps = slices.DeleteFunc(r.MimeApps, func(m platform.MimeAppsEdit) bool { return !platform.NamesPrefix(m.Entry, prefix) })
			rec.Merge(r)
		}
	}
	if err := platform.Remove(rec, platform.Logf(logf)); err != nil {
		return fmt.Errorf("some of the packages' menu shortcuts were not removed: %w; delete them yourself", err)
	}
	return nil
}

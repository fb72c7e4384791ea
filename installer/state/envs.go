package state

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"onboard/installer/pkg"
	"onboard/installer/prefix"
)

// Env is one environment of an install: its name ([BaseEnv] for the
// prefix itself) and its folder.
type Env struct {
	Name string
	Dir  string
}

// Envs returns the base, then every PREFIX/envs/<name> that holds a
// conda-meta folder or that man names (man may be nil), sorted by name.
func Envs(prefixDir string, man *Manifest) []Env {
	names := map[string]bool{}
	ents, _ := os.ReadDir(filepath.Join(prefixDir, "envs"))
	for _, e := range ents {
		if fi, err := os.Stat(MetaDir(filepath.Join(prefixDir, "envs", e.Name()))); e.IsDir() && err == nil && fi.IsDir() {
			names[e.Name()] = true
		}
	}
	for n := range man.EnvDists() {
		if n != BaseEnv {
			names[n] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	out := []Env{{Name: BaseEnv, Dir: prefixDir}}
	for _, n := range sorted {
		out = append(out, Env{Name: n, Dir: filepath.Join(prefixDir, "envs", n)})
	}
	return out
}

// EnvSubdir is the subdir an env was installed for: man's (man may be
// nil), else that of any of its records that is not noarch, else host().
func EnvSubdir(man *Manifest, recs []*prefix.Record, host func() string) string {
	if man != nil && man.Subdir != "" {
		return man.Subdir
	}
	for _, r := range recs {
		if r.Subdir != "" && r.Subdir != "noarch" {
			return r.Subdir
		}
	}
	return host()
}

// UserEnvs are the entries of prefixDir/envs that are not environments of
// man (may be nil: then all of them), sorted: the environments made with
// conda (`conda create -n NAME` puts them there) and anything else the user
// put there. An upgrade keeps them; an uninstall deletes them, and says so
// first. An env of man's name that conda made (the user removed the
// bundle's and made their own: prefix.EnvMadeWithConda) is the user's
// too, as verify and repair take it: an upgrade replaced it with the
// bundle's without a word (audit AK 1).
func UserEnvs(prefixDir string, man *Manifest) []string {
	ents, _ := os.ReadDir(filepath.Join(prefixDir, "envs"))
	ours := man.EnvDists()
	var out []string
	for _, e := range ents {
		if _, ok := ours[e.Name()]; !ok || prefix.EnvMadeWithConda(filepath.Join(prefixDir, "envs", e.Name())) {
			out = append(out, e.Name())
		}
	}
	return out // os.ReadDir sorts by name
}

// Named are the names people see of entries of envs/: without conda's own
// hidden files there (.conda_envs_dir_test, which it writes to test that
// it may write).
func Named(names []string) []string {
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, ".") {
			out = append(out, n)
		}
	}
	return out
}

// notUsers are the entries of an install's folder that are the install's,
// whatever its records say: conda's and onboard's folders, the envs
// (UserEnvs has those), conda's package cache (fetched again at will),
// and the files onboard writes there. The user's conda settings in them
// (.condarc, condarc.d) are carried as settings (engine.SettingsSince).
var notUsers = []string{"conda-meta", DirName, pkg.ScratchFolder, "envs", "pkgs", pkg.CondarcFile, pkg.CondarcFolder, pkg.NonAdminFile}

// UserRootEntries are the entries of prefixDir's own folder that no record
// of its base names a file under, sorted: what the user put there (a
// notes file, a folder of notebooks). An upgrade carries them; the
// packages' own files and folders are the new version's to make.
func UserRootEntries(prefixDir string) ([]string, error) {
	return userEntries(prefixDir, notUsers)
}

// notUsersOfEnv are the entries of an env's folder that are the env's,
// whatever its records say: conda's folders and the files onboard writes
// there.
var notUsersOfEnv = []string{"conda-meta", pkg.ScratchFolder, DirName, pkg.CondarcFile, pkg.NonAdminFile}

// UserEnvEntries are, for each environment of man (but the base) in
// prefixDir/envs, the entries of its folder that no record of it names a
// file under ("envs/team/analysis.ipynb"): what the user put there beside
// its packages. An env whose records cannot be read gives none.
func UserEnvEntries(prefixDir string, man *Manifest) []string {
	names := make([]string, 0, len(man.EnvDists()))
	for n := range man.EnvDists() {
		if n != BaseEnv && !prefix.EnvMadeWithConda(filepath.Join(prefixDir, "envs", n)) {
			names = append(names, n) // (one conda made is the user's whole: UserEnvs)
		}
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		ents, _ := userEntries(filepath.Join(prefixDir, "envs", n), notUsersOfEnv)
		for _, e := range ents {
			out = append(out, "envs/"+n+"/"+e)
		}
	}
	return out
}

// userEntries are the entries of envDir that no record of its conda-meta
// names a file under, but for those of ours.
func userEntries(envDir string, ours []string) ([]string, error) {
	meta, err := ReadMeta(envDir)
	if err != nil {
		return nil, err
	}
	owned := map[string]bool{}
	for _, n := range ours {
		owned[n] = true
	}
	for _, r := range meta.Records {
		for _, f := range r.Files {
			first, _, _ := strings.Cut(f, "/")
			owned[first] = true
		}
	}
	ents, err := os.ReadDir(envDir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !owned[e.Name()] {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

package maintain

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
)

// checkEnvironmentsTxt checks that conda's registry lists every env.
func (v *verifier) checkEnvironmentsTxt(envs []envInfo) {
	path := prefix.EnvironmentsTxtPath(v.opts.EnvironmentsTxt)
	if path == "" {
		v.note("environments.txt was not checked")
		return
	}
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		v.note("cannot read %q: %v", path, err)
		return
	}
	lines := envLines(data)
	shared := !engine.MayModify(v.prefix)
	for _, e := range envs {
		if !listsPath(lines, e.dir) && shared {
			// conda's list is per user: it names the install for the
			// one who installed it, not for everyone who uses it
			v.note("your conda environment list (%s) does not name %s; that is expected for an install shared by all users (conda finds it by its path)", path, e.dir)
		} else if !listsPath(lines, e.dir) {
			v.problem(Problem{Env: e.name, Path: path, Kind: ProblemEnvironmentsTxt,
				Detail: "conda's environment list does not name " + e.dir})
		}
	}
}

// checkNonAdmin checks that conda's .nonadmin marker in the base and the
// bundle's envs says what the manifest says: there in an install for one
// user, not in one for all users. conda copies the marker into a clone and
// a person may delete it; conda and menuinst then make later shortcuts for
// the wrong users, and a repair that rebuilds a lost manifest reads it.
func (v *verifier) checkNonAdmin(envs []envInfo) {
	if v.man == nil {
		return
	}
	ours := map[string]bool{}
	for _, d := range v.man.OneUserDirs(v.prefix) {
		ours[filepath.Clean(d)] = true
	}
	for _, e := range envs {
		if e.remade || !ours[filepath.Clean(e.dir)] || !isDir(e.dir) || state.IsOneUser(e.dir) != v.man.AllUsers { // a remade env is conda's to mark
			continue
		}
		detail := "conda's marker of an install for one user is missing, in an install for one user: conda would make later shortcuts for all users"
		if v.man.AllUsers {
			detail = "conda's marker of an install for one user is there, in an install for all users: conda would make later shortcuts for one user"
		}
		v.problem(Problem{Env: e.name, Path: pkg.NonAdminFile, Kind: ProblemNonAdmin, Detail: detail})
	}
}

// checkSettings checks the bundle's conda settings in the base:
// condarc.d/onboard.yml as the manifest says (pkg.BundleCondarcFile), and
// none of them in the base's .condarc, where onboard wrote them before
// and where conda config copies them into ~/.condarc (audit U 2).
func (v *verifier) checkSettings(envs []envInfo) {
	if v.man == nil || !slices.ContainsFunc(envs, func(e envInfo) bool { return e.name == BaseEnv }) {
		return
	}
	want := v.man.CondarcYAML()
	if want != nil {
		got, err := os.ReadFile(filepath.Join(v.prefix, filepath.FromSlash(pkg.BundleCondarcFile)))
		switch {
		case err != nil:
			v.problem(Problem{Env: BaseEnv, Path: pkg.BundleCondarcFile, Kind: ProblemSettings,
				Detail: "the bundle's conda settings are missing: conda runs without them"})
		case !bytes.Equal(got, want):
			v.problem(Problem{Env: BaseEnv, Path: pkg.BundleCondarcFile, Kind: ProblemSettings,
				Detail: "the bundle's conda settings were changed; your own settings belong in ~/.condarc (conda config --set)"})
		}
	}
	v.noteSettingsCopies(envs)
	old, err := os.ReadFile(filepath.Join(v.prefix, pkg.CondarcFile))
	if ov := engine.Overridden(old, want); err == nil && len(ov) > 0 && !bytes.HasPrefix(old, []byte(bundle.CondarcHeader)) {
		// conda config --system wrote them; conda reads condarc.d after
		v.note("%s sets %s, which the bundle's settings (%s) set too, and conda reads those after it: yours do nothing there; conda config --set puts them in ~/.condarc, which wins",
			filepath.Join(v.prefix, pkg.CondarcFile), strings.Join(ov, ", "), pkg.BundleCondarcFile)
	}
	switch {
	case err != nil || !bytes.HasPrefix(old, []byte(bundle.CondarcHeader)):
	case bytes.Equal(old, want):
		v.problem(Problem{Env: BaseEnv, Path: pkg.CondarcFile, Kind: ProblemSettings,
			Detail: "holds the bundle's conda settings, as an older onboard wrote them: conda config copies them into ~/.condarc"})
	default:
		v.problem(Problem{Env: BaseEnv, Path: pkg.CondarcFile, Kind: ProblemSettings,
			Detail: "holds the bundle's conda settings and yours, as an older onboard wrote them: conda config copies them into ~/.condarc; repair keeps yours in it and moves the rest aside"})
	}
}

// noteSettingsCopies notes the copies of the bundle's settings that conda
// config made from an older onboard's base .condarc: in a bundle env's
// .condarc (conda config -n ENV --set) and in the user's ~/.condarc
// (conda config --set), each starting with onboard's header, which conda
// keeps. Their values override the bundle's, a newer one's too (audit W1).
// They hold the user's own settings as well, so they are the user's to
// edit: a note, not a problem.
func (v *verifier) noteSettingsCopies(envs []envInfo) {
	var files []string
	for _, e := range envs {
		if e.name != BaseEnv {
			files = append(files, filepath.Join(e.dir, pkg.CondarcFile))
		}
	}
	if home, err := os.UserHomeDir(); err == nil && v.launchers {
		files = append(files, filepath.Join(home, pkg.CondarcFile))
	}
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && bytes.HasPrefix(b, []byte(bundle.CondarcHeader)) {
			v.note("%s is a copy of the bundle's conda settings that conda config made from an older onboard's .condarc, with yours: its values override the bundle's; keep your own settings in it and remove the bundle's (the lines after %q that you did not set)", f, strings.TrimSpace(bundle.CondarcHeader))
		}
	}
}

// envLines returns the non-empty lines of an environments.txt.
func envLines(data []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if l := string(bytes.TrimSpace(sc.Bytes())); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// listsPath tells whether one of lines names dir (same file, as conda's
// doctor checks it).
func listsPath(lines []string, dir string) bool {
	want := filepath.Clean(dir)
	wfi, werr := os.Stat(want)
	for _, l := range lines {
		if filepath.Clean(l) == want {
			return true
		}
		if werr == nil {
			if fi, err := os.Stat(l); err == nil && os.SameFile(fi, wfi) {
				return true
			}
		}
	}
	return false
}

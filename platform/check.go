package platform

import (
	"fmt"
	"slices"
	"strings"

	"onboard/installer/state"
	"onboard/internal/humanize"
	"onboard/internal/winname"
)

// Severity says whether a [Problem] stops an install (Error) or is only
// worth knowing (Warning).
type Severity int

// Severities, least serious first.
const (
	Warning Severity = iota
	Error
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText makes a Severity read "error" or "warning" in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Problem codes, stable for scripts and the GUI to branch on.
const (
	ProblemNotAbsolute  = "not-absolute"
	ProblemControlChars = "control-characters"
	ProblemNotWritable  = "not-writable"
	ProblemNoSpace      = "no-space"
	ProblemTooLong      = "too-long"
	ProblemSpaces       = "spaces"
	ProblemNonASCII     = "non-ascii"
	ProblemLongShebang  = "long-for-scripts"
	ProblemQuote        = "quote"
	ProblemVariable     = "variable"
	ProblemInsideConda  = "inside-conda-prefix"
	ProblemCondaPrefix  = "conda-prefix"
	ProblemNotEmpty     = "not-empty"
	ProblemNotDir       = "not-a-directory"
	ProblemMissing      = "missing"
	ProblemBroken       = "broken" // there, but it no longer works as written
	ProblemWrongPrefix  = "wrong-prefix"
	ProblemUncheckable  = "cannot-check"
	ProblemMountPoint   = "mount-point"
	ProblemRootOrHome   = "root-or-home"
	ProblemBadName      = "bad-name"
)

// Problem is one thing wrong with a prefix or an installed launcher.
type Problem struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Path     string   `json:"path,omitempty"`
	Message  string   `json:"message"`        // what is wrong and why it matters
	Hint     string   `json:"hint,omitempty"` // what to do
}

// String renders p for people: "error: <message> (<hint>)".
func (p Problem) String() string {
	s := p.Severity.String() + ": " + p.Message
	if p.Hint != "" {
		s += " (" + p.Hint + ")"
	}
	return s
}

// HasErrors reports whether any problem is an Error.
func HasErrors(ps []Problem) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Severity == Error })
}

// PrefixRequest is what [CheckPrefix] checks a prefix for.
type PrefixRequest struct {
	Prefix     string
	NeedBytes  int64 // space the install needs; 0 = do not check
	MaxRelPath int   // longest path inside the prefix the install writes (Windows MAX_PATH check); 0 = do not check
	NeedFiles  int64 // files and folders (inodes) the install makes; 0 = do not check
	// Envs are the names of the environments the install makes in
	// PREFIX/envs/, whose scripts' first lines name their folders
	Envs []string
}

// PrefixFacts is what the host found out about a prefix (see
// [HostPrefixFacts]): the pure check works from these alone.
type PrefixFacts struct {
	Exists           bool     // the prefix exists
	IsDir            bool     // and is a directory
	Entries          []string // names in it, when it exists
	Writable         bool     // a file could be created in it, or in its nearest existing parent
	WritableErr      string   // why not, when not writable
	FreeBytes        int64    // free space for this user on its volume; -1 = unknown
	LongPathsEnabled bool     // Windows: HKLM\...\FileSystem\LongPathsEnabled = 1
	MountPoint       bool     // the prefix is a folder on another device than the one above it
	FreeFiles        int64    // free file entries (inodes) for this user on its volume; 0 = unknown
	SystemFS         string   // the system file system (sysfs, proc) it would be on, not a disk; "" = none
	// Real is the prefix with the symlinks of its existing part
	// resolved, when that differs from it: the folders it is really
	// inside ("" = the same, or unknown).
	Real string
}

// spareSpacePercent is how much more free space than the estimate of an
// install the check asks for: the estimate (bundle.Platform.DiskEstimate)
// came within -2.2% to +1.4% of what the install leaves on the
// environments measured, and at its peak a large install holds some 3%
// more for a while (its journal, the lists of its packages' files in the
// scratch folder, the file system's reservations for data not yet
// written): with 5% the check asked 1.5% less than the peak of the 4× and
// 8× scale environments; with 10%, 1.03–1.08× the peak in every case
// measured (docs/performance.md, "Disk space and time left at 8×"). An
// install that runs out of room near its end has wasted the user's time.
const spareSpacePercent = 10

// RequiredFree is the free space the check asks for an install estimated
// to take need bytes.
func RequiredFree(need int64) int64 { return need + need*spareSpacePercent/100 }

// windowsMaxPath is MAX_PATH (260) less the terminating NUL.
const windowsMaxPath = 259

// PathLimit is the longest file path, in characters, that t's programs
// can be relied on to open: 259 on Windows (MAX_PATH less its NUL, even
// where long paths are enabled, since many programs ignore that); 0 where
// there is no such limit.
func PathLimit(t Target) int {
	if t.OS == "windows" {
		return windowsMaxPath
	}
	return 0
}

// LongestPath is the length of the longest file path an install writes,
// as Windows counts it (UTF-16 units: winname.Units): the prefix, a
// separator and req.MaxRelPath; 0 when MaxRelPath is unknown.
func LongestPath(req PrefixRequest) int {
	if req.MaxRelPath <= 0 {
		return 0
	}
	return winname.Units(req.Prefix) + 1 + req.MaxRelPath
}

// NameProblems checks how an absolute prefix is spelled, before anything
// of it is read: control characters anywhere, and on Windows the
// characters no name may hold (<>:"|?* past the drive's colon), which the
// system refuses with "Invalid name" at the first open.
func NameProblems(t Target, p string) []Problem {
	if strings.ContainsFunc(p, isControl) {
		return []Problem{{Error, ProblemControlChars, p, fmt.Sprintf("%q contains control characters", p),
			"choose another folder (in a --config file, write a Windows path in single quotes, or with \\\\ for each \\: in double quotes \\t is a tab)"}}
	}
	if t.OS == "windows" {
		rest := p
		if len(rest) >= 2 && rest[1] == ':' {
			rest = rest[2:]
		}
		if i := strings.IndexAny(rest, `<>:"|?*`); i >= 0 {
			return []Problem{{Error, ProblemBadName, p, fmt.Sprintf("%s has the character %c, which Windows allows in no file or folder name", p, rest[i]),
				"choose a folder whose name has none of < > : \" | ? *"}}
		}
	}
	return nil
}

// samePathIn compares two paths of t: case-insensitively on Windows and
// macOS, as their file systems usually are.
func samePathIn(t Target, a, b string) bool {
	if t.OS == "windows" || t.OS == "darwin" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// CheckPrefixWith checks a prefix from facts gathered before; env.Exists
// answers the conda-meta/history and .onboard/manifest.json questions.
func CheckPrefixWith(t Target, env Env, req PrefixRequest, f PrefixFacts) []Problem {
	out := checkPrefixWith(t, env, req, f)
	for i := range out {
		// a Windows path as Windows writes it, where %q doubled its backslashes
		out[i].Message = humanize.PlainQuotes(out[i].Message)
	}
	return out
}

func checkPrefixWith(t Target, env Env, req PrefixRequest, f PrefixFacts) []Problem {
	p := req.Prefix
	if !t.IsAbs(p) {
		return []Problem{{Error, ProblemNotAbsolute, p, fmt.Sprintf("%q is not an absolute path", p), "give a full path such as " + exampleRoot(t)}}
	}
	if probs := NameProblems(t, p); len(probs) > 0 {
		return probs
	}
	if home := trimRightSep(env.Home, t.Sep()); t.IsRoot(p) || (home != "" && samePathIn(t, trimRightSep(p, t.Sep()), home)) {
		// uninstall removes the install's folder whole, and so refuses
		// these; nor has a drive's root a name to label the launchers with
		return []Problem{{Error, ProblemRootOrHome, p, fmt.Sprintf("%q is the root of a drive or your home folder: onboard installs into a folder of its own, which uninstall removes whole", p),
			"choose a new folder in it, such as " + t.Join(p, "acme-python")}}
	}
	var out []Problem
	add := func(s Severity, code, msg, hint string) { out = append(out, Problem{s, code, p, msg, hint}) }
	if f.Exists && !f.IsDir {
		add(Error, ProblemNotDir, fmt.Sprintf("%q exists and is not a folder", p), "choose another folder")
	}
	if f.SystemFS != "" {
		// not a disk: its "0 B free" is no full disk, and it is not
		// writable whatever access(2) tells root
		return append(out, Problem{Error, ProblemNotWritable, p, fmt.Sprintf("cannot write to %q: it is a system folder (%s, the kernel's view of the machine), not a folder on a disk", p, f.SystemFS),
			"choose a folder on a disk, such as one in your home folder"})
	}
	if !f.Writable {
		hint := "choose a folder you own, or run as administrator/root for an all-users install"
		if strings.Contains(strings.ToLower(f.WritableErr), "read-only") {
			hint = "the disk is read-only: choose a folder on a writable disk"
		}
		add(Error, ProblemNotWritable, fmt.Sprintf("cannot write to %q: %s", p, firstNonEmpty(f.WritableErr, "permission denied")), hint)
	}
	if need := RequiredFree(req.NeedBytes); req.NeedBytes > 0 && f.FreeBytes >= 0 && f.FreeBytes < need {
		add(Error, ProblemNoSpace, fmt.Sprintf("not enough free space for %q: %s needed (about %s, and %d%% to spare), %s free", p,
			humanize.Bytes(need), humanize.Bytes(req.NeedBytes), spareSpacePercent, humanize.Bytes(f.FreeBytes)),
			"free some space or choose a folder on another disk")
	}
	if need := RequiredFree(req.NeedFiles); req.NeedFiles > 0 && f.FreeFiles > 0 && f.FreeFiles < need {
		add(Error, ProblemNoSpace, fmt.Sprintf("not enough free file entries (inodes) on the disk of %q: about %d files and folders needed, and %d%% to spare, %d free; its bytes may be free, but it can hold no more files", p,
			req.NeedFiles, spareSpacePercent, f.FreeFiles), "free some files on that disk (or ask for more inodes) or choose a folder on another disk")
	}
	out = append(out, checkLength(t, env, req, f)...)
	out = append(out, checkSpelling(t, p, req.Envs)...)
	out = append(out, checkConda(t, env, p, f)...)
	return out
}

// checkLength checks Windows paths against MAX_PATH: prefix + `\` +
// the longest relative path must fit in 259 characters; and elsewhere
// against PATH_MAX.
func checkLength(t Target, env Env, req PrefixRequest, f PrefixFacts) []Problem {
	if t.OS != "windows" && req.MaxRelPath > 0 {
		// PATH_MAX, less its NUL: 4096 on Linux and the BSDs, 1024 on
		// macOS. A longer path fails near the end of an install ("file
		// name too long", exit 1) after minutes of work.
		limit := 4095
		if t.OS == "darwin" {
			limit = 1023
		}
		if n := len(req.Prefix) + 1 + req.MaxRelPath; n > limit {
			return []Problem{{Error, ProblemTooLong, req.Prefix, fmt.Sprintf("%q is too long: with it the longest file path is %d bytes, over the %d a path may have here", req.Prefix, n, limit),
				fmt.Sprintf("choose a folder of at most %d bytes", max(limit-1-req.MaxRelPath, 1))}}
		}
		return nil
	}
	limit, n := PathLimit(t), LongestPath(req)
	if limit == 0 {
		return nil
	}
	// The Start Menu shortcuts and Apps & features start the maintenance
	// app, whose path a shortcut cannot hold, nor Windows start, beyond
	// MAX_PATH even with long paths enabled: such an install had
	// shortcuts with no target, and verify said healthy (audit AF).
	rel := len([]rune(state.Rel(state.AppFile(t.OS)))) + 1 // \.onboard\onboard.exe
	if app := len([]rune(req.Prefix)) + rel; app > limit {
		msg := fmt.Sprintf("%q is too long: its maintenance app, which the shortcuts and Apps & features start, would have a path of %d characters, over the %d Windows starts a program from and a shortcut holds, even with long paths enabled", req.Prefix, app, limit)
		hint := fmt.Sprintf("choose a folder of at most %d characters, such as C:\\onboard", limit-rel)
		if f.Exists && env.exists(t.Join(req.Prefix, state.Rel(state.ManifestName))) {
			// an install there already: its upgrade or re-run is not
			// refused for what its first install was allowed (audit AG)
			return []Problem{{Warning, ProblemTooLong, req.Prefix, msg + "; its shortcuts may not start it", "move the install to a shorter folder: uninstall it and install again there"}}
		}
		return []Problem{{Error, ProblemTooLong, req.Prefix, msg, hint}}
	}
	if n <= limit {
		return nil
	}
	msg := fmt.Sprintf("%q is too long: with it the longest file path is %d characters, over the %d characters Windows allows in a path", req.Prefix, n, limit)
	short := fmt.Sprintf("choose a folder of at most %d characters, such as C:\\%s", max(limit-1-req.MaxRelPath, 3), "onboard")
	if f.LongPathsEnabled {
		return []Problem{{Warning, ProblemTooLong, req.Prefix, msg + "; long paths are enabled here, but some programs still fail on them", short}}
	}
	return []Problem{{Error, ProblemTooLong, req.Prefix, msg, short + ", or ask IT to enable long paths (LongPathsEnabled)"}}
}

// checkSpelling warns about spaces and non-ASCII letters, which break
// conda's activation scripts and many build tools. Outside Windows, a
// prefix with spaces cannot go in a script's "#!" line: conda then writes
// "#!/usr/bin/env python" there when it links a package (its long-shebang
// rule), so every such command, conda's own included, runs the first
// python on PATH (conda/conda#11676; conda's own installers refuse such a
// folder). onboard gives a Python script the /bin/sh first lines of
// conda's entry points instead (link.ReplaceLongShebang), so conda,
// Python and Jupyter work there (audit BH 1); a script in another
// language (perl, bash) still gets conda's env line.
func checkSpelling(t Target, p string, envs []string) []Problem {
	var out []Problem
	if strings.ContainsAny(p, " \t") {
		msg := fmt.Sprintf("%q has spaces, which break some conda packages' scripts and build tools", p)
		if t.OS != "windows" {
			msg = fmt.Sprintf("%q has spaces: conda, Python and Jupyter work there, but a package's scripts in other languages may run another program, or fail (their first line becomes '#!/usr/bin/env perl', for one), and so may some build tools; 'conda init' writes conda's own first line so too, and Repair puts it back", p)
		}
		out = append(out, Problem{Warning, ProblemSpaces, p, msg, "choose a folder without spaces (conda's own installers refuse one), or keep this one"})
	}
	if t.OS != "windows" {
		// the first line of the scripts linked there: longer than the
		// kernel runs, conda writes '#!/usr/bin/env perl' (for one)
		// instead (link.MaxShebangLength); Python scripts (bin/conda)
		// and entry points (jupyter) start through /bin/sh and are not
		// affected
		limit := 127
		if t.OS == "darwin" {
			limit = 512
		}
		if n := len("#!" + t.Join(p, "bin", "python")); n > limit {
			out = append(out, Problem{Warning, ProblemLongShebang, p, fmt.Sprintf("%q is too long for the scripts of some packages on this system: those not in Python may run another program there, or fail (a script's first line would be %d characters, more than the %d this system runs, so it becomes '#!/usr/bin/env perl', for one); conda, Python, Jupyter and the shortcuts work", p, n, limit),
				fmt.Sprintf("choose a folder of at most %d characters, or keep this one", limit-len("#!/bin/python"))})
		} else {
			// an env's folder is longer: its packages' scripts run
			// another Python unless the env is activated (audit AG)
			e := ""
			for _, name := range envs {
				if len(name) > len(e) {
					e = name
				}
			}
			if n := len("#!" + t.Join(p, "envs", e, "bin", "python")); e != "" && n > limit {
				out = append(out, Problem{Warning, ProblemLongShebang, p, fmt.Sprintf("%q is too long for the scripts of some packages of the environment %s on this system: those not in Python run another program unless the environment is activated (a script's first line would be %d characters, more than the %d this system runs, so it becomes '#!/usr/bin/env perl', for one); conda, Python, Jupyter and the shortcuts work", p, e, n, limit),
					fmt.Sprintf("choose a folder of at most %d characters, or keep this one", limit-len("#!/envs/"+e+"/bin/python"))})
			}
		}
		// conda's shell scripts write the folder in single quotes,
		// unescaped (export CONDA_EXE='…'): `conda activate` breaks
		if strings.Contains(p, "'") {
			out = append(out, Problem{Warning, ProblemQuote, p, fmt.Sprintf("%q has an apostrophe ('), which breaks 'conda activate' and 'source bin/activate' there (conda writes the folder in single quotes in the shell scripts it sets up); Jupyter and the shortcuts still work", p),
				"choose a folder without a ', or keep this one"})
		}
	}
	// conda expands variables in the paths it reads (os.path.expandvars:
	// $X, and %X% on Windows): a folder whose name holds one is not
	// found again (audit AV 5: -n NAME and conda info --envs missed the
	// envs, bin/activate broke)
	if strings.Contains(p, "$") || t.OS == "windows" && strings.Count(p, "%") >= 2 {
		out = append(out, Problem{Warning, ProblemVariable, p, fmt.Sprintf("%q has a $ or %%, which conda reads as a variable: 'conda activate' will not find the environments there (nor -n NAME, nor 'conda info --envs'); Jupyter and the shortcuts still work", p),
			"choose a folder without $ or %, or keep this one"})
	}
	if strings.ContainsFunc(p, func(r rune) bool { return r >= 0x80 }) {
		out = append(out, Problem{Warning, ProblemNonASCII, p, fmt.Sprintf("%q has non-ASCII characters, which break conda's activate scripts on Windows and some packages elsewhere", p),
			"choose a folder with only ASCII letters, or keep this one"})
	}
	return out
}

// checkConda refuses a prefix inside another conda env or one that is
// already a foreign conda env or a non-empty folder. An existing onboard
// install (.onboard/manifest.json) is a re-run or upgrade: fine.
func checkConda(t Target, env Env, p string, f PrefixFacts) []Problem {
	var out []Problem
	// by its path as given, and as the system reaches it through
	// symlinks (audit BB 2: link/inner, the link to outer/sub, was not
	// inside outer by name)
	for _, a := range append(t.ancestors(p), realAncestors(t, p, f.Real)...) {
		if env.exists(t.Join(a, "conda-meta", "history")) {
			out = append(out, Problem{Error, ProblemInsideConda, p, fmt.Sprintf("%q is inside the conda environment %q; conda would see one inside the other", p, a),
				"choose a folder outside " + a})
			break
		}
		// an install being made there has no conda-meta/history until
		// near its end, but its lock and its journal beside it are there
		// from its start (audit BA 1: two installs, one inside the
		// other, both went ahead, and uninstalling the outer one took
		// the inner one with it)
		if env.exists(t.Join(a, state.Rel(state.LockName))) || env.exists(t.Join(a, state.Rel(state.ManifestName))) || env.exists(opJournalOf(t, a)) {
			out = append(out, Problem{Error, ProblemInsideConda, p, fmt.Sprintf("%q is inside %q, which onboard is installing or has installed; removing that install would remove this folder too", p, a),
				"choose a folder outside " + a})
			break
		}
	}
	if !f.Exists || env.exists(t.Join(p, state.Rel(state.ManifestName))) {
		return out
	}
	if env.exists(t.Join(p, "conda-meta", "history")) {
		return append(out, Problem{Error, ProblemCondaPrefix, p, fmt.Sprintf("%q is already a conda environment that onboard did not install", p),
			"choose an empty or new folder"})
	}
	if len(f.Entries) > 0 {
		out = append(out, Problem{Error, ProblemNotEmpty, p, fmt.Sprintf("%q is not empty (%s)", p, listSome(f.Entries)),
			"choose an empty or new folder: the installer installs only into a new folder or over its own install"})
	}
	return out
}

func listSome(names []string) string {
	s := slices.Sorted(slices.Values(names))
	if len(s) > 3 {
		return strings.Join(s[:3], ", ") + fmt.Sprintf(" and %d more", len(s)-3)
	}
	return strings.Join(s, ", ")
}

func exampleRoot(t Target) string {
	if t.OS == "windows" {
		return `C:\onboard`
	}
	return "/home/you/onboard"
}

// opJournalOf is state.OpJournalPath of prefix on t: the journal of an
// install or uninstall at work, beside its folder.
func opJournalOf(t Target, prefix string) string {
	return t.Join(t.Dir(prefix), "."+t.Base(prefix)+state.DirName+"-journal")
}

// realAncestors are the folders real (p with its symlinks resolved) is
// inside, when that differs from p.
func realAncestors(t Target, p, real string) []string {
	if real == "" || real == p {
		return nil
	}
	return t.ancestors(real)
}

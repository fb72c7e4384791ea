package platform

import (
	"fmt"
	"strings"

	"onboard/installer/state"
	"onboard/internal/launchname"
)

// Env is every input from the host that path computations need. Pure code
// takes an Env and never calls os.Getenv or os.Stat; [HostEnv] fills one
// from the real machine and tests fill one by hand.
type Env struct {
	Home string // the user's home directory, in the target's spelling; "" = none
	// HomeMissing is the home directory the environment names (HOME) when
	// that folder does not exist, as /nonexistent of a system account:
	// Home is "" then, and onboard makes no home folder.
	HomeMissing string
	Getenv      func(key string) string // environment variables; nil = none set
	Exists      func(path string) bool  // whether a path exists; nil = nothing exists
	// Known returns a Windows known folder by name ("Programs",
	// "CommonPrograms", "LocalAppData", "ProgramData", "ProgramFiles",
	// "Desktop", "PublicDesktop", "Documents", and
	// "ProgramFilesShort": the 8.3 short form of ProgramFiles, e.g.
	// C:\PROGRA~1); nil or "" = derive it from environment variables.
	Known func(folder string) string
}

func (e Env) get(key string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(key)
}

func (e Env) exists(p string) bool { return e.Exists != nil && e.Exists(p) }

// noHome is the error of a path that needs the home folder where there is
// none, with what to do.
func (e Env) noHome(advice string) error {
	if e.HomeMissing != "" {
		return fmt.Errorf("the home folder %q does not exist, and onboard makes none: %s", e.HomeMissing, advice)
	}
	return fmt.Errorf("failed to find the home directory: %s", advice)
}

func (e Env) known(folder string) string {
	if e.Known == nil {
		return ""
	}
	return e.Known(folder)
}

// Sep returns the path separator of t: `\` for Windows, `/` otherwise.
func (t Target) Sep() string {
	if t.OS == "windows" {
		return `\`
	}
	return "/"
}

// Join joins path elements with t's separator, the way filepath.Join would
// on t, whatever the host is. Empty elements are skipped; on Windows forward
// slashes become backslashes.
func (t Target) Join(elem ...string) string {
	sep := t.Sep()
	out := ""
	for _, e := range elem {
		if t.OS == "windows" {
			e = strings.ReplaceAll(e, "/", `\`)
		}
		if out != "" {
			e = strings.TrimLeft(e, sep)
		}
		if e == "" {
			continue
		}
		if out != "" && !strings.HasSuffix(out, sep) {
			out += sep
		}
		out += e
	}
	return trimRightSep(out, sep)
}

// trimRightSep trims trailing separators but keeps a root ("/", `C:\`).
func trimRightSep(p, sep string) string {
	for len(p) > 1 && strings.HasSuffix(p, sep) && !(len(p) == 3 && p[1] == ':') {
		p = p[:len(p)-1]
	}
	return p
}

// Dir returns all but the last element of p in t's spelling; the root
// ("/", `C:\`) is its own parent.
func (t Target) Dir(p string) string {
	sep := t.Sep()
	p = trimRightSep(p, sep)
	i := strings.LastIndex(p, sep)
	switch {
	case i < 0:
		return p
	case i == 0:
		return sep
	case t.OS == "windows" && i == 2 && p[1] == ':':
		return p[:3]
	}
	return p[:i]
}

// IsRoot tells whether p is the root of a file system ("/") or a drive
// (`E:\`) in t's spelling.
func (t Target) IsRoot(p string) bool {
	q := trimRightSep(p, t.Sep())
	return q == "" || q == t.Sep() || (t.OS == "windows" && len(q) <= 3 && len(q) >= 2 && q[1] == ':' && (len(q) == 2 || q[2] == '\\'))
}

// Base returns the last element of p in t's spelling.
func (t Target) Base(p string) string {
	p = trimRightSep(p, t.Sep())
	return p[strings.LastIndex(p, t.Sep())+1:]
}

// IsAbs reports whether p is an absolute path on t (`C:\x` or `\\server\x`
// on Windows, `/x` elsewhere).
func (t Target) IsAbs(p string) bool {
	if t.OS == "windows" {
		return strings.HasPrefix(p, `\\`) || (len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/'))
	}
	return strings.HasPrefix(p, "/")
}

// ancestors returns the parents of p from the nearest to the root.
func (t Target) ancestors(p string) []string {
	var out []string
	for d := t.Dir(p); d != p; p, d = d, t.Dir(d) {
		out = append(out, d)
	}
	return out
}

// Exe returns name with ".exe" appended on Windows.
func (t Target) Exe(name string) string {
	if t.OS == "windows" {
		return name + ".exe"
	}
	return name
}

// MaintenanceApp returns where the maintenance app of an install lives on
// t: PREFIX/.onboard/onboard (onboard.exe on Windows), as state lays it out.
func MaintenanceApp(t Target, prefix string) string {
	return t.Join(prefix, state.Rel(state.AppFile(t.OS)))
}

// RecordPath returns PREFIX/.onboard/launchers.json on t, where the
// installer keeps the [Record] of what [Apply] and [SetupShell] created.
func RecordPath(t Target, prefix string) string {
	return t.Join(prefix, state.Rel(state.LaunchersName))
}

// Slug turns a display name into a lowercase, space-free folder or file
// name: "Acme Python 3" → "acme-python-3". Letters outside ASCII are dropped;
// an empty result becomes "onboard".
func Slug(name string) string { return launchname.Slug(name) }

// idElement turns a display name into one element of a reverse-DNS name
// (D-Bus rules: [A-Za-z0-9_], not starting with a digit): "Jupyter Lab" →
// "JupyterLab".
func idElement(name string) string { return launchname.ID(name) }

// DefaultPrefix returns where an install of the product called name goes
// by default on t: per user %LOCALAPPDATA%\<slug> on Windows and ~/<slug>
// elsewhere; for all users %ProgramFiles%\<slug> on Windows (in its short,
// space-free form C:\PROGRA~1 when there is one) and /opt/<slug> elsewhere. See docs/platform.md for why the slug (no spaces) is used.
func DefaultPrefix(t Target, env Env, name string, allUsers bool) (string, error) {
	slug := Slug(name)
	if t.OS == "windows" {
		return windowsPrefix(t, env, slug, allUsers)
	}
	if allUsers {
		return t.Join("/opt", slug), nil
	}
	if env.Home == "" {
		return "", env.noHome("set HOME, or choose a folder with --prefix")
	}
	return t.Join(env.Home, slug), nil
}

// windowsPrefix is DefaultPrefix on Windows. A %LOCALAPPDATA% with spaces or
// non-ASCII letters (a user name such as "José") breaks conda's activate.bat,
// so then the prefix moves to the system drive's root.
func windowsPrefix(t Target, env Env, slug string, allUsers bool) (string, error) {
	if allUsers {
		// Program Files: its default ACLs let every user read and run,
		// and only administrators change (ProgramData would let users
		// add files). Its name holds a space, which conda's activation
		// scripts do not take, so its 8.3 short name is used when the
		// volume has one.
		pf := firstNonEmpty(env.known("ProgramFiles"), env.get("ProgramW6432"), env.get("ProgramFiles"), `C:\Program Files`)
		if short := env.known("ProgramFilesShort"); hasSpaceOrNonASCII(pf) && short != "" && !hasSpaceOrNonASCII(short) {
			pf = short
		}
		return t.Join(pf, slug), nil
	}
	lad := firstNonEmpty(env.known("LocalAppData"), env.get("LOCALAPPDATA"))
	if lad == "" && env.Home != "" {
		lad = t.Join(env.Home, "AppData", "Local")
	}
	if lad == "" {
		return "", fmt.Errorf("failed to find %%LOCALAPPDATA%%: choose a folder with --prefix")
	}
	if hasSpaceOrNonASCII(lad) {
		drive := firstNonEmpty(env.get("SystemDrive"), "C:")
		return t.Join(drive+`\`, slug), nil
	}
	return t.Join(lad, slug), nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func hasSpaceOrNonASCII(s string) bool {
	for _, r := range s {
		if r == ' ' || r >= 0x80 {
			return true
		}
	}
	return false
}

package platform

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"time"

	"onboard/internal/launchname"
)

// AppInfo describes the installed product, for launchers and the Windows
// "Apps & features" entry.
type AppInfo struct {
	Name      string    // shown to people: "Acme Python"
	ID        string    // reverse DNS: "com.acme.python"
	Version   string    // "2026.11.0"
	Publisher string    // "Acme Corp."; "" = none written
	URL       string    // help/about link; optional
	Prefix    string    // the install prefix, in the target's spelling
	Icon      []byte    // a PNG (256×256 is best); nil = no icon files
	Size      int64     // bytes the install takes, for EstimatedSize (Apps & features)
	Installed time.Time // for InstallDate; zero = not written
	// Environment is what macOS sets for the app it starts (Info.plist's
	// LSEnvironment): a package menu item's, which its command inherits.
	Environment map[string]string

	idSuffix string // set by ownInstance for an install outside the default folder
}

// LauncherSpec is one launcher to create.
type LauncherSpec struct {
	Name    string // shown in menus: "Jupyter Lab"
	Env     string // env to start Jupyter in; "" = a launcher of the maintenance window
	Comment string // tooltip; "" = a default text
	// Terminal runs it in a terminal: the maintenance app of a build
	// without windows, whose menu asks there (a .desktop file's
	// Terminal=true; a Windows console program and Solaris' shell
	// launchers have one anyway). macOS, whose Finder starts an .app with
	// no terminal, gets no such launcher.
	Terminal bool
}

func (s LauncherSpec) maintenance() bool { return s.Env == "" }

// MaintenanceSpec is the launcher of the maintenance app of the bundle
// called product; window tells whether that app opens a window (a build
// with the GUI), else it runs in a terminal.
func MaintenanceSpec(product string, window bool) LauncherSpec {
	return LauncherSpec{Name: launchname.Maintenance(product), Terminal: !window}
}

// Launchable tells whether t can have the launcher s: not macOS for one
// that needs a terminal.
func (s LauncherSpec) Launchable(t Target) bool { return !s.Terminal || t.OS != "darwin" }

// args returns the maintenance app's arguments for s.
func (s LauncherSpec) args(prefix string) []string {
	if s.maintenance() {
		return nil
	}
	return []string{"launch", "jupyter", "--prefix", prefix, "--env", s.Env}
}

func (s LauncherSpec) comment(app AppInfo) string {
	switch {
	case s.Comment != "":
		return s.Comment
	case s.maintenance():
		return "Verify, repair or uninstall " + app.Name
	}
	return "Start Jupyter in the " + s.Env + " environment of " + app.Name
}

// File kinds, used by [Check] to know what to look for in a file.
const (
	KindEntry    = "entry"    // a text launcher that names the prefix: .desktop, launch.json, shell script
	KindIcon     = "icon"     // an icon; checked for existence only
	KindCopy     = "copy"     // a copy of the maintenance app (macOS .app executable)
	KindPlist    = "plist"    // Info.plist
	KindShortcut = "shortcut" // a Windows .lnk (UTF-16 strings)
	KindOther    = "other"    // any other file; checked for existence only
)

// File is one file a launcher plan writes.
type File struct {
	Path     string      `json:"path"`
	Kind     string      `json:"kind"`
	Mode     fs.FileMode `json:"mode"`
	Data     []byte      `json:"-"`
	CopyFrom string      `json:"copy_from,omitempty"` // when set, the file is a copy of this one
	Source   string      `json:"source,omitempty"`    // the package's menu file it was made from (RecordFile.Source)
}

// Shortcut is a Windows .lnk to create through the Shell (WScript.Shell).
type Shortcut struct {
	Path        string `json:"path"`
	Target      string `json:"target"`
	Arguments   string `json:"arguments"`
	WorkingDir  string `json:"working_dir"`
	Icon        string `json:"icon"` // path of an .ico or .exe
	IconIndex   int    `json:"icon_index"`
	Description string `json:"description"`
	// Kind is how verify checks it ([Check]): "" is KindShortcut (it must
	// name the prefix); KindOther only that it exists.
	Kind   string `json:"kind,omitempty"`
	Source string `json:"source,omitempty"` // the package's menu file it was made from (RecordFile.Source)
}

// RegValue is one value of a registry key: a string (Type "sz") or a
// 32-bit number (Type "dword"). Name "" is the key's default value. Key,
// when set, is a subkey of the entry's key that holds the value
// (`shell\open\command`).
type RegValue struct {
	Key   string `json:"key,omitempty"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Str   string `json:"str,omitempty"`
	DWord uint32 `json:"dword,omitempty"`
}

// RegistryEntry is a registry key onboard creates, with its values.
// Root is "HKCU" or "HKLM"; Key is below it.
//
// A package's file or URL association (menuinst's) is a key of its own
// with a Marker, and a Shared one beside it:
//   - Marker names the value that marks the key as the association's
//     (menuinst's "_menuinst"). The key is onboard's while that value and
//     its command (`shell\open\command`) are as recorded: [LeaveTaken]
//     does not write over a key of that name without the marker (another
//     program's), and [Remove] deletes the key, subkeys and all, only
//     while it is onboard's.
//   - Shared is a key other programs use too (`.py\OpenWithProgids`):
//     Remove deletes only its Values, and then the key and its parents
//     while they are empty (down to `Software\Classes`). With is the
//     marked key it serves: Remove leaves the values while that is
//     still there (another install's now).
type RegistryEntry struct {
	Root   string     `json:"root"`
	Key    string     `json:"key"`
	Values []RegValue `json:"values"`
	Marker string     `json:"marker,omitempty"`
	Shared bool       `json:"shared,omitempty"`
	With   string     `json:"with,omitempty"`
	// Label names the entry for people ("the .py file association of
	// Spyder"); "" is the "Apps & features" entry.
	Label  string `json:"label,omitempty"`
	Source string `json:"source,omitempty"` // the package's menu file it was made from (RecordFile.Source)
}

// Value returns the value of the key itself called name and whether it
// exists.
func (e RegistryEntry) Value(name string) (RegValue, bool) {
	for _, v := range e.Values {
		if v.Key == "" && v.Name == name {
			return v, true
		}
	}
	return RegValue{}, false
}

// Path is where v is: the entry's key, or its subkey v.Key.
func (e RegistryEntry) Path(v RegValue) string {
	if v.Key == "" {
		return e.Key
	}
	return e.Key + `\` + v.Key
}

// command is the association's open command, as recorded.
func (e RegistryEntry) command() string {
	for _, v := range e.Values {
		if v.Key == openCommandKey && v.Name == "" {
			return v.Str
		}
	}
	return ""
}

const openCommandKey = `shell\open\command`

// Plan is what [Launchers] decided to create. It has no side effects;
// [Apply] carries it out on the host.
type Plan struct {
	Target Target `json:"target"`
	Prefix string `json:"prefix"`
	Files  []File `json:"files"`
	// Bundles are directories created whole (macOS .app): Apply builds each
	// beside its place and renames it in; Remove deletes it whole. Files
	// under a bundle belong to it.
	Bundles   []string        `json:"bundles,omitempty"`
	Shortcuts []Shortcut      `json:"shortcuts,omitempty"`
	Registry  []RegistryEntry `json:"registry,omitempty"`
	// Dirs are directories onboard owns that Remove deletes when empty
	// (a Start Menu folder).
	Dirs []string `json:"dirs,omitempty"`
	// Terminal are the Windows Terminal profiles of package menu items
	// (winterminal.go), added to each Terminal's settings at Apply.
	Terminal []TerminalProfile `json:"terminal,omitempty"`
	// MimeApps are the MIME types a package's menu item adds to a
	// mimeapps.list (linuxMime), applied after the files.
	MimeApps []MimeAppsEdit `json:"mime_apps,omitempty"`
	// Refresh are commands to run, when the program exists, after writing
	// and after removing (update-desktop-database DIR). Failures are logged.
	Refresh [][]string `json:"refresh,omitempty"`
	// Precreate is the shell code a package's menu items ask to run before
	// their shortcuts are made (menuinst's "precreate"), in item order.
	// Apply does not run it: engine.MakeMenus does, and makes none of the
	// file's shortcuts when one fails, as menuinst stops at it.
	Precreate []Precreate `json:"-"`
}

// Precreate is one menu item's precreate code, rendered.
type Precreate struct {
	Item string // the item's name
	Code string // run by bash, or as a program when it starts with "#!"
}

// Launchers returns what to create on t so that each of items starts from
// the desktop's menu: XDG .desktop files and icons (Linux, Solaris, plus a
// ~/bin script on Solaris), .app bundles (macOS), Start Menu shortcuts and
// an "Apps & features" entry (Windows). The entry is made even when items
// is empty. allUsers selects the system-wide places.
func Launchers(t Target, env Env, app AppInfo, items []LauncherSpec, allUsers bool) (Plan, error) {
	if err := validateApp(t, app, items); err != nil {
		return Plan{}, err
	}
	app, items = ownInstance(t, env, app, items, allUsers)
	p := Plan{Target: t, Prefix: app.Prefix}
	var err error
	switch t.OS {
	case "linux":
		err = linuxLaunchers(&p, env, app, items, allUsers)
	case "darwin":
		err = darwinLaunchers(&p, env, app, items, allUsers)
	case "windows":
		err = windowsLaunchers(&p, env, app, items, allUsers)
	case "solaris", "illumos":
		err = solarisLaunchers(&p, env, app, items, allUsers)
	default:
		err = fmt.Errorf("failed to plan launchers: onboard cannot make launchers on %q; install with --no-launcher", t.OS)
	}
	return p, err
}

// validateApp rejects input that would make broken or hostile launchers.
func validateApp(t Target, app AppInfo, items []LauncherSpec) error {
	if !t.IsAbs(app.Prefix) {
		return fmt.Errorf("failed to plan launchers: prefix %q is not an absolute path", app.Prefix)
	}
	if strings.ContainsFunc(app.Prefix, isControl) {
		return fmt.Errorf("failed to plan launchers: prefix %q contains control characters; choose another folder", app.Prefix)
	}
	if app.Name == "" || !reverseDNS.MatchString(app.ID) {
		return fmt.Errorf("failed to plan launchers: the bundle's name %q or id %q is not usable (the id must be reverse DNS, e.g. com.acme.python)", app.Name, app.ID)
	}
	seen := map[string]bool{}
	for _, it := range items {
		if strings.TrimSpace(it.Name) == "" || strings.ContainsFunc(it.Name+it.Env, isControl) {
			return fmt.Errorf("failed to plan launchers: launcher %q has an empty name or control characters", it.Name)
		}
		if seen[idElement(it.Name)] {
			return fmt.Errorf("failed to plan launchers: two launchers are called %q; give them different names in the bundle", it.Name)
		}
		seen[idElement(it.Name)] = true
	}
	return nil
}

var reverseDNS = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$`)

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// launcherID is the reverse-DNS id of one launcher: "com.acme.python.JupyterLab".
// An install outside the default folder adds "-<hash of its prefix>".
func launcherID(app AppInfo, it LauncherSpec) string {
	return app.ID + "." + idElement(it.Name) + app.idSuffix
}

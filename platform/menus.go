package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"onboard/internal/winname"
)

// A package's menu shortcuts: the Menu/*.json files that conda hands to
// menuinst (v2, https://schemas.conda.org/menuinst-1-*.schema.json).
// [MenuLaunchers] plans what menuinst would make for one of them, in the
// same places and under the same names, so that conda removing the
// package later removes them too: a .desktop file on Linux, Start Menu
// (and desktop) shortcuts on Windows, an .app on macOS. A command that
// asks to run in the activated env runs through the maintenance app
// (`onboard launch run`), which activates it as onboard's Jupyter
// launchers do, instead of a generated activation script.

// MenuPathPattern matches the prefix-relative paths of menu files in a
// package, as conda matches them (case-insensitive).
var MenuPathPattern = regexp.MustCompile(`(?i)^menu/.*\.json$`)

// MaxMenuJSON caps a menu file onboard reads (real ones are a few KB).
const MaxMenuJSON = 1 << 20

// ErrLegacyMenu is a menuinst v1 file (no "$schema" or "$id") off
// Windows: conda makes those only on Windows (legacyWindowsMenus).
var ErrLegacyMenu = errors.New("a menuinst v1 (legacy) menu file, which conda makes only on Windows")

// MenuEnv is the conda environment a menu file belongs to.
type MenuEnv struct {
	Base   string // the install's prefix: the base env
	Prefix string // the env's folder (Base for the base env)
	Name   string // "base", or the env's folder name under envs
	// SitePackages is the env's site-packages, relative to Prefix
	// ("lib/python3.12/site-packages"), for {{ SP_DIR }}; "" = none.
	SitePackages string
}

// menuOS is menuinst's name of t's OS ("" = menuinst makes no menus there).
func menuOS(t Target) string {
	switch t.OS {
	case "linux":
		return "linux"
	case "darwin":
		return "osx"
	case "windows":
		return "win"
	}
	return ""
}

// menuItem is one item of a menu file, flattened for one OS and rendered.
type menuItem struct {
	name, description, icon, workingDir string
	precommand                          string // shell code run before the command, in the shell of t (menuinst's "precommand")
	precreate                           string // shell code run before the shortcut is made (Plan.Precreate)
	command                             []string
	activate, terminal, desktop         bool
	keys                                map[string]any    // the item's keys for Linux (Categories, …) or macOS (CFBundleDocumentTypes, …)
	environment                         map[string]string // macOS: LSEnvironment, rendered
}

// MenuLaunchers plans the shortcuts of one menu file (its bytes, data)
// of env e on t. notes says what of the file onboard leaves out. A file
// that is not a menuinst v2 menu, or that asks for nothing on t, gives an
// empty plan; a malformed one an error naming what is wrong.
func MenuLaunchers(t Target, env Env, data []byte, e MenuEnv, allUsers bool) (p Plan, notes []string, err error) {
	p = Plan{Target: t, Prefix: e.Base}
	if len(data) > MaxMenuJSON {
		return p, nil, fmt.Errorf("the menu file is %d bytes, more than %d", len(data), MaxMenuJSON)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return p, nil, fmt.Errorf("the menu file is not valid JSON: %w", err)
	}
	_, schema := raw["$schema"]
	_, id := raw["$id"]
	if !schema && !id {
		if t.OS == "windows" {
			return legacyWindowsMenus(t, env, raw, e, allUsers)
		}
		return p, nil, ErrLegacyMenu
	}
	os := menuOS(t)
	if os == "" {
		return p, []string{"menuinst makes no shortcuts on " + t.OS}, nil
	}
	vars := menuVars(t, env, e)
	menuName, ok := raw["menu_name"].(string)
	if menuName = strings.TrimSpace(render(t, menuName, vars)); !ok || menuName == "" {
		return p, nil, errors.New(`the menu file has no "menu_name"`)
	}
	list, ok := raw["menu_items"].([]any)
	if !ok || len(list) == 0 {
		return p, nil, errors.New(`the menu file has no "menu_items"`)
	}
	var items []menuItem
	for i, v := range list {
		obj, ok := v.(map[string]any)
		if !ok {
			return p, nil, fmt.Errorf("menu item %d is not an object", i+1)
		}
		it, enabled, skip, err := flattenItem(t, os, obj, e, vars)
		if err != nil {
			return p, nil, fmt.Errorf("menu item %d: %w", i+1, err)
		}
		if skip != "" {
			notes = append(notes, fmt.Sprintf("%q: %s", it.name, skip))
		}
		if enabled && skip == "" {
			items = append(items, it)
			if n := platformNote(it, os); n != "" {
				notes = append(notes, fmt.Sprintf("%q: %s", it.name, n))
			}
		}
	}
	if len(items) == 0 {
		return p, notes, nil
	}
	for _, it := range items {
		if it.precreate != "" {
			p.Precreate = append(p.Precreate, Precreate{Item: it.name, Code: it.precreate})
		}
	}
	switch os {
	case "linux":
		var more []string
		more, err = linuxMenus(&p, env, menuName, items, e, allUsers)
		notes = append(notes, more...)
	case "win":
		var more []string
		more, err = windowsMenus(&p, env, menuName, items, e, allUsers)
		notes = append(notes, more...)
	case "osx":
		err = darwinMenus(&p, env, items, e, allUsers)
	}
	return p, notes, err
}

// flattenItem lays item's keys for os over its common keys, as menuinst
// does, renders the placeholders and checks the result. enabled is false
// when the item does not ask for os; skip says why onboard leaves out an
// item it cannot make as menuinst would.
func flattenItem(t Target, os string, obj map[string]any, e MenuEnv, vars map[string]string) (it menuItem, enabled bool, skip string, err error) {
	flat := map[string]any{}
	for k, v := range obj {
		if k != "platforms" {
			flat[k] = v
		}
	}
	plats, _ := obj["platforms"].(map[string]any)
	over, enabled := plats[os].(map[string]any)
	if !enabled {
		return it, false, "", nil // an item for other systems: not read further, as menuinst does
	}
	for k, v := range over {
		if v != nil {
			flat[k] = v
		}
	}
	isBase := e.Prefix == e.Base
	for k, v := range flat {
		if k != "name" {
			flat[k] = forTarget(v, isBase)
		}
	}
	str := func(k string) (string, error) {
		switch v := flat[k].(type) {
		case nil:
			return "", nil
		case string:
			return render(t, v, vars), nil
		}
		return "", fmt.Errorf("%q is not a string", k)
	}
	boolean := func(k string, def bool) (bool, error) {
		switch v := flat[k].(type) {
		case nil:
			return def, nil
		case bool:
			return v, nil
		}
		return false, fmt.Errorf("%q is not true or false", k)
	}
	switch n := flat["name"].(type) {
	case string:
		it.name = n
	case map[string]any:
		key := "target_environment_is_not_base"
		if e.Prefix == e.Base {
			key = "target_environment_is_base"
		}
		it.name, _ = n[key].(string)
	}
	if it.name = strings.TrimSpace(render(t, it.name, vars)); it.name == "" || strings.ContainsFunc(it.name, isControl) {
		return it, false, "", errors.New(`its "name" is missing, empty or holds control characters`)
	}
	if it.description, err = str("description"); err != nil {
		return it, false, "", err
	}
	if it.icon, err = str("icon"); err != nil {
		return it, false, "", err
	}
	if it.workingDir, err = str("working_dir"); err != nil {
		return it, false, "", err
	}
	if it.precommand, err = str("precommand"); err != nil {
		return it, false, "", err
	}
	if strings.ContainsRune(it.precommand, 0) {
		return it, false, "", errors.New(`its "precommand" holds a NUL`)
	}
	if it.precreate, err = str("precreate"); err != nil {
		return it, false, "", err
	}
	if strings.ContainsRune(it.precreate, 0) {
		return it, false, "", errors.New(`its "precreate" holds a NUL`)
	}
	cmd, ok := flat["command"].([]any)
	if !ok || len(cmd) == 0 {
		return it, false, "", errors.New(`its "command" is not a list of strings`)
	}
	for _, c := range cmd {
		s, ok := c.(string)
		if !ok || strings.ContainsRune(s, 0) {
			return it, false, "", errors.New(`its "command" is not a list of strings`)
		}
		it.command = append(it.command, render(t, s, vars))
	}
	if it.activate, err = boolean("activate", true); err != nil {
		return it, false, "", err
	}
	if it.terminal, err = boolean("terminal", false); err != nil {
		return it, false, "", err
	}
	if it.desktop, err = boolean("desktop", os == "win"); err != nil {
		return it, false, "", err
	}
	it.keys = flat
	if v, set := flat["LSEnvironment"]; os == "osx" && set && v != nil {
		m, ok := v.(map[string]any)
		if !ok {
			return it, false, "", errors.New(`its "LSEnvironment" is not a map of names to strings`)
		}
		it.environment = map[string]string{}
		for k, x := range m {
			s, ok := x.(string)
			if !ok || k == "" || strings.ContainsFunc(k+s, isControl) {
				return it, false, "", fmt.Errorf(`its "LSEnvironment" entry %q is not a name and a string without control characters`, k)
			}
			it.environment[k] = render(t, s, vars)
		}
	}
	// What menuinst does that onboard does not: say so, and leave the
	// item out rather than make one whose command behaves otherwise.
	// (What menuinst adds beside the shortcut, such as file associations,
	// is a note instead: platformNote.)
	if it.precreate != "" && os == "win" {
		// menuinst hands the code, in a temporary file of no type, to
		// PowerShell's "start", which opens a file by its type: not as a
		// batch file.
		return it, true, `left out: onboard runs no "precreate" on Windows (menuinst starts it through PowerShell as a file of no type, not as a batch file)`, nil
	}
	if v := flat["link_in_bundle"]; os == "osx" && v != nil && !isEmpty(v) {
		if m, ok := v.(map[string]any); !ok || len(m) > 0 {
			return it, true, `left out: onboard makes no "link_in_bundle" links in a macOS shortcut`, nil
		}
	}
	if os == "osx" && it.terminal {
		return it, true, "left out: onboard makes no Terminal window for a macOS shortcut", nil
	}
	return it, true, "", nil
}

// forTarget is v for an env that is the base (isBase) or not: a value
// given as {"target_environment_is_base": …, "target_environment_is_not_base": …}
// (menuinst's form for names, which its newer schemas allow for the other
// keys too) is the one for this env, nil when it gives none.
func forTarget(v any, isBase bool) any {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return v
	}
	for k := range m {
		if k != "target_environment_is_base" && k != "target_environment_is_not_base" {
			return v
		}
	}
	if isBase {
		return m["target_environment_is_base"]
	}
	return m["target_environment_is_not_base"]
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// menuVars are menuinst's placeholders for env e on t.
func menuVars(t Target, env Env, e MenuEnv) map[string]string {
	j := t.Join
	envName := e.Name
	if e.Prefix == e.Base {
		envName = "base"
	}
	v := map[string]string{
		"PREFIX": e.Prefix, "BASE_PREFIX": e.Base, "DISTRIBUTION_NAME": t.Base(e.Base), "ENV_NAME": envName,
		"MENU_DIR": j(e.Prefix, "Menu"), "HOME": env.Home, "PY_VER": "N.A", // menuinst's own value
	}
	if e.SitePackages != "" {
		v["SP_DIR"] = j(e.Prefix, e.SitePackages)
	}
	switch t.OS {
	case "windows":
		v["PYTHON"], v["BASE_PYTHON"] = j(e.Prefix, "python.exe"), j(e.Base, "python.exe")
		v["PYTHONW"], v["BASE_PYTHONW"] = j(e.Prefix, "pythonw.exe"), j(e.Base, "pythonw.exe")
		v["BIN_DIR"], v["SCRIPTS_DIR"] = j(e.Prefix, "Library", "bin"), j(e.Prefix, "Scripts")
		v["ICON_EXT"] = "ico"
	default:
		v["PYTHON"], v["BASE_PYTHON"] = j(e.Prefix, "bin", "python"), j(e.Base, "bin", "python")
		v["BIN_DIR"] = j(e.Prefix, "bin")
		v["ICON_EXT"] = "png"
		if t.OS == "darwin" {
			v["ICON_EXT"] = "icns"
			v["PYTHONAPP"] = j(e.Prefix, "python.app", "Contents", "MacOS", "python")
		}
	}
	return v
}

// render replaces each "{{ NAME }}" of vars in s, as menuinst does (one
// space inside each brace; an unknown name stays as written). On Windows
// every "/" then becomes "\", unless s starts with "/" (a switch).
func render(t Target, s string, vars map[string]string) string {
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s = strings.ReplaceAll(s, "{{ "+k+" }}", vars[k])
	}
	if t.OS == "windows" && !strings.HasPrefix(s, "/") {
		s = strings.ReplaceAll(s, "/", `\`)
	}
	return s
}

// viaApp tells whether the item's command runs through the maintenance
// app (runArgs): to be activated, or after its precommand.
func (it menuItem) viaApp() bool { return it.activate || it.precommand != "" }

// runArgs are the maintenance app's arguments that run it's command in
// env e, activated or not, after its precommand.
func (it menuItem) runArgs(e MenuEnv, cwd string) []string {
	args := []string{"launch", "run", "--prefix", e.Base, "--env", e.Name}
	if !it.activate {
		args = append(args, "--no-activate")
	}
	if it.precommand != "" {
		args = append(args, "--precommand", it.precommand)
	}
	if cwd != "" {
		args = append(args, "--cwd", cwd)
	}
	return append(append(args, "--"), it.command...)
}

// menuSlug is menuinst's slugify: accents dropped (NFKD, then ASCII),
// characters other than letters, digits, "_", "-" and spaces dropped,
// lowercase, and each run of "_", "-" and spaces one "-".
func menuSlug(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || unicode.IsSpace(r)) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return slugRuns.ReplaceAllString(strings.TrimSpace(b.String()), "-")
}

var slugRuns = regexp.MustCompile(`[_\-\s]+`)

// linuxMenus plans menuinst's .desktop file per item:
// DATA/applications/<slug(menu)>_<slug(item)>.desktop, and the
// registration of its MIME types (linuxMime), which it notes anything
// left out of.
func linuxMenus(p *Plan, env Env, menuName string, items []menuItem, e MenuEnv, allUsers bool) (notes []string, err error) {
	t := p.Target
	data, err := xdgDataDir(t, env, allUsers)
	if err != nil {
		return nil, err
	}
	apps := t.Join(data, "applications")
	maint := MaintenanceApp(t, e.Base)
	for _, it := range items {
		argv := it.command
		if it.viaApp() {
			argv = append([]string{maint}, it.runArgs(e, "")...)
		}
		var b strings.Builder
		kv := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, escapeDesktopValue(v)) }
		b.WriteString("[Desktop Entry]\n")
		kv("Type", "Application")
		kv("Name", it.name)
		if it.description != "" {
			kv("Comment", it.description)
		}
		kv("Exec", execLine(argv, true))
		if it.icon != "" {
			kv("Icon", it.icon)
		}
		kv("Terminal", fmt.Sprint(it.terminal))
		if it.workingDir != "" {
			kv("Path", it.workingDir)
		}
		for _, k := range linuxMenuKeys {
			val := it.keys[k]
			if k == "MimeType" {
				val = validMimeTypes(val) // the ones linuxMime registers
			}
			if v, ok := desktopValue(val); ok {
				kv(k, v)
			}
		}
		kv("X-Onboard-Prefix", e.Base)
		if menuSlug(menuName) == "" || menuSlug(it.name) == "" {
			return nil, fmt.Errorf("the names %q and %q leave no file name (menuinst names the file after them)", menuName, it.name)
		}
		name := menuSlug(menuName) + "_" + menuSlug(it.name) + ".desktop"
		p.Files = append(p.Files, File{Path: t.Join(apps, name), Kind: KindEntry, Mode: 0o644, Data: []byte(b.String())})
		why, err := linuxMime(p, env, it, t.Join(apps, name), data, allUsers)
		if err != nil {
			return nil, err
		}
		for _, n := range why {
			notes = append(notes, fmt.Sprintf("%q: %s", it.name, n))
		}
	}
	p.Refresh = append([][]string{{"update-desktop-database", apps}}, p.Refresh...)
	return notes, nil
}

// platformNote says what onboard does not add beside an item's shortcut
// that menuinst does ("" when nothing). That is left on macOS only: the
// .app onboard makes is its maintenance app with a launch configuration,
// which carries none of the item's document or URL types, entitlements
// or type declarations (its LSEnvironment it carries). (Windows
// associations and Terminal profiles and Linux MIME types onboard makes:
// windowsMenus, linuxMime.)
func platformNote(it menuItem, os string) string {
	if os != "osx" {
		return ""
	}
	var without []string
	for _, k := range darwinBehaviourKeys {
		if v := it.keys[k]; v != nil && !isEmpty(v) {
			without = append(without, k)
		}
	}
	if len(without) == 0 {
		return ""
	}
	return "made without its " + strings.Join(without, ", ") + ", which onboard's .app does not carry"
}

// darwinBehaviourKeys are the keys of a macOS item that change what its
// app does, beyond its name and icon (menuinst's schema).
var darwinBehaviourKeys = []string{"CFBundleDocumentTypes", "CFBundleURLTypes", "event_handler",
	"entitlements", "UTExportedTypeDeclarations", "UTImportedTypeDeclarations"}

// linuxMenuKeys are the Desktop Entry keys of an item's linux block,
// written as menuinst writes them, in its order (its schema's).
var linuxMenuKeys = []string{"Categories", "DBusActivatable", "GenericName", "Hidden", "Implements", "Keywords",
	"MimeType", "NoDisplay", "NotShowIn", "OnlyShowIn", "PrefersNonDefaultGPU", "SingleMainWindow",
	"StartupNotify", "StartupWMClass", "TryExec"}

// desktopValue writes a string, a list ("a;b;") or a boolean as a
// Desktop Entry value.
func desktopValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case bool:
		return fmt.Sprint(x), true
	case []any:
		var parts []string
		for _, s := range x {
			// an item holding the list's separator would be read as two
			// (the escaping of the line doubles a "\;"): left out
			if s, ok := s.(string); ok && s != "" && !strings.Contains(s, ";") {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ";") + ";", len(parts) > 0
	}
	return "", false
}

// validMimeTypes keeps of a MimeType value (a list, or "a;b;") the
// values that are MIME types, as linuxMime registers them.
func validMimeTypes(v any) any {
	var in []any
	switch x := v.(type) {
	case string:
		for _, s := range strings.Split(x, ";") {
			in = append(in, s)
		}
	case []any:
		in = x
	default:
		return v
	}
	var out []any
	for _, s := range in {
		if s, ok := s.(string); ok && mimeType.MatchString(s) {
			out = append(out, s)
		}
	}
	return out
}

// windowsMenus plans menuinst's Start Menu shortcut per item, in a folder
// named after the menu, its desktop shortcut (menuinst's default), and
// its file and URL associations (windowsAssociations), which it notes
// anything left out of.
func windowsMenus(p *Plan, env Env, menuName string, items []menuItem, e MenuEnv, allUsers bool) (notes []string, err error) {
	t := p.Target
	start, err := startMenuDir(t, env, allUsers)
	if err != nil {
		return nil, err
	}
	folder, err := windowsMenuName(menuName, "")
	if err != nil {
		return nil, err
	}
	dir := t.Join(start, folder)
	p.Dirs = append(p.Dirs, dir)
	maint := MaintenanceApp(t, e.Base)
	for _, it := range items {
		file, err := windowsMenuName(it.name, ".lnk")
		if err != nil {
			return nil, err
		}
		target, args := it.command[0], it.command[1:]
		if it.viaApp() {
			target, args = maint, it.runArgs(e, "")
			if it.terminal {
				args = slices.Insert(args, 2, "--terminal")
			}
		}
		s := Shortcut{Target: expandWinVars(target, env), Arguments: WindowsCommandLine(args),
			WorkingDir: firstNonEmpty(it.workingDir, env.Home), Icon: it.icon,
			Description: oneLine(firstNonEmpty(it.description, it.name))}
		if !strings.Contains(strings.ToLower(s.Target+s.Arguments+s.WorkingDir+s.Icon), strings.ToLower(e.Base)) {
			s.Kind = KindOther // a command outside the install (notepad.exe): verify looks for the file only
		}
		s.Path = t.Join(dir, file)
		p.Shortcuts = append(p.Shortcuts, s)
		if it.desktop {
			desk, err := desktopDir(t, env, allUsers)
			if err != nil {
				return nil, err
			}
			s.Path = t.Join(desk, file)
			p.Shortcuts = append(p.Shortcuts, s)
		}
		if tp, ok := it.keys["terminal_profile"].(string); ok && strings.TrimSpace(tp) != "" {
			switch lad := env.get("LOCALAPPDATA"); {
			case allUsers:
				notes = append(notes, fmt.Sprintf("%q: made without its Windows Terminal profile: profiles are the user's, and this install is for all users (as menuinst)", it.name))
			case lad == "" || strings.ContainsFunc(tp, isControl):
				notes = append(notes, fmt.Sprintf("%q: made without its Windows Terminal profile: %%LOCALAPPDATA%% is not set, or the profile's name holds control characters", it.name))
			default:
				p.Terminal = append(p.Terminal, TerminalProfile{LocalAppData: lad, Name: render(t, tp, menuVars(t, env, e)),
					CommandLine: WindowsCommandLine(it.command), Icon: it.icon, StartingDir: it.workingDir, Prefix: e.Base})
			}
		}
		reg, why := windowsAssociations(it, s.Target, args, allUsers)
		p.Registry = append(p.Registry, reg...)
		for _, n := range why {
			notes = append(notes, fmt.Sprintf("%q: %s", it.name, n))
		}
	}
	return notes, nil
}

// windowsMenuName is name as a Windows file name (with ext), or why a
// menu's name cannot be one: nothing left of it (".."), a device (CON), a
// short (8.3) name of another file.
func windowsMenuName(name, ext string) (string, error) {
	f := windowsFileName(name)
	if f == "" {
		return "", fmt.Errorf("the name %q leaves no Windows file name", name)
	}
	if why := winname.Unsafe(f + ext); why != "" {
		return "", fmt.Errorf("the name %q cannot be a Windows file name: %s", name, why)
	}
	return f + ext, nil
}

// expandWinVars replaces each %NAME% of s that env sets (%windir% and
// the like, which menu files use in a program's path): a shortcut's
// target must be a path, and the Shell does not expand it everywhere.
func expandWinVars(s string, env Env) string {
	return winVar.ReplaceAllStringFunc(s, func(m string) string {
		if v := env.get(m[1 : len(m)-1]); v != "" {
			return v
		}
		if v := env.get(strings.ToUpper(m[1 : len(m)-1])); v != "" {
			return v
		}
		return m
	})
}

var winVar = regexp.MustCompile(`%[A-Za-z_][A-Za-z0-9_]*%`)

// desktopDir is the user's desktop, or the public one for all users.
func desktopDir(t Target, env Env, allUsers bool) (string, error) {
	if allUsers {
		if d := env.known("PublicDesktop"); d != "" {
			return d, nil
		}
		return t.Join(firstNonEmpty(env.get("PUBLIC"), `C:\Users\Public`), "Desktop"), nil
	}
	if d := env.known("Desktop"); d != "" {
		return d, nil
	}
	home := firstNonEmpty(env.get("USERPROFILE"), env.Home)
	if home == "" {
		return "", errors.New("failed to find the desktop: %USERPROFILE% is not set")
	}
	return t.Join(home, "Desktop"), nil
}

// darwinMenus plans menuinst's <name>.app per item: a copy of the
// maintenance app told to run the command (as onboard's own launchers).
func darwinMenus(p *Plan, env Env, items []menuItem, e MenuEnv, allUsers bool) error {
	t := p.Target
	dir, err := applicationsDir(t, env, allUsers)
	if err != nil {
		return err
	}
	for _, it := range items {
		app := AppInfo{Name: it.name, ID: "com." + firstNonEmpty(menuSlug(it.name), "menu"), Prefix: e.Base, Environment: it.environment}
		if err := darwinBundle(p, t.Join(dir, bundleFileName(it.name)+".app"), app, LauncherSpec{Name: it.name}, it.runArgs(e, it.workingDir)); err != nil {
			return err
		}
	}
	return nil
}

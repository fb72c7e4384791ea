package platform

import (
	"fmt"
	"strings"
)

// A menuinst v1 (legacy) menu file: {"menu_name", "menu_items": [{"name",
// one of "pywscript", "pyscript", "webbrowser", "script", "system",
// "scriptargument(s)", "workdir", "icon", "desktop"}]}, with ${PREFIX}-style
// placeholders. conda still makes these on Windows, through menuinst's
// _legacy/win32.py; elsewhere it logs a warning and makes nothing.

// legacyWindowsMenus plans what menuinst's legacy code makes on Windows:
// a Start Menu folder named after the menu, a shortcut per item (and one
// on the desktop when "desktop" is true), named "<name> (<env>)" outside
// the base. The Python items menuinst runs through conda's cwp.py (which
// activates the env) run through `onboard launch run` instead, which needs
// no conda in the base.
func legacyWindowsMenus(t Target, env Env, raw map[string]any, e MenuEnv, allUsers bool) (Plan, []string, error) {
	p := Plan{Target: t, Prefix: e.Base}
	vars := legacyVars(t, env, e)
	menuName, _ := raw["menu_name"].(string)
	if menuName = strings.TrimSpace(legacyRender(menuName, vars)); menuName == "" {
		return p, nil, fmt.Errorf(`the legacy menu file has no "menu_name"`)
	}
	list, ok := raw["menu_items"].([]any)
	if !ok || len(list) == 0 {
		return p, nil, fmt.Errorf(`the legacy menu file has no "menu_items"`)
	}
	start, err := startMenuDir(t, env, allUsers)
	if err != nil {
		return p, nil, err
	}
	folder, err := windowsMenuName(menuName, "")
	if err != nil {
		return p, nil, err
	}
	dir := t.Join(start, folder)
	p.Dirs = append(p.Dirs, dir)
	suffix := ""
	if e.Prefix != e.Base {
		suffix = " (" + e.Name + ")"
	}
	maint := MaintenanceApp(t, e.Base)
	for i, v := range list {
		obj, ok := v.(map[string]any)
		if !ok {
			return p, nil, fmt.Errorf("menu item %d is not an object", i+1)
		}
		name, _ := obj["name"].(string)
		if name = strings.TrimSpace(legacyRender(name, vars)); name == "" || strings.ContainsFunc(name, isControl) {
			return p, nil, fmt.Errorf(`menu item %d: its "name" is missing, empty or holds control characters`, i+1)
		}
		name += suffix
		target, args, err := legacyCommand(t, obj, e, maint, vars)
		if err != nil {
			return p, nil, fmt.Errorf("menu item %q: %w", name, err)
		}
		file, err := windowsMenuName(name, ".lnk")
		if err != nil {
			return p, nil, err
		}
		str := func(k string) string {
			s, _ := obj[k].(string)
			return strings.ReplaceAll(legacyRender(s, vars), "/", `\`)
		}
		s := Shortcut{Path: t.Join(dir, file), Target: expandWinVars(target, env), Arguments: args,
			WorkingDir: firstNonEmpty(str("workdir"), "%HOMEPATH%"), Icon: str("icon"), Description: name}
		if !strings.Contains(strings.ToLower(s.Target+s.Arguments+s.WorkingDir+s.Icon), strings.ToLower(e.Base)) {
			s.Kind = KindOther
		}
		p.Shortcuts = append(p.Shortcuts, s)
		if desk, _ := obj["desktop"].(bool); desk {
			d, err := desktopDir(t, env, allUsers)
			if err != nil {
				return p, nil, err
			}
			s.Path = t.Join(d, file)
			p.Shortcuts = append(p.Shortcuts, s)
		}
	}
	return p, nil, nil
}

// legacyCommand is the shortcut's target and arguments for a legacy item.
func legacyCommand(t Target, obj map[string]any, e MenuEnv, maint string, vars map[string]string) (target, args string, err error) {
	field := func(k string) (string, bool) { s, ok := obj[k].(string); return s, ok && s != "" }
	scriptArgs := func() []string {
		var out []string
		if s, ok := obj["scriptargument"].(string); ok {
			out = append(out, s)
		}
		if l, ok := obj["scriptarguments"].([]any); ok {
			for _, a := range l {
				if s, ok := a.(string); ok {
					out = append(out, s)
				}
			}
		}
		return out
	}
	render := func(argv []string, fixSlashes int) []string {
		for i := range argv {
			argv[i] = legacyRender(argv[i], vars)
			if i == fixSlashes {
				argv[i] = strings.ReplaceAll(argv[i], "/", `\`)
			}
		}
		return argv
	}
	// The env activated, as conda's cwp.py does it, then the program.
	inEnv := func(terminal bool, argv []string) (string, string) {
		run := []string{"launch", "run", "--prefix", e.Base, "--env", e.Name}
		if terminal {
			run = append(run, "--terminal")
		}
		return maint, WindowsCommandLine(append(append(run, "--"), argv...))
	}
	var argv []string
	switch {
	case has(field, "pywscript"):
		s, _ := field("pywscript")
		argv = render(append([]string{t.Join(e.Prefix, "pythonw.exe")}, strings.Fields(s)...), 1)
		target, args = inEnv(false, argv)
		return target, args, nil
	case has(field, "pyscript"):
		s, _ := field("pyscript")
		argv = render(append([]string{t.Join(e.Prefix, "python.exe")}, strings.Fields(s)...), 1)
		target, args = inEnv(true, argv)
		return target, args, nil
	case has(field, "webbrowser"):
		u, _ := field("webbrowser")
		argv = []string{t.Join(e.Base, "pythonw.exe"), "-m", "webbrowser", "-t", legacyRender(u, vars)}
	case has(field, "script"):
		s, _ := field("script")
		argv = render(append(strings.Fields(s), scriptArgs()...), 0)
		target, args = inEnv(true, argv)
		return target, args, nil
	case has(field, "system"):
		s, _ := field("system")
		argv = render(append(strings.Fields(s), scriptArgs()...), 0)
	default:
		return "", "", fmt.Errorf(`it has none of "pywscript", "pyscript", "webbrowser", "script" or "system"`)
	}
	q := legacyQuote(argv)
	return q[0], strings.Join(q[1:], " "), nil
}

func has(field func(string) (string, bool), k string) bool { _, ok := field(k); return ok }

// legacyVars are menuinst's legacy placeholders for env e.
func legacyVars(t Target, env Env, e MenuEnv) map[string]string {
	profile := firstNonEmpty(env.get("USERPROFILE"), env.Home)
	docs := env.known("Documents")
	if docs == "" && profile != "" {
		docs = t.Join(profile, "Documents")
	}
	name := ""
	if e.Prefix != e.Base {
		name = e.Name
	}
	bits := "64"
	if t.Arch == "386" {
		bits = "32"
	}
	return map[string]string{
		"${PREFIX}": e.Prefix, "${ROOT_PREFIX}": e.Base, "${DISTRIBUTION_NAME}": t.Base(e.Base),
		"${PYTHON_SCRIPTS}": strings.ReplaceAll(t.Join(e.Prefix, "Scripts"), `\`, "/"),
		"${MENU_DIR}":       t.Join(e.Prefix, "Menu"), "${PERSONALDIR}": docs, "${USERPROFILE}": profile,
		"${ENV_NAME}": name, "${PY_VER}": "3", "${PLATFORM}": "(" + bits + "-bit)",
	}
}

// legacyRender replaces the placeholders that have a value, as menuinst's
// legacy substitute_env_variables does (an empty one stays as written).
func legacyRender(s string, vars map[string]string) string {
	for _, k := range []string{"${PREFIX}", "${ROOT_PREFIX}", "${DISTRIBUTION_NAME}", "${PYTHON_SCRIPTS}", "${MENU_DIR}",
		"${PERSONALDIR}", "${USERPROFILE}", "${ENV_NAME}", "${PY_VER}", "${PLATFORM}"} {
		if v := vars[k]; v != "" {
			s = strings.ReplaceAll(s, k, v)
		}
	}
	return s
}

// legacyQuote quotes a legacy shortcut's program and arguments as menuinst
// does: cmd.exe /K or /C with an argument holding a space gets its
// arguments as one doubly quoted string; otherwise an argument with a
// space or a "/" is quoted, unless it starts with "-" or a space.
func legacyQuote(argv []string) []string {
	cmd := len(argv) > 2 && (strings.Contains(strings.ToUpper(argv[0]), "CMD.EXE") || strings.Contains(strings.ToUpper(argv[0]), "%COMSPEC%")) &&
		(strings.EqualFold(argv[1], "/K") || strings.EqualFold(argv[1], "/C"))
	spaced := false
	for _, a := range argv[min(2, len(argv)):] {
		spaced = spaced || strings.Contains(a, " ")
	}
	pad := func(s string) string {
		if s == "" || len(s) > 1 && s[0] == '"' && s[len(s)-1] == '"' {
			return s
		}
		return `"` + s + `"`
	}
	if cmd && spaced {
		rest := make([]string, len(argv)-2)
		for i, a := range argv[2:] {
			rest[i] = pad(a)
		}
		return []string{pad(argv[0]), argv[1], `"` + strings.Join(rest, " ") + `"`}
	}
	out := make([]string, len(argv))
	for i, a := range argv {
		a = strings.Trim(a, `"`)
		switch {
		case a == "" || a[0] == '-' || a[0] == ' ':
		case strings.ContainsAny(a, " /"):
			a = `"` + a + `"`
		}
		out[i] = a
	}
	return out
}

package platform

import (
	"fmt"
	"strings"

	"onboard/internal/launchname"
)

// solarisLaunchers plans what Linux gets (the GNOME desktop of Solaris 11
// and OpenIndiana's MATE follow XDG) plus a shell launcher per item in
// ~/bin (/usr/local/bin for all users), for people who work in a terminal.
func solarisLaunchers(p *Plan, env Env, app AppInfo, items []LauncherSpec, allUsers bool) error {
	if err := linuxLaunchers(p, env, app, items, allUsers); err != nil {
		return err
	}
	t := p.Target
	bin := "/usr/local/bin"
	if !allUsers {
		if env.Home == "" {
			// XDG_DATA_HOME set took the .desktop files elsewhere; the
			// scripts were planned at a relative bin/ (audit AL 8)
			return env.noHome("set HOME, or install with --no-launcher --no-maintenance-launcher")
		}
		bin = t.Join(env.Home, "bin")
	}
	for _, it := range items {
		p.Files = append(p.Files, File{Path: t.Join(bin, ScriptName(app, it)), Kind: KindEntry, Mode: 0o755,
			Data: ShellLauncher(app, it)})
	}
	return nil
}

// ScriptName is the file name of the shell launcher of it on Solaris:
// "acme-python" for the maintenance app, "acme-python-jupyter-lab" for a
// launcher called "Jupyter Lab". The product's slug comes first so it
// cannot shadow a program of the env (jupyter-lab) on PATH.
func ScriptName(app AppInfo, it LauncherSpec) string {
	if it.maintenance() {
		return Slug(app.Name)
	}
	return Slug(app.Name) + "-" + Slug(it.Name)
}

// ShellLauncher returns a /bin/sh script that runs the maintenance app the
// way the launcher it does, passing on its own arguments.
func ShellLauncher(app AppInfo, it LauncherSpec) []byte {
	argv := append([]string{MaintenanceApp(Target{OS: "solaris"}, app.Prefix)}, it.args(app.Prefix)...)
	for i, a := range argv {
		argv[i] = shQuote(a)
	}
	return fmt.Appendf(nil, "#!/bin/sh\n# %s: %s\n# Made by onboard for %s; uninstalling it removes this file.\nexec %s \"$@\"\n",
		oneLine(it.Name), oneLine(it.comment(app)), oneLine(app.Name), strings.Join(argv, " "))
}

// shQuote quotes s for a POSIX shell: 'it'\”s'.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// oneLine replaces control characters so text can go in a comment line.
func oneLine(s string) string { return launchname.OneLine(s) }

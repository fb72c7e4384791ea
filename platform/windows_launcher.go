package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"

	"onboard/installer/state"
	"onboard/internal/launchname"
)

// UninstallKeyParent is the registry key, below HKCU or HKLM, that holds
// the "Apps & features" entries.
const UninstallKeyParent = `Software\Microsoft\Windows\CurrentVersion\Uninstall`

// startMenuDir returns the Start Menu's Programs folder, from the Shell's
// known folders when the host gave them, else from the environment.
func startMenuDir(t Target, env Env, allUsers bool) (string, error) {
	if allUsers {
		if d := env.known("CommonPrograms"); d != "" {
			return d, nil
		}
		pd := firstNonEmpty(env.get("ProgramData"), env.get("ALLUSERSPROFILE"), `C:\ProgramData`)
		return t.Join(pd, "Microsoft", "Windows", "Start Menu", "Programs"), nil
	}
	if d := env.known("Programs"); d != "" {
		return d, nil
	}
	ad := env.get("APPDATA")
	if ad == "" && env.Home != "" {
		ad = t.Join(env.Home, "AppData", "Roaming")
	}
	if ad == "" {
		return "", fmt.Errorf("failed to find the Start Menu: %%APPDATA%% is not set; install with --no-launcher")
	}
	return t.Join(ad, "Microsoft", "Windows", "Start Menu", "Programs"), nil
}

// windowsLaunchers plans a Start Menu shortcut per launcher (in a folder
// named after the product when there are two or more: Windows 11 hides a
// folder with a single item) and the "Apps & features" entry.
func windowsLaunchers(p *Plan, env Env, app AppInfo, items []LauncherSpec, allUsers bool) error {
	t := p.Target
	maint := MaintenanceApp(t, app.Prefix)
	icon, iconIndex := maint, 0
	if ico, err := ICO(app.Icon); err == nil { // no usable PNG: the exe's own icon
		icon = t.Join(app.Prefix, state.Rel(state.IconName))
		p.Files = append(p.Files, File{Path: icon, Kind: KindIcon, Mode: 0o644, Data: ico})
	}
	if len(items) > 0 {
		dir, err := startMenuDir(t, env, allUsers)
		if err != nil {
			return err
		}
		if len(items) > 1 {
			dir = t.Join(dir, windowsFileName(app.Name))
			p.Dirs = append(p.Dirs, dir)
		}
		// "Start in": the user's home; for all users the literal
		// %USERPROFILE%, which Windows expands as each user starts it (as
		// menuinst keeps it), never the installing account's own profile
		workDir := firstNonEmpty(env.Home, app.Prefix)
		if allUsers {
			workDir = "%USERPROFILE%"
		}
		for _, it := range items {
			p.Shortcuts = append(p.Shortcuts, Shortcut{
				Path: t.Join(dir, windowsFileName(it.Name)+".lnk"), Target: maint,
				Arguments: WindowsCommandLine(it.args(app.Prefix)), WorkingDir: workDir,
				Icon: icon, IconIndex: iconIndex, Description: oneLine(it.comment(app)),
			})
		}
	}
	p.Registry = append(p.Registry, UninstallEntry(app, maint, icon, allUsers))
	return nil
}

// UninstallKey returns the "Apps & features" key name of an install: the
// app's id and a hash of the prefix, so two installs of one product in
// two folders get two entries.
func UninstallKey(app AppInfo) string {
	sum := sha256.Sum256([]byte(strings.ToLower(app.Prefix)))
	return UninstallKeyParent + `\` + app.ID + "_" + hex.EncodeToString(sum[:4])
}

// UninstallEntry returns the "Apps & features" registry entry: uninstall
// and quiet uninstall run the maintenance app's uninstall (with no console,
// which "Apps & features" never gives, it asks in the maintenance window);
// Modify opens the maintenance window, with its Repair (NoModify 0); there
// is no MSI repair (NoRepair 1).
func UninstallEntry(app AppInfo, maint, icon string, allUsers bool) RegistryEntry {
	root := "HKCU"
	if allUsers {
		root = "HKLM"
	}
	q := func(s string) string { return winQuote(s, true) }
	uninstall := q(maint) + " uninstall --prefix " + q(app.Prefix)
	sz := func(n, v string) RegValue { return RegValue{Name: n, Type: "sz", Str: oneLine(v)} }
	dw := func(n string, v uint32) RegValue { return RegValue{Name: n, Type: "dword", DWord: v} }
	vals := []RegValue{
		sz("DisplayName", app.Name), sz("DisplayVersion", app.Version),
		sz("InstallLocation", app.Prefix),
		sz("DisplayIcon", icon+",0"), sz("UninstallString", uninstall),
		sz("QuietUninstallString", uninstall+" --silent"),
		sz("ModifyPath", q(maint)+" --prefix "+q(app.Prefix)),
		dw("NoModify", 0), dw("NoRepair", 1), dw("EstimatedSize", kib(app.Size)),
	}
	if app.Publisher != "" {
		// Apps & features' Publisher column: the organisation, never the
		// product's name (with the label of an install in another folder)
		vals = append(vals, sz("Publisher", app.Publisher))
	}
	if !app.Installed.IsZero() {
		vals = append(vals, sz("InstallDate", app.Installed.Format("20060102")))
	}
	if app.URL != "" {
		vals = append(vals, sz("URLInfoAbout", app.URL), sz("HelpLink", app.URL))
	}
	return RegistryEntry{Root: root, Key: UninstallKey(app), Values: vals}
}

func kib(n int64) uint32 {
	k := (n + 1023) / 1024
	if k > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(max(k, 0))
}

// WindowsCommandLine joins arguments into a Windows command line that
// CommandLineToArgvW (and Go's os.Args) splits back into argv.
func WindowsCommandLine(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = winQuote(a, false)
	}
	return strings.Join(out, " ")
}

// winQuote quotes one argument the way CommandLineToArgvW expects:
// backslashes are literal except before a double quote.
func winQuote(s string, always bool) string {
	if !always && s != "" && !strings.ContainsAny(s, " \t\"") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for _, r := range s {
		switch r {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1))
			slashes = 0
		default:
			slashes = 0
		}
		b.WriteRune(r)
	}
	b.WriteString(strings.Repeat(`\`, slashes))
	b.WriteByte('"')
	return b.String()
}

// windowsFileName replaces the characters Windows forbids in file names.
func windowsFileName(name string) string { return launchname.WindowsFile(name) }

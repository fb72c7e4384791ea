package platform

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/draw"
)

// xdgDataDir returns where .desktop files and icons go: $XDG_DATA_HOME
// (default ~/.local/share) per user, /usr/local/share for all users
// (/usr/share belongs to the distribution's packages).
func xdgDataDir(t Target, env Env, allUsers bool) (string, error) {
	return xdgDir(t, env, allUsers, "/usr/local/share", "XDG_DATA_HOME", ".local", "share")
}

// xdgDir is system for all users, else the user's folder that variable
// names (when absolute), else home/under.
func xdgDir(t Target, env Env, allUsers bool, system, variable string, under ...string) (string, error) {
	if allUsers {
		return system, nil
	}
	if d := env.get(variable); t.IsAbs(d) {
		return d, nil
	}
	if env.Home == "" {
		return "", env.noHome("set HOME, or install with --no-launcher --no-maintenance-launcher")
	}
	return t.Join(append([]string{env.Home}, under...)...), nil
}

// linuxLaunchers plans one reverse-DNS named .desktop file per launcher in
// DATA/applications and the product's icon in the hicolor theme, named
// after the app id.
func linuxLaunchers(p *Plan, env Env, app AppInfo, items []LauncherSpec, allUsers bool) error {
	t := p.Target
	data, err := xdgDataDir(t, env, allUsers)
	if err != nil {
		return err
	}
	apps := t.Join(data, "applications")
	maint := MaintenanceApp(t, app.Prefix)
	icon := ""
	if len(app.Icon) > 0 && len(items) > 0 {
		icon = app.ID + app.idSuffix
		size := iconSizeDir(app.Icon)
		p.Files = append(p.Files, File{Path: t.Join(data, "icons", "hicolor", size, "apps", icon+".png"),
			Kind: KindIcon, Mode: 0o644, Data: app.Icon})
		// the Icon Theme spec's minimum, a 48×48 one in hicolor (audit AL
		// 9): scaled from the bundle's where it is another size
		if small := scaledPNG(app.Icon, 48); size != "48x48" && small != nil {
			p.Files = append(p.Files, File{Path: t.Join(data, "icons", "hicolor", "48x48", "apps", icon+".png"),
				Kind: KindIcon, Mode: 0o644, Data: small})
		}
	}
	for _, it := range items {
		id := launcherID(app, it)
		entry, err := DesktopEntry(app, it, maint, icon)
		if err != nil {
			return err
		}
		p.Files = append(p.Files, File{Path: t.Join(apps, id+".desktop"), Kind: KindEntry, Mode: 0o644, Data: entry})
	}
	p.Refresh = append(p.Refresh, []string{"update-desktop-database", apps})
	if allUsers && len(app.Icon) > 0 {
		p.Refresh = append(p.Refresh, []string{"gtk-update-icon-cache", "-q", t.Join(data, "icons", "hicolor")})
	}
	return nil
}

// DesktopEntry returns the .desktop file of one launcher that runs maint
// (the maintenance app). icon is a theme icon name or absolute path; ""
// leaves Icon out. Every value is escaped, so no value can add a line.
func DesktopEntry(app AppInfo, it LauncherSpec, maint, icon string) ([]byte, error) {
	if strings.Contains(maint, "=") {
		return nil, fmt.Errorf("failed to make a desktop entry: the program path %q contains '=', which the Exec key forbids; choose another folder", maint)
	}
	var b bytes.Buffer
	kv := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, escapeDesktopValue(v)) }
	b.WriteString("[Desktop Entry]\n")
	kv("Type", "Application")
	kv("Version", "1.4")
	kv("Name", it.Name)
	kv("Comment", it.comment(app))
	kv("Exec", ExecLine(append([]string{maint}, it.args(app.Prefix)...)))
	kv("TryExec", maint)
	if icon != "" {
		kv("Icon", icon)
	}
	kv("Terminal", strconv.FormatBool(it.Terminal))
	kv("StartupNotify", "false")
	if it.maintenance() {
		kv("Categories", "Development;")
	} else {
		kv("Categories", "Development;IDE;")
		kv("Keywords", "python;jupyter;notebook;")
	}
	kv("X-Onboard-Prefix", app.Prefix)
	return b.Bytes(), nil
}

// escapeDesktopValue applies the Desktop Entry string escapes (\\ \n \t \r,
// \s for a leading space) and drops other control characters.
func escapeDesktopValue(v string) string {
	var b strings.Builder
	for i, r := range v {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == ' ' && i == 0:
			b.WriteString(`\s`)
		case isControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// execReserved are the characters that force an Exec argument into quotes.
const execReserved = " \t\n\"'\\><~|&;$*?#()`"

// ExecLine quotes argv for a Desktop Entry Exec key (before the string
// escapes that [DesktopEntry] applies): arguments with reserved characters
// are double-quoted with `"`, "`", `$` and `\` backslash-escaped, and every
// `%` is doubled.
func ExecLine(argv []string) string { return execLine(argv, false) }

// fieldCodes are the Desktop Entry field codes an argument may be: the
// launcher puts the files or URLs opened with the entry (%f %F %u %U), the
// icon, the name or the entry's file in their place.
var fieldCodes = map[string]bool{"%f": true, "%F": true, "%u": true, "%U": true, "%i": true, "%c": true, "%k": true}

// execLine is ExecLine; with codes, an argument that is a field code by
// itself ("%f") is left for the launcher to fill in, as a package's menu
// command asks (menuinst writes the command as it is).
func execLine(argv []string, codes bool) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if codes && fieldCodes[a] {
			out[i] = a
			continue
		}
		a = strings.ReplaceAll(a, "%", "%%")
		if a == "" || strings.ContainsAny(a, execReserved) {
			r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`)
			a = `"` + r.Replace(a) + `"`
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// pngSize returns the width and height from a PNG's IHDR chunk.
func pngSize(b []byte) (w, h int, ok bool) {
	if len(b) < 24 || string(b[:8]) != "\x89PNG\r\n\x1a\n" || string(b[12:16]) != "IHDR" {
		return 0, 0, false
	}
	return int(binary.BigEndian.Uint32(b[16:])), int(binary.BigEndian.Uint32(b[20:])), true
}

// iconSizeDir returns the hicolor size folder for a PNG: "256x256" for a
// 256×256 image; icons of odd or unknown size go to 256x256 and are scaled.
func iconSizeDir(png []byte) string {
	w, h, ok := pngSize(png)
	if ok && w == h {
		switch w {
		case 16, 22, 24, 32, 48, 64, 128, 256, 512:
			return fmt.Sprintf("%dx%d", w, h)
		}
	}
	return "256x256"
}

// scaledPNG returns the PNG b scaled to n×n pixels, or nil when b is no
// PNG Go decodes. The last one made is kept: a plan is made many times
// (the Location step, --dry-run) of one icon.
func scaledPNG(b []byte, n int) []byte {
	scaled.mu.Lock()
	defer scaled.mu.Unlock()
	if scaled.n == n && bytes.Equal(scaled.from, b) {
		return scaled.to
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	dst := image.NewNRGBA(image.Rect(0, 0, n, n))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil
	}
	scaled.from, scaled.n, scaled.to = bytes.Clone(b), n, out.Bytes()
	return scaled.to
}

var scaled struct {
	mu       sync.Mutex
	from, to []byte
	n        int
}

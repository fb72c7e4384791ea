// Package launchname turns a launcher's display name into the names of
// the files it becomes on each system: the one place both the platform
// package (which makes them) and the bundle's validation (which refuses
// names that would be one file: two launchers, one lost) read them from.
package launchname

import (
	"strings"
	"unicode"
)

// OneLine replaces control characters (a line break) with spaces.
func OneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// Slug turns a display name into a lowercase, space-free folder or file
// name: "Acme Python 3" → "acme-python-3". Letters outside ASCII are
// dropped; an empty result becomes "onboard". Solaris' shell launchers
// are named by it.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "onboard"
	}
	return b.String()
}

// ID turns a display name into one element of a reverse-DNS name (D-Bus
// rules: [A-Za-z0-9_], not starting with a digit): "Jupyter Lab" →
// "JupyterLab". Linux's .desktop files are named by it.
func ID(name string) string {
	var b strings.Builder
	upper := false
	for _, r := range name {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'):
			if upper {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = b.Len() > 0
		}
	}
	s := b.String()
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "_" + s
	}
	return s
}

// WindowsFile is the name a Windows shortcut (.lnk) or folder of the name
// gets: the characters Windows forbids in a name made '_', and the
// trailing dots and spaces it would drop dropped.
func WindowsFile(name string) string {
	return strings.TrimRight(strings.NewReplacer(`<`, "_", `>`, "_", `:`, "_", `"`, "_", `/`, "_", `\`, "_",
		`|`, "_", `?`, "_", `*`, "_").Replace(OneLine(name)), ". ")
}

// MacFile is the name of a macOS .app of the name (before ".app"): '/' and
// ':' made '-'.
func MacFile(name string) string {
	return strings.NewReplacer("/", "-", ":", "-").Replace(OneLine(name))
}

// Maintenance is the name of the maintenance app's launcher of the
// product called product.
func Maintenance(product string) string { return product + " Maintenance" }

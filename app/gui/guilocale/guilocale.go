// Package guilocale keeps Fyne quiet about locales it cannot parse.
//
// Fyne's lang package reads LC_ALL, LC_MESSAGES or LANG (and LANGUAGE)
// while it initialises, and logs three "Fyne error: Error parsing user
// locale" lines to stderr for values such as C.UTF-8, the default of
// Debian and of most containers. That happens at package initialisation,
// before main runs, in every command of the GUI build (version, info,
// verify, install --json), and the lines end up in Jupyter's log.
//
// This package's init replaces such a value by "C" (or drops a LANGUAGE
// list Fyne cannot parse) just for that moment; Restore, called from the
// main package's init, puts the person's values back so that the programs
// onboard starts (Jupyter, terminals, link scripts) see them unchanged.
//
// It runs before Fyne's lang because of Go's initialisation order: among
// the packages whose imports are initialised, the first by import path goes
// first. This package imports only os and strings, and "onboard/..." sorts
// before "text/template", which Fyne's lang needs. The test in the root
// package runs the built binary under each locale and checks stderr.
package guilocale

import (
	"os"
	"strings"
)

// saved are the variables changed by init, with their original values.
var saved = map[string]string{}

func init() { Quiet(os.Getenv, setenv) }

func setenv(k, v string) {
	if v == "" {
		os.Unsetenv(k)
		return
	}
	os.Setenv(k, v)
}

// Quiet changes, through set, the locale variables that Fyne would fail to
// parse, and remembers their values for Restore.
func Quiet(get func(string) string, set func(k, v string)) {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := get(k)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" {
			return // Fyne ignores LANGUAGE then and uses English
		}
		if !Parsable(v) {
			saved[k] = v
			set(k, "C")
			return
		}
		break
	}
	if v := get("LANGUAGE"); v != "" {
		for _, l := range strings.Split(v, ":") {
			if !Parsable(l) {
				saved["LANGUAGE"] = v
				set("LANGUAGE", "")
				return
			}
		}
	}
}

// Restore puts back the values Quiet changed.
func Restore() {
	for k, v := range saved {
		setenv(k, v)
		delete(saved, k)
	}
}

// Parsable tells whether Fyne's locale lookup turns v (a POSIX locale such
// as en_US.UTF-8 or de_DE@euro) into a BCP 47 tag it can parse: a language
// of 2 or 3 letters and an optional region of letters or digits.
func Parsable(v string) bool {
	v, _, _ = strings.Cut(v, ".")
	v = strings.ReplaceAll(v, "-", "_")
	lang, region, _ := strings.Cut(v, "_")
	if len(lang) < 2 || len(lang) > 3 || !all(lang, isLetter) {
		return false
	}
	return region == "" || (len(region) >= 2 && len(region) <= 3 && all(region, func(r rune) bool { return isLetter(r) || (r >= '0' && r <= '9') }))
}

func isLetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }

func all(s string, f func(rune) bool) bool {
	for _, r := range s {
		if !f(r) {
			return false
		}
	}
	return true
}

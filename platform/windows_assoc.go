package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// A Windows menu item's file and URL associations, registered as
// menuinst registers them (win_utils/registry.py), under the same names,
// so that conda removing the package later removes them too:
//
//   - a file extension .ext gets the handler (ProgID)
//     Software\Classes\<slug(name)>.AssocFile.ext, whose
//     shell\open\command is the item's command with the file ("%1"), and
//     the value <that id> in Software\Classes\.ext\OpenWithProgids, which
//     offers it in "Open with" (not as the default: the user picks that);
//   - a URL protocol p gets Software\Classes\p: "URL:P", "URL Protocol",
//     the same command, and the marker value _menuinst =
//     <slug(name)>.AssocFilep, which menuinst checks before removing it;
//   - both carry the item's name as menuinst 2.x writes it (shell\open's
//     default and FriendlyAppName, and FriendlyAppName's default), which
//     "Open with" shows.
//
// Below HKCU for the user, HKLM for all users.

// assocMarker is the value that marks an association key as menuinst's
// (and onboard's) and names its handler.
const assocMarker = "_menuinst"

// classesKey is where per-user and machine-wide classes live, below
// HKCU or HKLM.
const classesKey = `Software\Classes`

// urlScheme is a URL scheme (RFC 3986): anything else cannot be one, and
// a "\" would reach other keys.
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]{0,62}$`)

// fileExtension is a file extension as a key name: a dot, then no
// space, control character, path separator or character Windows file
// names refuse.
var fileExtension = regexp.MustCompile(`^\.[^\s\\/:*?"<>|\x00-\x1f\x7f]{1,63}$`)

// windowsAssociations plans the registry entries of it's file_extensions
// and url_protocols, opened by target with args (the item's shortcut's).
// A value that cannot be a key name is left out with a note.
func windowsAssociations(it menuItem, target string, args []string, allUsers bool) (entries []RegistryEntry, notes []string) {
	root := "HKCU"
	if allUsers {
		root = "HKLM"
	}
	exts, bad := assocList(it.keys["file_extensions"], fileExtension, true)
	protos, badp := assocList(it.keys["url_protocols"], urlScheme, false)
	for _, b := range append(bad, badp...) {
		notes = append(notes, fmt.Sprintf("%q is no file extension or URL scheme, so onboard does not register it", b))
	}
	if len(exts)+len(protos) == 0 {
		return nil, notes
	}
	slug := menuSlug(it.name)
	if slug == "" {
		return nil, append(notes, "its name leaves no handler name (menuinst names the handler after it), so onboard registers no association")
	}
	open := openCommand(target, args)
	if strings.ContainsFunc(open, isControl) {
		return nil, append(notes, "its command holds a control character, which a registered command cannot carry, so onboard registers no association")
	}
	handler := func(key, id, def, label string) RegistryEntry {
		e := RegistryEntry{Root: root, Key: classesKey + `\` + key, Marker: assocMarker, Label: label, Values: []RegValue{
			{Name: "", Type: "sz", Str: def},
			{Key: openCommandKey, Name: "", Type: "sz", Str: open},
			// The item's name, which "Open with" shows (else the
			// program's: onboard's, for a command it runs).
			{Key: `shell\open`, Name: "", Type: "sz", Str: oneLine(it.name)},
			{Key: "FriendlyAppName", Name: "", Type: "sz", Str: oneLine(it.name)},
			{Key: `shell\open`, Name: "FriendlyAppName", Type: "sz", Str: oneLine(it.name)},
			{Name: assocMarker, Type: "sz", Str: id},
		}}
		if it.icon != "" {
			e.Values = append(e.Values, RegValue{Key: "DefaultIcon", Name: "", Type: "sz", Str: it.icon},
				RegValue{Key: `shell\open`, Name: "Icon", Type: "sz", Str: it.icon})
		}
		return e
	}
	for _, ext := range exts {
		id := slug + ".AssocFile" + ext
		label := fmt.Sprintf("the %s file association of %q", ext, it.name)
		h := handler(id, id, ext+" "+id+" file", label)
		entries = append(entries, h, RegistryEntry{Root: root, Key: classesKey + `\` + ext + `\OpenWithProgids`,
			Shared: true, With: h.Key, Label: label, Values: []RegValue{{Name: id, Type: "sz"}}})
	}
	for _, p := range protos {
		id := slug + ".AssocFile" + p
		entries = append(entries, handler(p, id, "URL:"+pythonTitle(p), fmt.Sprintf("the %s: URL protocol of %q", p, it.name)))
	}
	return entries, notes
}

// assocList reads a list of strings, deduplicated (lowered when lower,
// as menuinst lowers extensions), and the ones that do not match ok.
func assocList(v any, ok *regexp.Regexp, lower bool) (good, bad []string) {
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		if lower {
			s = strings.ToLower(s)
		}
		switch {
		case !ok.MatchString(s):
			bad = append(bad, s)
		case !slices.Contains(good, s):
			good = append(good, s)
		}
	}
	return good, bad
}

// openCommand is the command line that opens a file (or URL) with
// target and args: each argument that is "%1" or "%L" quoted, so that a
// path with spaces stays one argument, and "%1" added at the end when no
// argument takes the file (as menuinst adds it).
func openCommand(target string, args []string) string {
	parts := []string{winQuote(target, true)}
	takes := false
	for _, a := range args {
		switch a {
		case "%1", "%L", "%l":
			parts = append(parts, `"`+a+`"`)
			takes = true
			continue
		}
		takes = takes || strings.Contains(a, "%1") || strings.Contains(a, "%*") || strings.Contains(strings.ToUpper(a), "%L")
		parts = append(parts, winQuote(a, false))
	}
	if !takes {
		parts = append(parts, `"%1"`)
	}
	return strings.Join(parts, " ")
}

// pythonTitle is Python's str.title, which menuinst applies to a URL
// protocol's name in its description: each letter after a letter
// lowered, any other upper.
func pythonTitle(s string) string {
	var b strings.Builder
	prev := false
	for _, r := range s {
		if prev {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
		prev = unicode.IsLetter(r)
	}
	return b.String()
}

package platform

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"onboard/internal/filelock"
)

// A Linux menu item's MIME types, as menuinst registers them
// (platforms/linux.py):
//
//   - mimeapps.list in the XDG config folder (~/.config, /etc/xdg for all
//     users): the item's .desktop file is added to each type's
//     [Added Associations], and becomes its [Default Applications] entry
//     where the type has none (an existing default is the user's choice);
//   - a type of the item's glob_patterns gets its definition,
//     DATA/mime/packages/<type with "-" for "/">.xml, which
//     update-mime-database reads: files named so are then that type.

// MimeAppsEdit is what [Apply] added to a mimeapps.list for one .desktop
// file, for [Remove] to take out again.
type MimeAppsEdit struct {
	Path  string   `json:"path"`  // the mimeapps.list
	Entry string   `json:"entry"` // the .desktop file; its name is the desktop file ID listed
	Types []string `json:"types"`
	// Created means the file did not exist before, so removal deletes
	// it when nothing is left in it.
	Created bool `json:"created,omitempty"`
	// Made are the folders above the file that the edit made (~/.config
	// of a new home), outermost first: removed again when empty.
	Made []string `json:"made,omitempty"`
}

// KindMime is a MIME type definition (DATA/mime/packages/*.xml) made for
// a menu item's glob_patterns; checked for existence only.
const KindMime = "mime"

// mimeType is a MIME type (RFC 6838 names): anything else cannot be a
// mimeapps.list key, nor a file name of its definition.
var mimeType = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$`)

// mimeMarker is in the comment of every type definition menuinst writes
// (and onboard): a definition without it is another program's.
const mimeMarker = "registered by menuinst"

const (
	mimeDefaults = "Default Applications"
	mimeAdded    = "Added Associations"
)

// xdgConfigDir is where mimeapps.list is: $XDG_CONFIG_HOME or ~/.config,
// /etc/xdg for all users (as menuinst).
func xdgConfigDir(t Target, env Env, allUsers bool) (string, error) {
	return xdgDir(t, env, allUsers, "/etc/xdg", "XDG_CONFIG_HOME", ".config")
}

// linuxMime plans the MIME registration of it, whose .desktop file is
// entry: the mimeapps.list edit and the definitions of its glob_patterns
// types. Values that cannot be a type or a pattern are left out with a
// note.
func linuxMime(p *Plan, env Env, it menuItem, entry, data string, allUsers bool) (notes []string, err error) {
	var types []string
	list, _ := it.keys["MimeType"].([]any)
	if s, ok := it.keys["MimeType"].(string); ok {
		for _, x := range strings.Split(s, ";") {
			if x != "" {
				list = append(list, x)
			}
		}
	}
	for _, x := range list {
		s, _ := x.(string)
		switch {
		case !mimeType.MatchString(s):
			notes = append(notes, fmt.Sprintf("%q is no MIME type, so onboard does not register it", s))
		case !slices.Contains(types, s):
			types = append(types, s)
		}
	}
	if len(types) == 0 {
		return notes, nil
	}
	t := p.Target
	config, err := xdgConfigDir(t, env, allUsers)
	if err != nil {
		return notes, err
	}
	p.MimeApps = append(p.MimeApps, MimeAppsEdit{Path: t.Join(config, "mimeapps.list"), Entry: entry, Types: types})
	globs, _ := it.keys["glob_patterns"].(map[string]any)
	mimeDir := t.Join(data, "mime")
	defined := false
	for _, typ := range types {
		g, ok := globs[typ].(string)
		if !ok || g == "" {
			continue
		}
		if len(g) > 255 || strings.ContainsFunc(g, isControl) {
			notes = append(notes, fmt.Sprintf("the glob pattern of %s is longer than 255 bytes or holds control characters, so onboard does not define the type", typ))
			continue
		}
		p.Files = append(p.Files, File{Path: t.Join(mimeDir, "packages", strings.ReplaceAll(typ, "/", "-")+".xml"),
			Kind: KindMime, Mode: 0o644, Data: mimeDefinition(typ, g)})
		defined = true
	}
	if defined && !slices.ContainsFunc(p.Refresh, func(c []string) bool { return len(c) == 2 && c[1] == mimeDir }) {
		p.Refresh = append(p.Refresh, []string{"update-mime-database", mimeDir})
	}
	return notes, nil
}

// mimeDefinition is the shared-mime-info definition of typ for files
// matching glob, with menuinst's comment (and so its marker).
func mimeDefinition(typ, glob string) []byte {
	esc := func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	return []byte(`<?xml version='1.0' encoding='UTF-8'?>` + "\n" +
		`<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">` + "\n" +
		`  <mime-type type="` + esc(typ) + `">` + "\n" +
		`    <glob pattern="` + esc(glob) + `" />` + "\n" +
		`    <comment>` + esc(fmt.Sprintf("Custom MIME type %s for '%s' files (%s)", typ, glob, mimeMarker)) + `</comment>` + "\n" +
		`  </mime-type>` + "\n" + `</mime-info>` + "\n")
}

// mimeLine is one line of a mimeapps.list as addMimeApps reads it.
type mimeLine struct {
	text    string
	section string // the section the line is in ("" before the first)
	key     string // "" for a header, a comment or a blank line
}

func parseMimeApps(b []byte) []mimeLine {
	var out []mimeLine
	section := ""
	s := string(b)
	if s == "" {
		return nil
	}
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		t := strings.TrimSpace(l)
		ml := mimeLine{text: l}
		switch {
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			section = t[1 : len(t)-1]
		case t != "" && !strings.HasPrefix(t, "#"):
			k, _, _ := strings.Cut(t, "=")
			ml.key = strings.TrimSpace(k)
		}
		ml.section = section
		out = append(out, ml)
	}
	return out
}

func joinMimeApps(lines []mimeLine) []byte {
	if len(lines) == 0 {
		return nil
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// mimeValue is the value of a key line.
func mimeValue(l mimeLine) string {
	_, v, _ := strings.Cut(l.text, "=")
	return strings.TrimSpace(v)
}

// mimeList splits a value into its desktop file IDs.
func mimeList(v string) []string {
	return slices.DeleteFunc(strings.Split(v, ";"), func(s string) bool { return strings.TrimSpace(s) == "" })
}

// addMimeApps adds desktop (a desktop file ID) to b, a mimeapps.list, for
// types, as menuinst does: the default application of a type that has
// none, and one of its added associations. Every other line stays as it
// is.
func addMimeApps(b []byte, desktop string, types []string) []byte {
	lines := parseMimeApps(b)
	for _, typ := range types {
		if i := findMimeKey(lines, mimeDefaults, typ); i < 0 {
			lines = insertMimeKey(lines, mimeDefaults, typ+"="+desktop)
		}
		if i := findMimeKey(lines, mimeAdded, typ); i < 0 {
			lines = insertMimeKey(lines, mimeAdded, typ+"="+desktop)
		} else if v := mimeValue(lines[i]); !slices.Contains(mimeList(v), desktop) {
			sep := ";"
			if strings.HasSuffix(v, ";") || v == "" {
				sep = ""
			}
			end := ""
			if strings.HasSuffix(v, ";") {
				end = ";"
			}
			lines[i].text = typ + "=" + v + sep + desktop + end
		}
	}
	return joinMimeApps(lines)
}

// removeMimeApps takes desktop out of the lists of types in both
// sections of b: a key left with no application goes, and a section left
// with no key. It tells whether anything is left in the file.
func removeMimeApps(b []byte, desktop string, types []string) ([]byte, bool) {
	lines := parseMimeApps(b)
	for _, sec := range []string{mimeDefaults, mimeAdded} {
		for _, typ := range types {
			i := findMimeKey(lines, sec, typ)
			if i < 0 {
				continue
			}
			v := mimeValue(lines[i])
			list := mimeList(v)
			if !slices.Contains(list, desktop) {
				continue
			}
			list = slices.DeleteFunc(list, func(s string) bool { return s == desktop })
			if len(list) == 0 {
				lines = slices.Delete(lines, i, i+1)
				continue
			}
			end := ""
			if strings.HasSuffix(v, ";") {
				end = ";"
			}
			lines[i].text = typ + "=" + strings.Join(list, ";") + end
		}
		lines = dropEmptySection(lines, sec)
	}
	left := slices.ContainsFunc(lines, func(l mimeLine) bool { return strings.TrimSpace(l.text) != "" })
	return joinMimeApps(lines), left
}

func findMimeKey(lines []mimeLine, section, key string) int {
	return slices.IndexFunc(lines, func(l mimeLine) bool { return l.section == section && l.key == key })
}

// insertMimeKey adds the line text at the end of section's keys (the
// section added at the end of the file when there is none).
func insertMimeKey(lines []mimeLine, section, text string) []mimeLine {
	key, _, _ := strings.Cut(text, "=")
	at := -1
	for i, l := range lines {
		if l.section == section && (l.key != "" || strings.TrimSpace(l.text) == "["+section+"]") {
			at = i + 1
		}
	}
	if at < 0 {
		if len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1].text) != "" {
			lines = append(lines, mimeLine{text: "", section: lines[len(lines)-1].section})
		}
		lines = append(lines, mimeLine{text: "[" + section + "]", section: section})
		at = len(lines)
	}
	return slices.Insert(lines, at, mimeLine{text: text, section: section, key: key})
}

// dropEmptySection deletes section's header when nothing but blank lines
// is left in it, with those and the blank lines before it.
func dropEmptySection(lines []mimeLine, section string) []mimeLine {
	header := func(l mimeLine) bool { return l.section == section && strings.TrimSpace(l.text) == "["+section+"]" }
	h := slices.IndexFunc(lines, header)
	if h < 0 || slices.ContainsFunc(lines, func(l mimeLine) bool {
		return l.section == section && !header(l) && strings.TrimSpace(l.text) != ""
	}) {
		return lines // a key or a comment is left in it
	}
	end := h + 1
	for end < len(lines) && lines[end].section == section && strings.TrimSpace(lines[end].text) == "" {
		end++
	}
	start := h
	for start > 0 && strings.TrimSpace(lines[start-1].text) == "" {
		start--
	}
	return slices.Delete(lines, start, end)
}

// applyMimeApps makes edit in its file, atomically, and returns it with
// Created set when the file did not exist.
func applyMimeApps(edit MimeAppsEdit) (MimeAppsEdit, error) {
	path := resolveLink(edit.Path)
	defer filelock.Replaced(path)()
	old, err := os.ReadFile(path)
	edit.Created = errors.Is(err, fs.ErrNotExist)
	if err != nil && !edit.Created {
		return edit, fmt.Errorf("failed to read %q: %w", path, err)
	}
	out := addMimeApps(old, filepath.Base(edit.Entry), edit.Types)
	if bytes.Equal(out, old) {
		return edit, nil
	}
	made := missingDirs(filepath.Dir(path))
	err = os.MkdirAll(filepath.Dir(path), 0o755)
	for _, d := range made {
		if _, serr := os.Stat(d); serr == nil {
			edit.Made = append(edit.Made, d)
		}
	}
	if err != nil {
		return edit, fmt.Errorf("failed to create folder for %q: %w", path, err)
	}
	return edit, atomicWrite(path, bytes.NewReader(out), fileMode(path, 0o644))
}

// undoMimeApps takes edit out of its file again; a file onboard created
// and that is now empty is deleted.
func undoMimeApps(edit MimeAppsEdit) error {
	path := resolveLink(edit.Path)
	defer filelock.Replaced(path)()
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to read %q: %w", path, err)
	}
	out, left := removeMimeApps(old, filepath.Base(edit.Entry), edit.Types)
	switch {
	case !left && edit.Created:
		if err := os.Remove(path); err != nil {
			return err
		}
		// and the folders made for it, when empty (only those above it:
		// a changed record cannot name others)
		for _, d := range slices.Backward(edit.Made) {
			if filepath.IsAbs(d) && strings.HasPrefix(path, d+string(filepath.Separator)) {
				os.Remove(d)
			}
		}
		return nil
	case bytes.Equal(out, old):
		return nil
	}
	return atomicWrite(path, bytes.NewReader(out), fileMode(path, 0o644))
}

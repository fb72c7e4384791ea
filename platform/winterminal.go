package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/internal/capread"
	"onboard/internal/filelock"
)

// A Windows menu item's terminal_profile, as menuinst adds it: a profile
// of that name in each Windows Terminal's settings.json of the user
// (%LOCALAPPDATA%\Packages\Microsoft.WindowsTerminal*_*\LocalState, and
// %LOCALAPPDATA%\Microsoft\Windows Terminal for an unpackaged one), whose
// commandline is the item's command as written (menuinst's; an item
// meant for it starts a prompt that activates the env itself), with its
// icon and working folder. Windows Terminal makes the profile's GUID
// from its name. A Terminal that has never run has the folder but no
// file yet: it gets one with the profile alone, which Terminal completes.
//
// onboard edits the file in place: the profile is added at the end of
// profiles.list, or put where one of its name is, and every other byte
// stays as the user had it (menuinst writes the whole file again).

// TerminalProfile is a Windows Terminal profile to add (Plan.Terminal).
type TerminalProfile struct {
	LocalAppData string `json:"local_app_data"` // where the Terminals' settings are looked for
	Name         string `json:"name"`
	CommandLine  string `json:"commandline"`
	Icon         string `json:"icon,omitempty"`
	StartingDir  string `json:"starting_directory,omitempty"`
	// Prefix is the install's: a profile of the same name whose
	// commandline names it is this install's to replace.
	Prefix string `json:"prefix,omitempty"`
}

// errProfileTaken is a profile of the same name that is another's.
var errProfileTaken = errors.New("a profile of that name that runs something else is there, which onboard leaves as it is")

// TerminalEdit is a profile [Apply] added to one settings.json.
type TerminalEdit struct {
	Path        string `json:"path"`
	Name        string `json:"name"`
	CommandLine string `json:"commandline"`
	// Created means the file did not exist before, so removal deletes
	// it when nothing else is in it.
	Created bool `json:"created,omitempty"`
}

// maxTerminalSettings caps a settings.json onboard edits.
const maxTerminalSettings = 16 << 20

// terminalSettingsFiles are the settings.json of each Windows Terminal
// under localAppData, existing or not (a Terminal that has not run yet
// has the folder only).
func terminalSettingsFiles(localAppData string) []string {
	var out []string
	for _, pat := range []string{"Microsoft.WindowsTerminal_*", "Microsoft.WindowsTerminalPreview_*"} {
		dirs, _ := filepath.Glob(filepath.Join(localAppData, "Packages", pat))
		for _, d := range dirs {
			if fi, err := os.Stat(filepath.Join(d, "LocalState")); err == nil && fi.IsDir() {
				out = append(out, filepath.Join(d, "LocalState", "settings.json"))
			}
		}
	}
	unpackaged := filepath.Join(localAppData, "Microsoft", "Windows Terminal")
	if fi, err := os.Stat(unpackaged); err == nil && fi.IsDir() {
		out = append(out, filepath.Join(unpackaged, "settings.json"))
	}
	return out
}

// profileJSON is the profile's object as menuinst writes it.
func (p TerminalProfile) profileJSON(indent string) []byte {
	type obj struct {
		CommandLine string `json:"commandline"`
		Name        string `json:"name"`
		Icon        string `json:"icon,omitempty"`
		StartingDir string `json:"startingDirectory,omitempty"`
	}
	b, _ := json.MarshalIndent(obj{p.CommandLine, p.Name, p.Icon, p.StartingDir}, indent, "    ")
	return b
}

// span is where one value lies in a file.
type span struct{ start, end int }

// profileList finds profiles.list in a settings.json: the span of the
// array (its brackets included) and of each element, and each element's
// name and commandline. A file that is not plain JSON (Terminal accepts
// comments; menuinst's reader does not) or whose profiles is no object
// with a list is an error, and is not edited.
func profileList(b []byte) (list span, elems []span, names, cmds []string, err error) {
	if bom := []byte("\xef\xbb\xbf"); bytes.HasPrefix(b, bom) {
		list, elems, names, cmds, err = profileList(b[len(bom):])
		list.start, list.end = list.start+len(bom), list.end+len(bom)
		for i := range elems {
			elems[i].start, elems[i].end = elems[i].start+len(bom), elems[i].end+len(bom)
		}
		return list, elems, names, cmds, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	expect := func(d json.Delim) error {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if t != d {
			return fmt.Errorf("found %v where %v was expected", t, d)
		}
		return nil
	}
	// skipTo reads the keys of the object just opened up to key; false
	// when the object ends without it (the closing brace read).
	skipTo := func(key string) (bool, error) {
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return false, err
			}
			if t == key {
				return true, nil
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return false, err
			}
		}
		return false, expect('}')
	}
	if err = expect('{'); err != nil {
		return list, nil, nil, nil, err
	}
	if ok, err := skipTo("profiles"); err != nil || !ok {
		return list, nil, nil, nil, errors.Join(err, errors.New(`it has no "profiles"`))
	}
	if err = expect('{'); err != nil {
		return list, nil, nil, nil, fmt.Errorf(`its "profiles" is not an object with a "list": %w`, err)
	}
	if ok, err := skipTo("list"); err != nil || !ok {
		return list, nil, nil, nil, errors.Join(err, errors.New(`its "profiles" has no "list"`))
	}
	list.start = skipSpace(b, int(dec.InputOffset()))
	if list.start < len(b) && b[list.start] == ':' {
		list.start = skipSpace(b, list.start+1)
	}
	if err = expect('['); err != nil {
		return list, nil, nil, nil, fmt.Errorf(`its "profiles.list" is not a list: %w`, err)
	}
	for dec.More() {
		start := skipSpace(b, int(dec.InputOffset()))
		if start < len(b) && b[start] == ',' {
			start = skipSpace(b, start+1)
		}
		var p struct {
			Name        any `json:"name"`
			CommandLine any `json:"commandline"`
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return list, nil, nil, nil, err
		}
		json.Unmarshal(raw, &p)
		n, _ := p.Name.(string)
		c, _ := p.CommandLine.(string)
		elems, names, cmds = append(elems, span{start, int(dec.InputOffset())}), append(names, n), append(cmds, c)
	}
	if err = expect(']'); err != nil {
		return list, nil, nil, nil, err
	}
	list.end = int(dec.InputOffset())
	// The rest must be plain JSON too, up to the end of the object that
	// is the file (the list is two levels down), and nothing after it.
	for depth := 2; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return list, nil, nil, nil, err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	if len(bytes.TrimSpace(b[dec.InputOffset():])) > 0 {
		return list, nil, nil, nil, errors.New("there is more after the settings' object")
	}
	return list, elems, names, cmds, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && strings.IndexByte(" \t\r\n", b[i]) >= 0 {
		i++
	}
	return i
}

// addProfile puts p into settings (nil: a file Terminal has not written
// yet): in place of the profile of its name when that is this install's
// (its commandline p's, or naming p's prefix), else at the end of
// profiles.list, indented as the list's last element. A profile of the
// name that is another's (the user's own, another install's) is
// errProfileTaken: Terminal keys profiles by name.
func addProfile(settings []byte, p TerminalProfile) ([]byte, error) {
	if len(bytes.TrimSpace(settings)) == 0 {
		return append([]byte("{\n    \"profiles\": {\n        \"list\": [\n            "), append(p.profileJSON("            "), "\n        ]\n    }\n}\n"...)...), nil
	}
	list, elems, names, cmds, err := profileList(settings)
	if err != nil {
		return nil, err
	}
	for i, n := range names {
		if n == p.Name {
			if cmds[i] != p.CommandLine && (p.Prefix == "" || !strings.Contains(strings.ToLower(cmds[i]), strings.ToLower(p.Prefix))) {
				return nil, errProfileTaken
			}
			e := elems[i]
			return splice(settings, e.start, e.end, p.profileJSON(lineIndent(settings, e.start))), nil
		}
	}
	if len(elems) == 0 {
		ind := lineIndent(settings, list.start) + "    "
		return splice(settings, list.start+1, list.end-1, []byte("\n"+ind+string(p.profileJSON(ind))+"\n"+lineIndent(settings, list.start))), nil
	}
	last := elems[len(elems)-1]
	ind := lineIndent(settings, last.start)
	return splice(settings, last.end, last.end, []byte(",\n"+ind+string(p.profileJSON(ind)))), nil
}

// removeProfile takes the profile called name out of settings, when its
// commandline is cmd (another install's of the same name stays). found
// tells whether it was there.
func removeProfile(settings []byte, name, cmd string) (out []byte, found bool, err error) {
	list, elems, names, cmds, err := profileList(settings)
	if err != nil {
		return nil, false, err
	}
	for i, n := range names {
		if n != name || cmds[i] != cmd {
			continue
		}
		e := elems[i]
		switch {
		case i > 0: // from the end of the one before: ",\n  {…}"
			return splice(settings, elems[i-1].end, e.end, nil), true, nil
		case len(elems) > 1: // the first: "{…},\n  " up to the next
			return splice(settings, e.start, elems[1].start, nil), true, nil
		}
		return splice(settings, list.start+1, list.end-1, nil), true, nil // the only one: "[]"
	}
	return settings, false, nil
}

func splice(b []byte, start, end int, with []byte) []byte {
	out := make([]byte, 0, len(b)-(end-start)+len(with))
	return append(append(append(out, b[:start]...), with...), b[end:]...)
}

// lineIndent is the run of spaces and tabs that begins the line of b that
// holds offset i.
func lineIndent(b []byte, i int) string {
	ls := bytes.LastIndexByte(b[:i], '\n') + 1
	j := ls
	for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
		j++
	}
	return string(b[ls:j])
}

// applyTerminal adds p to every Windows Terminal's settings of the user
// and returns the edits. A settings file onboard cannot edit (comments,
// another shape) is left as it is and logged.
func applyTerminal(p TerminalProfile, logf Logf) ([]TerminalEdit, error) {
	var out []TerminalEdit
	for _, path := range terminalSettingsFiles(p.LocalAppData) {
		e, err := applyTerminalTo(path, p, logf)
		if err != nil {
			return out, err
		}
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, nil
}

// applyTerminalTo adds p to the settings file at path, locked against
// another onboard's edit of it (filelock); nil when it leaves the file.
func applyTerminalTo(path string, p TerminalProfile, logf Logf) (*TerminalEdit, error) {
	defer filelock.Replaced(path)()
	old, err := capread.ReadFile(path, maxTerminalSettings)
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return nil, fmt.Errorf("failed to read %q: %w", path, err)
	}
	b, err := addProfile(old, p)
	if err != nil {
		logf.printf("platform: left %s as it is: onboard cannot add the profile %q to it: %v", path, p.Name, err)
		return nil, nil
	}
	if err := atomicWrite(path, bytes.NewReader(b), fileMode(path, 0o644)); err != nil {
		return nil, err
	}
	logf.printf("platform: added the Windows Terminal profile %q to %s", p.Name, path)
	return &TerminalEdit{Path: path, Name: p.Name, CommandLine: p.CommandLine, Created: created}, nil
}

// undoTerminal takes the profile out again; a file onboard created that
// holds nothing else is deleted.
func undoTerminal(e TerminalEdit) error {
	defer filelock.Replaced(e.Path)()
	old, err := capread.ReadFile(e.Path, maxTerminalSettings)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to read %q: %w", e.Path, err)
	}
	b, found, err := removeProfile(old, e.Name, e.CommandLine)
	if err != nil || !found {
		return nil // gone, replaced, or no longer a file onboard can edit: the user's
	}
	if e.Created {
		var v struct {
			Profiles struct {
				List []json.RawMessage `json:"list"`
			} `json:"profiles"`
		}
		var rest map[string]json.RawMessage
		if json.Unmarshal(b, &v) == nil && json.Unmarshal(b, &rest) == nil && len(rest) == 1 && len(v.Profiles.List) == 0 {
			var profiles map[string]json.RawMessage
			if json.Unmarshal(rest["profiles"], &profiles) == nil && len(profiles) == 1 {
				return os.Remove(e.Path)
			}
		}
	}
	return atomicWrite(e.Path, bytes.NewReader(b), fileMode(e.Path, 0o644))
}

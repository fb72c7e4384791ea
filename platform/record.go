package platform

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf16"
)

// Record is what [Apply] and [SetupShell] created, so that uninstall
// removes exactly that ([Remove]) and verify can look for it ([Check]).
// The installer keeps it in PREFIX/.onboard/launchers.json ([RecordPath]).
type Record struct {
	Schema  int          `json:"schema"` // 1
	Target  Target       `json:"target"`
	Prefix  string       `json:"prefix"`
	Files   []RecordFile `json:"files,omitempty"`   // files written, .lnk shortcuts included
	Bundles []string     `json:"bundles,omitempty"` // macOS .app directories
	Dirs    []string     `json:"dirs,omitempty"`    // owned folders, removed when empty
	// Made are the folders above launcher files that did not exist before
	// the set-up made them (a fresh account's ~/.local/share/applications),
	// outermost first: removed when they hold nothing but the caches the
	// refresh commands write (madeDirCaches).
	Made     []string        `json:"made_dirs,omitempty"`
	Registry []RegistryEntry `json:"registry,omitempty"`
	Refresh  [][]string      `json:"refresh,omitempty"`
	Shell    []ShellEdit     `json:"shell,omitempty"`
	MimeApps []MimeAppsEdit  `json:"mime_apps,omitempty"`
	Terminal []TerminalEdit  `json:"terminal,omitempty"`
	// Menus is whether the install made its packages' menu shortcuts
	// (MenuLaunchers), for repair to make them again.
	Menus bool `json:"menus,omitempty"`
	// Planned is a record saved before what it names was made (all or
	// some of it may not be there: [PlannedRecord]); a record of what was
	// made has it false.
	Planned bool `json:"planned,omitempty"`
}

// RecordFile is one file in a [Record]; Kind is one of the Kind constants.
// Source, for the shortcut of a package's menu, is its menu file: once
// that is gone (conda removed the package, and menuinst its shortcuts),
// [Check] passes the file by.
type RecordFile struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"`
	Source string `json:"source,omitempty"`
}

// ShellEdit is a start-up file that shell set-up added a block to.
// Created means the file did not exist before, so removal deletes it when
// nothing else was written to it.
type ShellEdit struct {
	Path    string `json:"path"`
	Created bool   `json:"created,omitempty"`
}

// Merge adds what other created to r (for a record kept over several
// Apply and SetupShell calls).
func (r *Record) Merge(other Record) {
	r.Files = append(r.Files, other.Files...)
	r.Bundles = append(r.Bundles, other.Bundles...)
	r.Dirs = append(r.Dirs, other.Dirs...)
	r.Made = append(r.Made, other.Made...)
	r.Registry = append(r.Registry, other.Registry...)
	r.Refresh = append(r.Refresh, other.Refresh...)
	r.Shell = append(r.Shell, other.Shell...)
	r.MimeApps = append(r.MimeApps, other.MimeApps...)
	r.Terminal = append(r.Terminal, other.Terminal...)
	r.Menus = r.Menus || other.Menus
	r.Planned = r.Planned || other.Planned
}

// KeepMade adds to r the folders that old, the record r replaces, says
// the set-up made (Record.Made) and that are still there: an Apply run
// after them finds them and records none, and uninstall then left them
// (audit AI 2: after a repair that made a launcher again, or a re-run
// after a kill).
func (r *Record) KeepMade(old Record) {
	for _, d := range old.Made {
		if _, err := os.Lstat(d); err == nil && !slices.Contains(r.Made, d) {
			r.Made = append(r.Made, d)
		}
	}
	slices.SortStableFunc(r.Made, func(a, b string) int { return len(a) - len(b) }) // outer first, as removeMade wants
}

// Empty reports whether r records nothing created.
func (r Record) Empty() bool {
	return len(r.Files) == 0 && len(r.Bundles) == 0 && len(r.Dirs) == 0 && len(r.Registry) == 0 && len(r.Shell) == 0 && len(r.MimeApps) == 0 && len(r.Terminal) == 0
}

// Inspector reads what [Check] looks at. ReadRegistry returns a key's
// string values (nil function: registry entries cannot be checked).
type Inspector struct {
	ReadFile     func(path string) ([]byte, error)
	ReadRegistry func(root, key string) (map[string]string, error)
	// IsShellFile, when set, tells the shell start-up files shell set-up
	// may edit (IsShellFile): a recorded shell edit of any other file is
	// passed by, as repair passes it by (a changed record).
	IsShellFile func(path string) bool
}

// Check tells whether everything in rec still exists and points at
// prefix: launcher files name it, shortcuts run its maintenance app, the
// uninstall entry's InstallLocation is it, shell blocks are there.
func Check(rec Record, prefix string, in Inspector) []Problem {
	var out []Problem
	for _, f := range rec.Files {
		if f.Source != "" {
			if _, err := in.ReadFile(f.Source); err != nil {
				continue // the package is gone, and its shortcuts with it: the user's change
			}
		}
		out = append(out, checkFile(rec.Target, f, prefix, in)...)
	}
	for _, e := range rec.Registry {
		if e.Source != "" {
			if _, err := in.ReadFile(e.Source); err != nil {
				continue // the package is gone, and menuinst removed its associations
			}
		}
		out = append(out, checkRegistry(e, prefix, in)...)
	}
	for _, s := range rec.Shell {
		if in.IsShellFile != nil && !in.IsShellFile(s.Path) {
			continue
		}
		b, err := in.ReadFile(s.Path)
		if _, _, ok := findShellBlock(b, prefix); err != nil || !ok {
			out = append(out, Problem{Warning, ProblemMissing, s.Path, fmt.Sprintf("the shell set-up block for %q is gone from %q", prefix, s.Path),
				"run repair to add it again, or ignore this if you removed it on purpose"})
		} else if ShellBlockBroken(b, prefix) {
			out = append(out, Problem{Error, ProblemBroken, s.Path, fmt.Sprintf("the shell set-up block for %q in %q no longer parses (conda init commented out its only command): new shells stop reading the file there", prefix, s.Path),
				"run repair to write the block again"})
		}
	}
	return out
}

func checkFile(t Target, f RecordFile, prefix string, in Inspector) []Problem {
	b, err := in.ReadFile(f.Path)
	if err != nil || (f.Kind == KindCopy && len(b) == 0) {
		return []Problem{{Error, ProblemMissing, f.Path, fmt.Sprintf("the launcher file %q is missing", f.Path), "run repair to create the launchers again"}}
	}
	var names bool
	switch f.Kind {
	case KindEntry, KindPlist:
		names = bytes.Contains(b, []byte(prefix)) || bytes.Contains(b, []byte(xmlEscape(prefix)))
	case KindShortcut:
		// The icon and the arguments (UTF-16) or the target (ANSI, in
		// LinkInfo) name the prefix.
		names = holdsPrefix(b, prefix)
	default:
		return nil
	}
	if !names {
		return []Problem{{Error, ProblemWrongPrefix, f.Path, fmt.Sprintf("the launcher %q does not start the install in %q (another install may have replaced it)", f.Path, prefix),
			"run repair to point it at this install again"}}
	}
	return nil
}

func checkRegistry(e RegistryEntry, prefix string, in Inspector) []Problem {
	if in.ReadRegistry == nil {
		return []Problem{{Warning, ProblemUncheckable, e.Root + `\` + e.Key, "the registry cannot be read here", ""}}
	}
	if e.Label != "" {
		return checkAssociation(e, prefix, in.ReadRegistry)
	}
	vals, err := in.ReadRegistry(e.Root, e.Key)
	if err != nil {
		return []Problem{{Error, ProblemMissing, e.Root + `\` + e.Key, fmt.Sprintf("the \"Apps & features\" entry %s\\%s is missing", e.Root, e.Key),
			"run repair to register the install again"}}
	}
	if !strings.EqualFold(vals["InstallLocation"], prefix) {
		return []Problem{{Error, ProblemWrongPrefix, e.Root + `\` + e.Key, fmt.Sprintf("the \"Apps & features\" entry names %q, not %q", vals["InstallLocation"], prefix),
			"run repair to register this install again"}}
	}
	return nil
}

// checkAssociation tells whether a package's file or URL association is
// still registered for the install at prefix: each string value as
// onboard wrote it, and a marked key still this install's (sameOwner:
// another install or program may have registered the same name since).
func checkAssociation(e RegistryEntry, prefix string, read func(root, key string) (map[string]string, error)) []Problem {
	where := e.Root + `\` + e.Key
	missing := []Problem{{Error, ProblemMissing, where, fmt.Sprintf("%s (%s) is missing", e.Label, where), "run repair to register it again"}}
	vals, err := read(e.Root, e.Key)
	if err != nil {
		return missing
	}
	if e.Marker != "" {
		cmd, _ := read(e.Root, e.Key+`\`+openCommandKey)
		if !sameOwner(e, vals, cmd[""], prefix) {
			return []Problem{{Error, ProblemWrongPrefix, where, fmt.Sprintf("%s (%s) opens another program or install now", e.Label, where),
				"run repair to register it for this install again"}}
		}
		if !strings.EqualFold(cmd[""], e.command()) {
			return nil // conda registered the item again, for this install: its values are menuinst's
		}
	}
	for _, v := range e.Values {
		if v.Type != "sz" {
			continue
		}
		got := vals
		if v.Key != "" {
			got, _ = read(e.Root, e.Path(v))
		}
		if s, ok := got[v.Name]; !ok || s != v.Str {
			return missing
		}
	}
	return nil
}

// holdsPrefix tells whether b holds prefix, as UTF-8 or UTF-16 (a .lnk's
// strings), in any ASCII case (Windows paths), as a whole path: not as
// the start of another folder's name (/opt/acme in /opt/acme2's
// launcher: audit AD, an install took miniforge3's for miniforge's).
func holdsPrefix(b []byte, prefix string) bool {
	lb := asciiLower(b)
	return holdsWhole(lb, asciiLower(utf16le(prefix)), 2) || holdsWhole(lb, asciiLower([]byte(prefix)), 1)
}

// holdsWhole tells whether hay holds needle with no character of a name
// right after it (a letter, a digit, _ - . or one outside ASCII); width is
// the bytes of a character (1, or 2 for UTF-16LE).
func holdsWhole(hay, needle []byte, width int) bool {
	if len(needle) == 0 {
		return true // as bytes.Contains: a record that names no prefix checks none
	}
	for off := 0; ; {
		i := bytes.Index(hay[off:], needle)
		if i < 0 {
			return false
		}
		end := off + i + len(needle)
		if end+width > len(hay) {
			return true
		}
		c := hay[end]
		nonASCII := c >= 0x80 || width == 2 && hay[end+1] != 0
		name := nonASCII || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !name {
			return true
		}
		off += i + 1
	}
}

// PlannedRecord is the record [Apply] would write for p, for removing
// what p names without making it.
func PlannedRecord(p Plan) Record {
	rec := Record{Schema: 1, Target: p.Target, Prefix: p.Prefix, Bundles: p.Bundles, Dirs: p.Dirs, Refresh: p.Refresh, Planned: true}
	for _, f := range p.Files {
		rec.Files = append(rec.Files, RecordFile{Path: f.Path, Kind: f.Kind, Source: f.Source})
		if bundleOf(f.Path, p.Bundles) == "" {
			// the folders Apply will make for it, as Apply records them: a
			// run killed while it makes them, or one whose Apply failed,
			// leaves a record that uninstall removes them by (audit AI 2)
			for _, d := range missingDirs(filepath.Dir(f.Path)) {
				if !slices.Contains(rec.Made, d) {
					rec.Made = append(rec.Made, d)
				}
			}
		}
	}
	for _, s := range p.Shortcuts {
		rec.Files = append(rec.Files, RecordFile{Path: s.Path, Kind: firstNonEmpty(s.Kind, KindShortcut), Source: s.Source})
	}
	rec.MimeApps = p.MimeApps
	for _, t := range p.Terminal {
		for _, path := range terminalSettingsFiles(t.LocalAppData) {
			rec.Terminal = append(rec.Terminal, TerminalEdit{Path: path, Name: t.Name, CommandLine: t.CommandLine})
		}
	}
	// Its associations Remove deletes only while they are as p wrote
	// them: never another install's of the same name.
	for _, e := range p.Registry {
		if e.association() {
			rec.Registry = append(rec.Registry, e)
		}
	}
	return rec
}

// utf16le encodes s as UTF-16 little-endian, as .lnk files store strings.
func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// asciiLower lowers A-Z bytes only (safe on UTF-16 data, unlike bytes.ToLower).
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

package platform

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
)

// What a package's menu file would write over that is another program's:
// [LeaveTaken] drops it from the plan before [Apply], with a note.

// LeaveTaken drops from p the file and URL associations whose key
// another program has (a key of that name without onboard's marker,
// where Windows looks the class up: the user's classes, then the
// machine's), with the shared values that would point at it, and
// returns notes naming them. Onboard does not take a URL protocol or a
// file type's handler from another program, nor delete it at uninstall.
//
// The same holds for a MIME type definition (DATA/mime/packages/*.xml)
// that another program wrote: one without menuinst's comment.
//
// And a launcher file (a .desktop entry, a Windows shortcut, a macOS .app)
// that is there already and does not name this install: another conda's
// shortcut of the same menu and item, or the person's own. It was
// replaced, and deleted at uninstall (audit AB); menuinst replaces it.
//
// own is the install's launcher record from before (the one a repair or
// an upgrade writes again; zero when none): what it names is this
// install's whatever its files say, and so is a file that names the
// prefix as the record spells it (an install through a symlinked folder,
// repaired by its real path: audit AD).
func LeaveTaken(p Plan, own Record) (Plan, []string) {
	p, notes := leaveOthersLaunchers(p, own)
	p, more := leaveTakenFiles(p, os.ReadFile)
	notes = append(notes, more...)
	if r := hostRegistry(); r != nil {
		var more []string
		p, more = leaveTaken(p, r.read)
		notes = append(notes, more...)
	}
	return p, notes
}

func leaveTakenFiles(p Plan, read func(string) ([]byte, error)) (Plan, []string) {
	var notes []string
	p.Files = slices.DeleteFunc(slices.Clone(p.Files), func(f File) bool {
		if f.Kind != KindMime {
			return false
		}
		b, err := read(f.Path)
		if err != nil || bytes.Contains(b, []byte(mimeMarker)) {
			return false
		}
		notes = append(notes, fmt.Sprintf("the MIME type definition %s is another program's, which onboard leaves as it is", f.Path))
		return true
	})
	return p, notes
}

func leaveTaken(p Plan, read func(root, key string) (map[string]string, error)) (Plan, []string) {
	var notes []string
	taken := map[string]bool{}
	var keep []RegistryEntry
	for _, e := range p.Registry {
		if e.Shared && taken[e.With] {
			continue
		}
		if e.Marker != "" {
			mark, _ := e.Value(e.Marker)
			for _, root := range classRoots(e.Root) {
				vals, err := read(root, e.Key)
				if err != nil {
					continue
				}
				if vals[e.Marker] != mark.Str {
					taken[e.Key] = true
					notes = append(notes, fmt.Sprintf("%s is not registered: another program has %s\\%s, which onboard leaves as it is", e.Label, root, e.Key))
				}
				break
			}
			if taken[e.Key] {
				continue
			}
		}
		keep = append(keep, e)
	}
	p.Registry = keep
	return p, notes
}

// classRoots are where Windows looks a class up for an entry below root:
// for a user, their own classes over the machine's (HKCR shows them so;
// Wine's HKCR shows only the machine's).
func classRoots(root string) []string {
	if root == "HKCU" {
		return []string{"HKCU", "HKLM"}
	}
	return []string{root}
}

// leaveOthersLaunchers drops from p the launchers that would replace one
// that is there and is not this install's (NamesPrefix), with the files
// of an .app left so, and returns notes naming them.
func leaveOthersLaunchers(p Plan, own Record) (Plan, []string) {
	var notes []string
	recorded := map[string]bool{}
	for _, f := range own.Files {
		recorded[f.Path] = true
	}
	for _, b := range own.Bundles {
		recorded[b] = true
	}
	others := func(path string) bool {
		if _, err := os.Lstat(path); err != nil || recorded[path] || NamesPrefix(path, p.Prefix) {
			return false
		}
		return own.Prefix == "" || !NamesPrefix(path, own.Prefix)
	}
	note := func(path string) {
		notes = append(notes, fmt.Sprintf("%s is there already and is not this install's (another program's, or your own): onboard leaves it as it is and makes no shortcut there", path))
	}
	var left []string
	p.Bundles = slices.DeleteFunc(slices.Clone(p.Bundles), func(b string) bool {
		if others(b) {
			note(b)
			left = append(left, b)
			return true
		}
		return false
	})
	p.Files = slices.DeleteFunc(slices.Clone(p.Files), func(f File) bool {
		if bundleOf(f.Path, left) != "" {
			return true
		}
		if f.Kind == KindEntry && strings.HasSuffix(f.Path, ".desktop") && others(f.Path) {
			note(f.Path)
			left = append(left, f.Path)
			return true
		}
		return false
	})
	// and the MIME types a .desktop entry left so would have been made
	// the handler of: they would name the other program's entry
	p.MimeApps = slices.DeleteFunc(slices.Clone(p.MimeApps), func(m MimeAppsEdit) bool {
		return slices.Contains(left, m.Entry)
	})
	p.Shortcuts = slices.DeleteFunc(slices.Clone(p.Shortcuts), func(sc Shortcut) bool {
		if others(sc.Path) {
			note(sc.Path)
			return true
		}
		return false
	})
	return p, notes
}

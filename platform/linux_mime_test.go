package platform

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Adding a desktop file for types and taking it out again leaves a
// mimeapps.list byte for byte as it was: what the user had stays (an
// existing default is theirs), new sections and keys go again.
func TestMimeAppsRoundTrip(t *testing.T) {
	types := []string{"text/x-acme", "x-scheme-handler/acme"}
	for _, tt := range []struct{ name, before, added string }{
		{"no file", "", "[Default Applications]\ntext/x-acme=v.desktop\nx-scheme-handler/acme=v.desktop\n\n" +
			"[Added Associations]\ntext/x-acme=v.desktop\nx-scheme-handler/acme=v.desktop\n"},
		{"the user's default and list", "# mine\n[Default Applications]\ntext/x-acme=other.desktop\n\n[Added Associations]\ntext/x-acme=other.desktop;\n\n[Removed Associations]\ntext/plain=x.desktop;\n",
			"# mine\n[Default Applications]\ntext/x-acme=other.desktop\nx-scheme-handler/acme=v.desktop\n\n[Added Associations]\ntext/x-acme=other.desktop;v.desktop;\nx-scheme-handler/acme=v.desktop\n\n[Removed Associations]\ntext/plain=x.desktop;\n"},
		{"a list without the last ;", "[Added Associations]\ntext/x-acme=a.desktop;b.desktop\n",
			"[Added Associations]\ntext/x-acme=a.desktop;b.desktop;v.desktop\nx-scheme-handler/acme=v.desktop\n\n[Default Applications]\ntext/x-acme=v.desktop\nx-scheme-handler/acme=v.desktop\n"},
		{"already listed", "[Added Associations]\ntext/x-acme=v.desktop;\n", ""},
	} {
		added := addMimeApps([]byte(tt.before), "v.desktop", types)
		if tt.added != "" && string(added) != tt.added {
			t.Errorf("%s: added\n%s\nwant\n%s", tt.name, added, tt.added)
		}
		if tt.name == "already listed" {
			if n := strings.Count(string(added), "v.desktop"); n != 4 {
				t.Errorf("%s: v.desktop %d times in\n%s\nwant once per key", tt.name, n, added)
			}
			continue
		}
		removed, left := removeMimeApps(added, "v.desktop", types)
		if string(removed) != tt.before || left != (tt.before != "") {
			t.Errorf("%s: removed again\n%q (left %v)\nwant\n%q", tt.name, removed, left, tt.before)
		}
	}
}

// FuzzMimeApps edits fuzzed mimeapps.list files: every line that is not
// a key of the types is kept, in order; after the edit the desktop file
// is in each type's list, and after taking it out it is in none.
func FuzzMimeApps(f *testing.F) {
	f.Add([]byte("[Default Applications]\ntext/x-acme=o.desktop\n[Added Associations]\ntext/x-acme=o.desktop;v.desktop\n"))
	f.Add([]byte("text/x-acme=v.desktop\n[Added Associations]\n# c\n\n"))
	f.Add([]byte("\r\n[Added Associations]\r\ntext/x-acme = ;;v.desktop\r\n"))
	types := []string{"text/x-acme", "x-scheme-handler/acme"}
	others := func(b []byte) []string {
		var out []string
		for _, l := range parseMimeApps(b) {
			if !slices.Contains(types, l.key) && strings.TrimSpace(l.text) != "" && !strings.HasPrefix(strings.TrimSpace(l.text), "[") {
				out = append(out, l.text)
			}
		}
		return out
	}
	listed := func(b []byte, section, typ string) bool {
		lines := parseMimeApps(b)
		i := findMimeKey(lines, section, typ)
		return i >= 0 && slices.Contains(mimeList(mimeValue(lines[i])), "v.desktop")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.Contains(b, []byte("v.desktop")) {
			return // the round trip is about a file that does not list it yet
		}
		added := addMimeApps(b, "v.desktop", types)
		if !slices.Equal(others(added), others(b)) {
			t.Fatalf("other lines changed:\n%q\n->\n%q", b, added)
		}
		for _, typ := range types {
			if !listed(added, mimeAdded, typ) {
				t.Fatalf("%s not added in\n%q", typ, added)
			}
		}
		removed, _ := removeMimeApps(added, "v.desktop", types)
		if !slices.Equal(others(removed), others(b)) {
			t.Fatalf("other lines changed after removal:\n%q\n->\n%q", b, removed)
		}
		for _, sec := range []string{mimeDefaults, mimeAdded} {
			for _, typ := range types {
				if listed(removed, sec, typ) {
					t.Fatalf("%s still lists it in [%s]:\n%q", typ, sec, removed)
				}
			}
		}
	})
}

// TestLinuxMimeRegistration installs a menu item with MIME types into a
// temporary home and asks the desktop's own tools what they make of it:
// GLib's gio reads mimeapps.list (the item is the default of its URL
// scheme, the user's default of the other type stays), and
// update-mime-database compiles the item's type definition. Removing it
// puts mimeapps.list back byte for byte.
func TestLinuxMimeRegistration(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG desktop's tools run on Linux")
	}
	gio, err := exec.LookPath("gio")
	if err != nil {
		t.Skip("gio not installed (apt-get install libglib2.0-bin)")
	}
	if _, err := exec.LookPath("update-mime-database"); err != nil {
		t.Skip("update-mime-database not installed (apt-get install shared-mime-info)")
	}
	home := t.TempDir()
	cfg, data := filepath.Join(home, "config"), filepath.Join(home, "data")
	vars := map[string]string{"XDG_CONFIG_HOME": cfg, "XDG_DATA_HOME": data}
	env := Env{Home: home, Getenv: func(k string) string { return vars[k] }}
	user := "[Default Applications]\ntext/x-acme=other.desktop\n"
	mustWrite(t, filepath.Join(cfg, "mimeapps.list"), user)
	mustWrite(t, filepath.Join(data, "applications", "other.desktop"), "[Desktop Entry]\nType=Application\nName=Other\nExec=true %f\nMimeType=text/x-acme;\n")
	menu := []byte(`{"$schema": "x", "menu_name": "Acme", "menu_items": [{"name": "Viewer", "command": ["true", "%u"], "activate": false,
		"platforms": {"linux": {"MimeType": ["text/x-acme", "x-scheme-handler/acme"], "glob_patterns": {"text/x-acme": "*.acme"}}}}]}`)
	p, notes, err := MenuLaunchers(HostTarget(), env, menu, MenuEnv{Base: home, Prefix: home, Name: "base"}, false)
	if err != nil || len(notes) != 0 {
		t.Fatalf("MenuLaunchers: %v %q", err, notes)
	}
	rec, err := Apply(p, t.Logf)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	query := func(typ string) string {
		cmd := exec.Command(gio, "mime", typ)
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+cfg, "XDG_DATA_HOME="+data, "XDG_DATA_DIRS="+data, "XDG_CONFIG_DIRS="+cfg, "HOME="+home)
		out, _ := cmd.CombinedOutput()
		t.Logf("gio mime %s:\n%s", typ, out)
		return string(out)
	}
	if out := query("x-scheme-handler/acme"); !strings.Contains(out, "acme_viewer.desktop") || !strings.Contains(out, "Default application") {
		t.Errorf("gio mime x-scheme-handler/acme:\n%s\nwant acme_viewer.desktop as its default", out)
	}
	if out := query("text/x-acme"); !strings.Contains(out, "“text/x-acme”: other.desktop") && !strings.Contains(out, "\"text/x-acme\": other.desktop") {
		t.Errorf("gio mime text/x-acme:\n%s\nwant the user's other.desktop still its default", out)
	}
	globs, err := os.ReadFile(filepath.Join(data, "mime", "globs2"))
	if err != nil || !bytes.Contains(globs, []byte("text/x-acme:*.acme")) {
		t.Errorf("update-mime-database's globs2: %v\n%s\nwant text/x-acme:*.acme", err, globs)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(cfg, "mimeapps.list")); string(b) != user {
		t.Errorf("mimeapps.list after removal:\n%s\nwant as it was:\n%s", b, user)
	}
	if globs, _ := os.ReadFile(filepath.Join(data, "mime", "globs2")); bytes.Contains(globs, []byte("*.acme")) {
		t.Errorf("globs2 still defines *.acme after removal:\n%s", globs)
	}
}

// In a new home, registering a type and removing it again leaves the
// home as it was: not the ~/.config made for mimeapps.list, nor the MIME
// database update-mime-database built (audit Y1 3).
func TestLinuxMimeRemovalLeavesANewHomeEmpty(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG desktop's tools run on Linux")
	}
	if _, err := exec.LookPath("update-mime-database"); err != nil {
		t.Skip("update-mime-database not installed (apt-get install shared-mime-info)")
	}
	home := t.TempDir()
	env := Env{Home: home, Getenv: func(string) string { return "" }}
	// two items, two edits of one mimeapps.list: the first makes it
	// (audit Z: undone first, it left the file empty)
	menu := []byte(`{"$schema": "x", "menu_name": "Acme", "menu_items": [{"name": "Viewer", "command": ["true", "%u"], "activate": false,
		"platforms": {"linux": {"MimeType": ["text/x-acme"], "glob_patterns": {"text/x-acme": "*.acme"}}}},
		{"name": "Editor", "command": ["true", "%u"], "activate": false,
		"platforms": {"linux": {"MimeType": ["text/x-acme2"], "glob_patterns": {"text/x-acme2": "*.acme2"}}}}]}`)
	p, _, err := MenuLaunchers(HostTarget(), env, menu, MenuEnv{Base: home, Prefix: home, Name: "base"}, false)
	if err != nil {
		t.Fatalf("MenuLaunchers: %v", err)
	}
	if len(p.MimeApps) != 2 {
		t.Fatalf("%d mimeapps.list edits planned, want 2", len(p.MimeApps))
	}
	rec, err := Apply(p, t.Logf)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, ".local", "share", "mime", "mime.cache")); err != nil {
		t.Fatalf("update-mime-database built no database: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "mimeapps.list")); err != nil {
		t.Fatalf("no mimeapps.list: %v", err)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	var left []string
	filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if p != home {
			left = append(left, strings.TrimPrefix(p, home))
		}
		return nil
	})
	if len(left) != 0 {
		t.Errorf("the removal left in the new home: %q", left)
	}
}

// A made MIME folder that still holds a definition of someone else's, or
// a file update-mime-database does not write, stays.
func TestRefreshOutputOfAMimeFolder(t *testing.T) {
	mime := filepath.Join(t.TempDir(), "mime")
	mustWrite(t, filepath.Join(mime, "globs2"), "")
	mustWrite(t, filepath.Join(mime, "text", "x-acme.xml"), "<x/>")
	mustWrite(t, filepath.Join(mime, "notes.txt"), "mine")
	mustWrite(t, filepath.Join(mime, "image", "photo.png"), "png")
	entries, _ := os.ReadDir(mime)
	want := map[string]bool{"globs2": true, "text": true, "notes.txt": false, "image": false}
	for _, e := range entries {
		if _, ok := refreshOutput(mime, e); ok != want[e.Name()] {
			t.Errorf("%s: taken for update-mime-database's %v, want %v", e.Name(), ok, want[e.Name()])
		}
	}
	// only in a MIME folder
	other := filepath.Join(t.TempDir(), "applications")
	mustWrite(t, filepath.Join(other, "globs2"), "")
	entries, _ = os.ReadDir(other)
	if _, ok := refreshOutput(other, entries[0]); ok {
		t.Error("globs2 outside a MIME folder was taken for a refresh's output")
	}
}

// A type definition of the same name that another program wrote is left
// as it is, with a note; one that menuinst (or onboard) wrote is written
// again.
func TestLeaveTakenMimeDefinition(t *testing.T) {
	dir := t.TempDir()
	theirs, ours := filepath.Join(dir, "text-x-a.xml"), filepath.Join(dir, "text-x-b.xml")
	mustWrite(t, theirs, `<mime-info><mime-type type="text/x-a"><glob pattern="*.a"/></mime-type></mime-info>`)
	mustWrite(t, ours, string(mimeDefinition("text/x-b", "*.b")))
	p := Plan{Files: []File{{Path: theirs, Kind: KindMime}, {Path: ours, Kind: KindMime}, {Path: filepath.Join(dir, "new.xml"), Kind: KindMime},
		{Path: theirs + ".desktop", Kind: KindEntry}}}
	got, notes := leaveTakenFiles(p, os.ReadFile)
	if len(got.Files) != 3 || got.Files[0].Path != ours || len(notes) != 1 || !strings.Contains(notes[0], theirs) {
		t.Errorf("files %+v, notes %q; want %s left out", got.Files, notes, theirs)
	}
	if len(p.Files) != 4 {
		t.Errorf("the plan given was changed: %+v", p.Files)
	}
}

// A package's shortcut whose .desktop file is there already and is not
// this install's (another conda's of the same menu and item, or the
// person's) is left as it is, with a note, and so are the MIME types it
// would have handled; one that names this install is written again
// (audit AB: it was replaced, and deleted at uninstall).
func TestLeaveTakenLauncher(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG menu's .desktop files are Linux's")
	}
	home := t.TempDir()
	data := filepath.Join(home, "data")
	vars := map[string]string{"XDG_CONFIG_HOME": filepath.Join(home, "config"), "XDG_DATA_HOME": data}
	env := Env{Home: home, Getenv: func(k string) string { return vars[k] }}
	prefix := filepath.Join(home, "acme")
	menu := []byte(`{"$schema": "x", "menu_name": "My Tools", "menu_items": [
		{"name": "Editor", "command": ["true", "%f"], "activate": false, "platforms": {"linux": {"MimeType": ["text/x-acme"]}}},
		{"name": "Viewer", "command": ["true"], "activate": false, "platforms": {"linux": {}}}]}`)
	p, _, err := MenuLaunchers(HostTarget(), env, menu, MenuEnv{Base: prefix, Prefix: prefix, Name: "base"}, false)
	if err != nil {
		t.Fatal(err)
	}
	var editor, viewer string
	for _, f := range p.Files {
		switch {
		case strings.HasSuffix(f.Path, "_editor.desktop"):
			editor = f.Path
		case strings.HasSuffix(f.Path, "_viewer.desktop"):
			viewer = f.Path
		}
	}
	if editor == "" || viewer == "" || len(p.MimeApps) != 1 {
		t.Fatalf("the plan has no editor and viewer entries, or no MIME edit: %+v", p)
	}
	mine := "[Desktop Entry]\nType=Application\nName=My editor\nExec=/usr/bin/myeditor %f\n"
	mustWrite(t, editor, mine)
	mustWrite(t, viewer, "[Desktop Entry]\nExec="+filepath.Join(prefix, "bin", "old")+"\n") // this install's, from before
	got, notes := LeaveTaken(p, Record{})
	for _, f := range got.Files {
		if f.Path == editor {
			t.Errorf("the person's %s is still in the plan", editor)
		}
	}
	if !slices.ContainsFunc(got.Files, func(f File) bool { return f.Path == viewer }) {
		t.Errorf("this install's own %s was left out", viewer)
	}
	if len(got.MimeApps) != 0 || len(notes) != 1 || !strings.Contains(notes[0], editor) {
		t.Errorf("MIME edits %+v, notes %q; want the editor's left out with one note naming it", got.MimeApps, notes)
	}
	// what the install's own record names is its own, and so is a file
	// naming the prefix as the record spells it (an install through a
	// symlinked folder, repaired by its real path: audit AD)
	if again, notes := LeaveTaken(p, Record{Files: []RecordFile{{Path: editor}}}); len(notes) != 0 || len(again.Files) != len(p.Files) {
		t.Errorf("with the editor in the install's record: notes %q; want it kept", notes)
	}
	linked := filepath.Join(home, "link", "acme")
	mustWrite(t, editor, "[Desktop Entry]\nExec="+filepath.Join(linked, "bin", "editor")+" %f\n")
	if again, notes := LeaveTaken(p, Record{Prefix: linked}); len(notes) != 0 || len(again.Files) != len(p.Files) {
		t.Errorf("a file naming the prefix as the record spells it: notes %q; want it kept", notes)
	}
	mustWrite(t, editor, mine)
	rec, err := Apply(got, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(editor); err != nil || string(b) != mine {
		t.Errorf("the person's %s after the install and its removal: %q, %v", editor, b, err)
	}
}

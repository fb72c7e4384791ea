package platform

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// FuzzMenuLaunchers plans fuzzed menu files (a package's, so outside
// input) for Linux, Windows and macOS: it must never panic, every file
// and shortcut must land directly in the folders menuinst uses (no name
// may climb out or make a subfolder), no value may add a line to a
// .desktop file, and every registry key is a class of its own below
// Software\Classes (a handler or protocol, or an extension's "Open
// with" list), whose command is one line; a MIME type is one, and its
// definition a file in DATA/mime/packages.
func FuzzMenuLaunchers(f *testing.F) {
	for _, name := range []string{"tool.json", "legacy.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "menus", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"$schema": "x", "menu_name": "M/../..", "menu_items": [{"name": "..\\..\\x", "description": "d\nExec=y",
		"command": ["a"], "platforms": {"linux": {"Categories": "a\nb"}, "win": {}, "osx": {}}}]}`))
	f.Add([]byte(`{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "V", "command": ["v"], "platforms": {"linux": {
		"MimeType": ["text/x-a", "../x", "a/b\n[x]"], "glob_patterns": {"text/x-a": "*.a\nb", "../x": "*"}}}}]}`))
	f.Add([]byte(`{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "E", "command": ["a", "%1", "b\nc"],
		"file_extensions": [".py", "..\\x", ".a\\b"], "platforms": {"win": {"url_protocols": ["p", "p\\shell", "a b"]}}}]}`))
	keyLine := regexp.MustCompile(`^[A-Za-z0-9-]+=`)
	classKey := regexp.MustCompile(`^Software\\Classes\\([^\\\x00-\x1f]+|\.[^\\\x00-\x1f]+\\OpenWithProgids)$`)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, tg := range []Target{{OS: "linux", Arch: "amd64"}, {OS: "windows", Arch: "amd64"}, {OS: "darwin", Arch: "arm64"}} {
			env := Env{Home: "/home/ann", Getenv: func(string) string { return "" }}
			e := MenuEnv{Base: "/opt/acme", Prefix: "/opt/acme/envs/team", Name: "team"}
			apps, start, desk := "/home/ann/.local/share/applications", "", ""
			if tg.OS == "windows" {
				env = Env{Home: `C:\Users\ann`, Getenv: func(k string) string {
					return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`, "USERPROFILE": `C:\Users\ann`}[k]
				}}
				e = MenuEnv{Base: `C:\Acme`, Prefix: `C:\Acme\envs\team`, Name: "team"}
				start, desk = `C:\Users\ann\AppData\Roaming\Microsoft\Windows\Start Menu\Programs`, `C:\Users\ann\Desktop`
			}
			p, _, err := MenuLaunchers(tg, env, data, e, false)
			if err != nil {
				continue
			}
			for _, d := range p.Dirs {
				if tg.Dir(d) != start || tg.Base(d) == "" || tg.Base(d) == "." || tg.Base(d) == ".." {
					t.Fatalf("%s: the menu folder %q is not a folder of the Start Menu", tg.OS, d)
				}
			}
			for _, s := range p.Shortcuts {
				if dir := tg.Dir(s.Path); dir != desk && (len(p.Dirs) == 0 || dir != p.Dirs[0]) {
					t.Fatalf("%s: the shortcut %q is outside the menu's folder and the desktop", tg.OS, s.Path)
				}
			}
			for _, r := range p.Registry {
				if r.Root != "HKCU" || !classKey.MatchString(r.Key) || strings.Contains(r.Key, `\..`) {
					t.Fatalf("the registry key %s\\%s is not a class below Software\\Classes", r.Root, r.Key)
				}
				if strings.ContainsFunc(r.command(), isControl) {
					t.Fatalf("the command of %s holds a control character: %q", r.Key, r.command())
				}
			}
			for _, m := range p.MimeApps {
				if m.Path != "/home/ann/.config/mimeapps.list" || tg.Dir(m.Entry) != apps {
					t.Fatalf("the mimeapps.list edit %+v is not of ~/.config/mimeapps.list for an entry in %s", m, apps)
				}
				for _, typ := range m.Types {
					if !mimeType.MatchString(typ) {
						t.Fatalf("%q is no MIME type", typ)
					}
				}
			}
			for _, b := range p.Bundles {
				if tg.Dir(b) != "/home/ann/Applications" || !strings.HasSuffix(b, ".app") {
					t.Fatalf("the .app %q is not in ~/Applications", b)
				}
			}
			for _, fl := range p.Files {
				if fl.Kind == KindMime {
					if tg.Dir(fl.Path) != "/home/ann/.local/share/mime/packages" || !strings.HasSuffix(fl.Path, ".xml") {
						t.Fatalf("the type definition %q is not in DATA/mime/packages", fl.Path)
					}
					continue
				}
				if tg.OS == "linux" && tg.Dir(fl.Path) != apps {
					t.Fatalf("the .desktop file %q is not in %s", fl.Path, apps)
				}
				if !strings.HasSuffix(fl.Path, ".desktop") {
					continue
				}
				lines := strings.Split(strings.TrimSuffix(string(fl.Data), "\n"), "\n")
				seen := map[string]bool{}
				for i, l := range lines {
					if i == 0 && l == "[Desktop Entry]" {
						continue
					}
					k, _, _ := strings.Cut(l, "=")
					if !keyLine.MatchString(l) || seen[k] {
						t.Fatalf("line %d of %s is not one new key: %q\n%s", i+1, fl.Path, l, fl.Data)
					}
					seen[k] = true
				}
			}
		}
	})
}

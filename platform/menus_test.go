package platform

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"howett.net/plist"
)

func menuFixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "menus", "tool.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fileOf(t *testing.T, p Plan, suffix string) File {
	t.Helper()
	for _, f := range p.Files {
		if strings.HasSuffix(f.Path, suffix) {
			return f
		}
	}
	t.Fatalf("no planned file ends in %q: %v", suffix, p.Files)
	return File{}
}

// On Linux a menu item is menuinst's .desktop file, named
// <slug(menu)>_<slug(item)>.desktop in the user's applications folder, so
// that conda removing the package (menuinst computing the same path)
// removes it too. An activated command runs through the maintenance app.
func TestMenuLaunchersLinux(t *testing.T) {
	tg := Target{OS: "linux", Arch: "amd64"}
	env := Env{Home: "/home/ann", Getenv: func(k string) string { return map[string]string{"XDG_DATA_HOME": "/home/ann/.local/share"}[k] }}
	e := MenuEnv{Base: "/opt/acme", Prefix: "/opt/acme/envs/team", Name: "team", SitePackages: "lib/python3.12/site-packages"}
	p, notes, err := MenuLaunchers(tg, env, menuFixture(t), e, false)
	if err != nil || len(notes) != 0 {
		t.Fatalf("MenuLaunchers = %v, notes %v", err, notes)
	}
	prompt := fileOf(t, p, "/applications/acme-tools_tool-prompt-team.desktop")
	if prompt.Path != "/home/ann/.local/share/applications/acme-tools_tool-prompt-team.desktop" || prompt.Kind != KindEntry {
		t.Errorf("prompt file %+v", prompt)
	}
	for _, line := range []string{
		"Name=Tool Prompt (team)",
		"Comment=A Python prompt in the environment",
		`Exec=/opt/acme/.onboard/onboard launch run --prefix /opt/acme --env team -- /opt/acme/envs/team/bin/python -i /opt/acme/envs/team/lib/python3.12/site-packages/tool/start.py`,
		"Icon=/opt/acme/envs/team/Menu/tool.png",
		"Terminal=true",
		"Categories=Development;Science;",
		"Keywords=python;tool;",
		"X-Onboard-Prefix=/opt/acme",
	} {
		if !slices.Contains(strings.Split(string(prompt.Data), "\n"), line) {
			t.Errorf("the prompt's .desktop lacks %q:\n%s", line, prompt.Data)
		}
	}
	docs := fileOf(t, p, "/applications/acme-tools_tool-docs.desktop")
	for _, line := range []string{"Exec=xdg-open /opt/acme/envs/team/share/doc/tool/index.html", "Terminal=false", "Path=/home/ann"} {
		if !slices.Contains(strings.Split(string(docs.Data), "\n"), line) {
			t.Errorf("the docs' .desktop lacks %q:\n%s", line, docs.Data)
		}
	}
	if len(p.Refresh) != 1 || p.Refresh[0][0] != "update-desktop-database" {
		t.Errorf("refresh %v", p.Refresh)
	}
	// In the base env the name is the base one.
	p, _, _ = MenuLaunchers(tg, env, menuFixture(t), MenuEnv{Base: "/opt/acme", Prefix: "/opt/acme", Name: "base"}, false)
	if f := fileOf(t, p, "_tool-prompt.desktop"); !strings.Contains(string(f.Data), "Name=Tool Prompt\n") || !strings.Contains(string(f.Data), "--env base --") {
		t.Errorf("base env's prompt:\n%s", f.Data)
	}
}

// A value of the menu file cannot add a line (a key) to the .desktop file
// (menuinst's GHSA-fqh4-w37r-x339: a newline in "description").
func TestMenuLaunchersEscapeDesktopValues(t *testing.T) {
	menu := `{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "N", "description": "x\nExec=/tmp/evil",
		"command": ["tool", "a b", "$HOME", "100%"], "activate": false, "platforms": {"linux": {"GenericName": "g\n[Desktop Action x]"}}}]}`
	p, _, err := MenuLaunchers(Target{OS: "linux"}, Env{Home: "/h"}, []byte(menu), MenuEnv{Base: "/p", Prefix: "/p", Name: "base"}, false)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(p.Files[0].Data), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "Exec=") && l != `Exec=tool "a b" "\\$HOME" 100%%` {
			t.Errorf("Exec line %q", l)
		}
		if strings.HasPrefix(l, "[") && l != "[Desktop Entry]" {
			t.Errorf("a value added the group %q", l)
		}
	}
	if n := strings.Count(string(p.Files[0].Data), "\nExec="); n != 1 {
		t.Errorf("%d Exec lines:\n%s", n, p.Files[0].Data)
	}
}

// On Windows a menu item is a Start Menu shortcut in the menu's folder
// and, unless "desktop" is false, one on the desktop; placeholders use
// Windows' folders and "/" becomes "\".
func TestMenuLaunchersWindows(t *testing.T) {
	tg := Target{OS: "windows", Arch: "amd64"}
	env := Env{Home: `C:\Users\ann`, Getenv: func(k string) string {
		return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`, "USERPROFILE": `C:\Users\ann`}[k]
	}}
	e := MenuEnv{Base: `C:\Acme`, Prefix: `C:\Acme`, Name: "base", SitePackages: "Lib/site-packages"}
	menu := strings.Replace(string(menuFixture(t)), `"win": null`, `"win": {}`, 1)
	p, notes, err := MenuLaunchers(tg, env, []byte(menu), e, false)
	if err != nil || len(notes) != 0 {
		t.Fatalf("MenuLaunchers = %v, notes %v", err, notes)
	}
	start := `C:\Users\ann\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Acme tools`
	if !slices.Equal(p.Dirs, []string{start}) {
		t.Errorf("dirs %v; want the menu's folder", p.Dirs)
	}
	var paths []string
	for _, s := range p.Shortcuts {
		paths = append(paths, s.Path)
	}
	want := []string{start + `\Tool Prompt.lnk`, start + `\Tool Docs.lnk`, `C:\Users\ann\Desktop\Tool Docs.lnk`}
	if !slices.Equal(paths, want) {
		t.Fatalf("shortcuts %v; want %v", paths, want)
	}
	prompt, docs := p.Shortcuts[0], p.Shortcuts[1]
	if prompt.Target != `C:\Acme\.onboard\onboard.exe` ||
		prompt.Arguments != `launch run --terminal --prefix C:\Acme --env base -- C:\Acme\python.exe -i C:\Acme\Lib\site-packages\tool\start.py` ||
		prompt.Icon != `C:\Acme\Menu\tool.ico` || prompt.Kind != "" {
		t.Errorf("prompt %+v", prompt)
	}
	if docs.Target != `C:\Acme\Library\bin\tool-docs` || docs.Arguments != "--open" || docs.WorkingDir != `C:\Users\ann` || docs.Kind != "" {
		t.Errorf("docs %+v", docs)
	}
	// A command outside the install: verify looks for the file only.
	p, _, _ = MenuLaunchers(tg, env, []byte(`{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "Pad",
		"command": ["C:/Windows/notepad.exe"], "activate": false, "platforms": {"win": {"desktop": false}}}]}`), e, false)
	if len(p.Shortcuts) != 1 || p.Shortcuts[0].Kind != KindOther || p.Shortcuts[0].Target != `C:\Windows\notepad.exe` {
		t.Errorf("notepad shortcut %+v", p.Shortcuts)
	}
}

// On macOS a menu item is an .app whose executable is a copy of the
// maintenance app, told by its launch config to run the command; an item
// that asks for a terminal is left out, with a note.
func TestMenuLaunchersMacOS(t *testing.T) {
	tg := Target{OS: "darwin", Arch: "arm64"}
	e := MenuEnv{Base: "/Users/ann/acme", Prefix: "/Users/ann/acme", Name: "base"}
	p, notes, err := MenuLaunchers(tg, Env{Home: "/Users/ann"}, menuFixture(t), e, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "Tool Prompt") || !strings.Contains(notes[0], "Terminal") {
		t.Errorf("notes %v; want the terminal item left out", notes)
	}
	if !slices.Equal(p.Bundles, []string{"/Users/ann/Applications/Tool Docs.app"}) {
		t.Fatalf("bundles %v", p.Bundles)
	}
	var cfg LaunchConfig
	if err := json.Unmarshal(fileOf(t, p, LaunchConfigName).Data, &cfg); err != nil {
		t.Fatal(err)
	}
	want := []string{"launch", "run", "--prefix", e.Base, "--env", "base", "--no-activate", "--cwd", "/Users/ann", "--", "/Users/ann/acme/bin/tool-docs", "--open"}
	if !slices.Equal(cfg.Args, want) {
		t.Errorf("args %q; want %q", cfg.Args, want)
	}
	if f := fileOf(t, p, "/Contents/Info.plist"); !strings.Contains(string(f.Data), "OnboardPrefix") {
		t.Errorf("Info.plist lacks OnboardPrefix, which uninstall needs to remove the .app")
	}
}

func TestMenuLaunchersRefusals(t *testing.T) {
	tg := Target{OS: "linux"}
	e := MenuEnv{Base: "/p", Prefix: "/p", Name: "base"}
	for _, tt := range []struct {
		name, menu, err, note string
	}{
		{"legacy v1", `{"menu_name": "M", "menu_items": [{"name": "N", "system": "x"}]}`, "legacy", ""},
		{"not JSON", `{"$schema": `, "not valid JSON", ""},
		{"no items", `{"$schema": "x", "menu_name": "M", "menu_items": []}`, "menu_items", ""},
		{"no name", `{"$schema": "x", "menu_name": "M", "menu_items": [{"command": ["a"], "platforms": {"linux": {}}}]}`, `"name"`, ""},
		{"command not a list", `{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "N", "command": "a b", "platforms": {"linux": {}}}]}`, `"command"`, ""},
		{"name with a newline", `{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "N\nExec=x", "command": ["a"], "platforms": {"linux": {}}}]}`, "control", ""},
		{"precreate not a string", `{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "N", "command": ["a"], "precreate": ["touch x"], "platforms": {"linux": {}}}]}`, `"precreate"`, ""},
		{"other platforms only", `{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "N", "command": ["a"], "platforms": {"win": {}}}]}`, "", ""},
		{"other platforms only, oddly made", `{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "N\n", "command": "a", "platforms": {"win": {}}}]}`, "", ""},
		{"a name that is no file name", `{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "...", "command": ["a"], "platforms": {"linux": {}}}]}`, "no file name", ""},
		{"too big", `{"$schema": "x", "menu_name": "` + strings.Repeat("m", MaxMenuJSON) + `"}`, "more than", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, notes, err := MenuLaunchers(tg, Env{Home: "/h"}, []byte(tt.menu), e, false)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v; want it to say %q", err, tt.err)
				}
				if tt.name == "legacy v1" && !errors.Is(err, ErrLegacyMenu) {
					t.Errorf("err = %v; want ErrLegacyMenu", err)
				}
				return
			}
			if err != nil || len(p.Files) != 0 {
				t.Fatalf("err %v, files %v; want nothing made", err, p.Files)
			}
			if (tt.note == "") != (len(notes) == 0) || tt.note != "" && !strings.Contains(notes[0], tt.note) {
				t.Errorf("notes %v; want %q", notes, tt.note)
			}
		})
	}
}

// On Windows a menu or item name that Windows would take for something
// else (a device, nothing at all) is refused, not made.
func TestMenuLaunchersWindowsNames(t *testing.T) {
	e := MenuEnv{Base: `C:\Acme`, Prefix: `C:\Acme`, Name: "base"}
	env := Env{Home: `C:\Users\ann`, Getenv: func(k string) string { return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`}[k] }}
	for _, tt := range []struct{ menu, item, want string }{
		{"..", "Tool", "leaves no Windows file name"},
		{"M", "CON", "device"},
		{"NUL", "Tool", "device"},
		{"M", "TOOLPR~1", "short (8.3) name"},
	} {
		menu := `{"$schema": "x", "menu_name": "` + tt.menu + `", "menu_items": [{"name": "` + tt.item + `", "command": ["a"], "platforms": {"win": {}}}]}`
		if _, _, err := MenuLaunchers(Target{OS: "windows"}, env, []byte(menu), e, false); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("menu %q, item %q: %v; want an error saying %q", tt.menu, tt.item, err, tt.want)
		}
	}
}

// menuinst's slugify: accents dropped, punctuation dropped, runs of
// spaces, "_" and "-" one "-".
func TestMenuSlug(t *testing.T) {
	for in, want := range map[string]string{"Acme tools": "acme-tools", "Tool Prompt (team)": "tool-prompt-team",
		"Café  Crème__x": "cafe-creme-x", " Spyder 6 ": "spyder-6", "a/b:c": "abc"} {
		if got := menuSlug(in); got != want {
			t.Errorf("menuSlug(%q) = %q; want %q", in, got, want)
		}
	}
}

// A legacy (v1) menu file, as older packages ship it (console_shortcut's
// Anaconda Prompt, Spyder): on Windows the shortcuts menuinst's legacy
// code makes, named "<name> (<env>)" outside the base, the Python items
// run in the env activated; elsewhere nothing, as conda makes none.
func TestMenuLaunchersLegacyWindows(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "menus", "legacy.json"))
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Home: `C:\Users\ann`, Getenv: func(k string) string {
		return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`, "USERPROFILE": `C:\Users\ann`, "windir": `C:\Windows`}[k]
	}}
	e := MenuEnv{Base: `C:\Acme`, Prefix: `C:\Acme\envs\team`, Name: "team"}
	p, _, err := MenuLaunchers(Target{OS: "windows", Arch: "amd64"}, env, data, e, false)
	if err != nil {
		t.Fatal(err)
	}
	start := `C:\Users\ann\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Anaconda3 (64-bit)`
	want := []Shortcut{
		{Path: start + `\Anaconda Prompt (team).lnk`, Target: `C:\Windows\system32\cmd.exe`, // %windir% expanded
			Arguments: `"/K" "C:\Acme/Scripts/activate.bat" C:\Acme\envs\team`, WorkingDir: "%HOMEPATH%",
			Icon: `C:\Acme\envs\team\Menu\Iconleak-Atrous-Console.ico`, Description: "Anaconda Prompt (team)"},
		{Path: start + `\Spyder (team).lnk`, Target: `C:\Acme\.onboard\onboard.exe`,
			Arguments:  `launch run --prefix C:\Acme --env team -- C:\Acme\envs\team\pythonw.exe C:\Acme\envs\team\Scripts\spyder-script.py`,
			WorkingDir: `C:\Users\ann\Documents`, Icon: `C:\Acme\envs\team\Menu\spyder.ico`, Description: "Spyder (team)"},
		{Path: `C:\Users\ann\Desktop\Spyder (team).lnk`, Target: `C:\Acme\.onboard\onboard.exe`,
			Arguments:  `launch run --prefix C:\Acme --env team -- C:\Acme\envs\team\pythonw.exe C:\Acme\envs\team\Scripts\spyder-script.py`,
			WorkingDir: `C:\Users\ann\Documents`, Icon: `C:\Acme\envs\team\Menu\spyder.ico`, Description: "Spyder (team)"},
		{Path: start + `\Anaconda Cloud (team).lnk`, Target: `C:\Acme\pythonw.exe`, Arguments: `-m webbrowser -t "https://anaconda.org/"`,
			WorkingDir: "%HOMEPATH%", Description: "Anaconda Cloud (team)"},
	}
	if len(p.Shortcuts) != len(want) {
		t.Fatalf("shortcuts %+v; want %d", p.Shortcuts, len(want))
	}
	for i, w := range want {
		if p.Shortcuts[i] != w {
			t.Errorf("shortcut %d:\n got %+v\nwant %+v", i, p.Shortcuts[i], w)
		}
	}
	if !slices.Equal(p.Dirs, []string{start}) {
		t.Errorf("dirs %v", p.Dirs)
	}
	// In the base, no suffix.
	p, _, _ = MenuLaunchers(Target{OS: "windows", Arch: "amd64"}, env, data, MenuEnv{Base: `C:\Acme`, Prefix: `C:\Acme`, Name: "base"}, false)
	if len(p.Shortcuts) == 0 || !strings.HasSuffix(p.Shortcuts[0].Path, `\Anaconda Prompt.lnk`) {
		t.Errorf("base shortcuts %+v", p.Shortcuts)
	}
	// conda makes none off Windows.
	if _, _, err := MenuLaunchers(Target{OS: "linux"}, Env{Home: "/h"}, data, MenuEnv{Base: "/p", Prefix: "/p", Name: "base"}, false); !errors.Is(err, ErrLegacyMenu) {
		t.Errorf("on Linux: %v; want ErrLegacyMenu", err)
	}
}

// menuinst's legacy quoting: cmd.exe /K with a spaced argument gets one
// doubly quoted string; else arguments with a space or "/" are quoted.
func TestLegacyQuote(t *testing.T) {
	for _, tt := range []struct{ in, want []string }{
		{[]string{`C:\Windows\cmd.exe`, "/K", `C:\My Acme\Scripts\activate.bat`, `C:\My Acme`},
			[]string{`"C:\Windows\cmd.exe"`, "/K", `""C:\My Acme\Scripts\activate.bat" "C:\My Acme""`}},
		{[]string{"tool", "-x", "a b", "c/d", `"e"`}, []string{"tool", "-x", `"a b"`, `"c/d"`, "e"}},
	} {
		if got := legacyQuote(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("legacyQuote(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// A precommand (shell code before the activation, per OS) runs through
// the maintenance app (`launch run --precommand`), also for an item that
// is not activated; a value given per base and non-base env (menuinst's
// {"target_environment_is_base": …} form) is the one for the env.
func TestMenuLaunchersPrecommand(t *testing.T) {
	menu := []byte(`{"$schema": "x", "menu_name": "Example with precommands", "menu_items": [{
		"name": "Precommands", "activate": false,
		"precommand": {"target_environment_is_base": "export TEST_VAR=base", "target_environment_is_not_base": "export TEST_VAR=\"not base\""},
		"command": {"target_environment_is_base": ["echo", "in base"], "target_environment_is_not_base": ["echo", "$TEST_VAR"]},
		"platforms": {"linux": {}, "win": {"precommand": "set \"TEST_VAR=rhododendron and bees\"", "command": ["cmd", "/c", "echo %TEST_VAR%"], "desktop": false}}}]}`)
	env := Env{Home: "/h"}
	for _, tt := range []struct {
		e    MenuEnv
		exec string
	}{
		{MenuEnv{Base: "/p", Prefix: "/p", Name: "base"}, `Exec=/p/.onboard/onboard launch run --prefix /p --env base --no-activate --precommand "export TEST_VAR=base" -- echo "in base"`},
		{MenuEnv{Base: "/p", Prefix: "/p/envs/team", Name: "team"}, `Exec=/p/.onboard/onboard launch run --prefix /p --env team --no-activate --precommand "export TEST_VAR=\\"not base\\"" -- echo "\\$TEST_VAR"`},
	} {
		p, notes, err := MenuLaunchers(Target{OS: "linux"}, env, menu, tt.e, false)
		if err != nil || len(notes) != 0 || len(p.Files) != 1 {
			t.Fatalf("%s: MenuLaunchers = %v, notes %v, files %v", tt.e.Name, err, notes, p.Files)
		}
		if lines := strings.Split(string(p.Files[0].Data), "\n"); !slices.Contains(lines, tt.exec) {
			t.Errorf("%s: the .desktop lacks\n%s\n%s", tt.e.Name, tt.exec, p.Files[0].Data)
		}
	}
	wenv := Env{Home: `C:\Users\ann`, Getenv: func(k string) string { return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`}[k] }}
	p, notes, err := MenuLaunchers(Target{OS: "windows"}, wenv, menu, MenuEnv{Base: `C:\Acme`, Prefix: `C:\Acme`, Name: "base"}, false)
	if err != nil || len(notes) != 0 || len(p.Shortcuts) != 1 {
		t.Fatalf("windows: MenuLaunchers = %v, notes %v, shortcuts %v", err, notes, p.Shortcuts)
	}
	want := `launch run --prefix C:\Acme --env base --no-activate --precommand "set \"TEST_VAR=rhododendron and bees\"" -- cmd /c "echo %TEST_VAR%"`
	if s := p.Shortcuts[0]; s.Target != `C:\Acme\.onboard\onboard.exe` || s.Arguments != want {
		t.Errorf("windows shortcut %s %s; want the maintenance app with\n%s", s.Target, s.Arguments, want)
	}
}

// An item's precreate code is handed to the caller, rendered, in item
// order (engine.MakeMenus runs it before Apply); on Windows, where
// menuinst's way of starting it runs no batch file, the item is left out.
func TestMenuLaunchersPrecreate(t *testing.T) {
	menu := []byte(`{"$schema": "x", "menu_name": "M", "menu_items": [
		{"name": "A", "command": ["a"], "precreate": "mkdir -p '{{ PREFIX }}/share/a'", "platforms": {"linux": {}, "win": {}}},
		{"name": "B", "command": ["b"], "platforms": {"linux": {}, "win": {}}},
		{"name": "C", "command": ["c"], "precreate": "#!/bin/sh\necho {{ ENV_NAME }}", "platforms": {"linux": {}, "win": {}}}]}`)
	p, notes, err := MenuLaunchers(Target{OS: "linux"}, Env{Home: "/h"}, menu, MenuEnv{Base: "/p", Prefix: "/p/envs/t", Name: "t"}, false)
	if err != nil || len(notes) != 0 {
		t.Fatalf("linux: %v, notes %v", err, notes)
	}
	want := []Precreate{{Item: "A", Code: "mkdir -p '/p/envs/t/share/a'"}, {Item: "C", Code: "#!/bin/sh\necho t"}}
	if !slices.Equal(p.Precreate, want) || len(p.Files) != 3 {
		t.Fatalf("linux: precreate %q, %d files; want %q and three shortcuts", p.Precreate, len(p.Files), want)
	}
	env := Env{Home: `C:\Users\ann`, Getenv: func(k string) string { return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`}[k] }}
	p, notes, err = MenuLaunchers(Target{OS: "windows"}, env, menu, MenuEnv{Base: `C:\P`, Prefix: `C:\P`, Name: "base"}, false)
	if err != nil || len(p.Precreate) != 0 || len(notes) != 2 || !strings.Contains(notes[0], `"A": left out`) || !strings.Contains(notes[1], `"precreate"`) {
		t.Fatalf("windows: %v, precreate %q, notes %q; want A and C left out", err, p.Precreate, notes)
	}
	if len(p.Shortcuts) == 0 || !strings.Contains(p.Shortcuts[0].Path, "B") {
		t.Errorf("windows: shortcuts %+v; want B's", p.Shortcuts)
	}
}

// A macOS item that asks for links inside its .app is left out: onboard
// does not make them, and the app could rely on them.
func TestMenuLaunchersLinkInBundle(t *testing.T) {
	menu := []byte(`{"$schema": "x", "menu_name": "M", "menu_items": [
		{"name": "A", "command": ["a"], "platforms": {"osx": {"link_in_bundle": {"{{ PREFIX }}/bin/a": "{{ MENU_ITEM_LOCATION }}/Contents/Resources/a"}}}},
		{"name": "B", "command": ["b"], "platforms": {"osx": {"link_in_bundle": {}}}}]}`)
	e := MenuEnv{Base: "/Users/ann/acme", Prefix: "/Users/ann/acme", Name: "base"}
	p, notes, err := MenuLaunchers(Target{OS: "darwin"}, Env{Home: "/Users/ann"}, menu, e, false)
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], `"A": left out`) || !strings.Contains(notes[0], "link_in_bundle") {
		t.Fatalf("%v, notes %q; want A left out", err, notes)
	}
	if !slices.Equal(p.Bundles, []string{"/Users/ann/Applications/B.app"}) {
		t.Errorf("bundles %v; want B's alone", p.Bundles)
	}
}

// A Linux item's Desktop Entry keys are all written as menuinst writes
// them, in its order, and a field code given as an argument of the
// command ("%f") is left for the desktop to fill in with the file opened.
// Its MIME types go to mimeapps.list, and the type of its glob_patterns
// gets a definition (TestLinuxMimeRegistration installs them).
func TestMenuLaunchersLinuxKeysAndFieldCodes(t *testing.T) {
	menu := []byte(`{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "Viewer", "command": ["{{ PREFIX }}/bin/viewer", "--zoom=50%", "%f"],
		"activate": false,
		"platforms": {"linux": {"MimeType": ["text/x-acme", "x-scheme-handler/acme", "../../evil"], "glob_patterns": {"text/x-acme": "*.acme"},
			"PrefersNonDefaultGPU": true, "SingleMainWindow": true, "DBusActivatable": false, "Hidden": false,
			"Implements": ["org.example.Viewer"], "Categories": ["Science", "A;B"], "TryExec": "viewer"}}}]}`)
	p, notes, err := MenuLaunchers(Target{OS: "linux"}, Env{Home: "/h"}, menu, MenuEnv{Base: "/p", Prefix: "/p", Name: "base"}, false)
	if err != nil || len(p.Files) != 2 || p.Files[1].Path != "/h/.local/share/mime/packages/text-x-acme.xml" || p.Files[1].Kind != KindMime {
		t.Fatalf("%v, files %v; want the entry and the definition of text/x-acme", err, p.Files)
	}
	wantMime := []MimeAppsEdit{{Path: "/h/.config/mimeapps.list", Entry: "/h/.local/share/applications/m_viewer.desktop",
		Types: []string{"text/x-acme", "x-scheme-handler/acme"}}}
	if !reflect.DeepEqual(p.MimeApps, wantMime) || !slices.ContainsFunc(p.Refresh, func(c []string) bool {
		return slices.Equal(c, []string{"update-mime-database", "/h/.local/share/mime"})
	}) {
		t.Errorf("mimeapps %+v, refresh %q", p.MimeApps, p.Refresh)
	}
	var got []string
	for _, l := range strings.Split(string(p.Files[0].Data), "\n") {
		if k, _, ok := strings.Cut(l, "="); ok && k != "Type" && k != "Name" && k != "Terminal" && k != "X-Onboard-Prefix" {
			got = append(got, l)
		}
	}
	want := []string{"Exec=/p/bin/viewer --zoom=50%% %f", "Categories=Science;", "DBusActivatable=false", "Hidden=false",
		"Implements=org.example.Viewer;", "MimeType=text/x-acme;x-scheme-handler/acme;", "PrefersNonDefaultGPU=true",
		"SingleMainWindow=true", "TryExec=viewer"}
	if !slices.Equal(got, want) {
		t.Errorf("the entry's lines\n%q\nwant\n%q", got, want)
	}
	// Debian's desktop-file-validate (0.26) predates SingleMainWindow
	// (Desktop Entry 1.5); the rest it checks.
	validateDesktop(t, []byte(strings.Replace(string(p.Files[0].Data), "SingleMainWindow=true\n", "", 1)))
	// "../../evil" is no MIME type: not registered (a note), and not in
	// the entry either; "A;B" would be read as two categories: left out.
	if len(notes) != 1 || !strings.Contains(notes[0], "../../evil") {
		t.Errorf("notes %q; want one, on ../../evil", notes)
	}
	// onboard's own launchers: a "%f" in a path is text, not a field code.
	if got := ExecLine([]string{"/p/bin/x", "%f"}); got != "/p/bin/x %%f" {
		t.Errorf("ExecLine = %q", got)
	}
}

// A macOS item with document or URL types, an environment or entitlements
// is made (its app starts as asked), with a note naming what its .app
// does not carry; one with only names and versions has no note.
func TestMenuLaunchersDarwinKeysNoted(t *testing.T) {
	menu := []byte(`{"$schema": "x", "menu_name": "M", "menu_items": [
		{"name": "Viewer", "command": ["v"], "platforms": {"osx": {"CFBundleName": "Viewer", "LSEnvironment": {"A": "1"},
			"CFBundleDocumentTypes": [{"CFBundleTypeName": "acme", "LSItemContentTypes": ["org.acme"], "LSHandlerRank": "Owner"}], "event_handler": "echo"}}},
		{"name": "Plain", "command": ["p"], "platforms": {"osx": {"CFBundleName": "Plain", "CFBundleVersion": "1.0"}}}]}`)
	e := MenuEnv{Base: "/Users/ann/acme", Prefix: "/Users/ann/acme", Name: "base"}
	p, notes, err := MenuLaunchers(Target{OS: "darwin"}, Env{Home: "/Users/ann"}, menu, e, false)
	if err != nil || len(p.Bundles) != 2 {
		t.Fatalf("%v, bundles %v; want both made", err, p.Bundles)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], `"Viewer": made without its CFBundleDocumentTypes, event_handler,`) {
		t.Errorf("notes %q", notes)
	}
}

// A macOS item's LSEnvironment goes into its .app's Info.plist, with the
// placeholders filled in: macOS sets it for the app it starts, and the
// command inherits it from onboard. Values that are not strings, or that
// hold control characters (no plist can carry them), refuse the file.
func TestMenuLaunchersDarwinEnvironment(t *testing.T) {
	e := MenuEnv{Base: "/Users/ann/acme", Prefix: "/Users/ann/acme/envs/team", Name: "team"}
	menu := func(env string) []byte {
		return []byte(`{"$schema": "x", "menu_name": "M", "menu_items": [{"name": "Viewer", "command": ["v"],
			"platforms": {"osx": {"LSEnvironment": ` + env + `}}}]}`)
	}
	p, notes, err := MenuLaunchers(Target{OS: "darwin"}, Env{Home: "/Users/ann"}, menu(`{"VIEWER_HOME": "{{ PREFIX }}/share/viewer", "LANG": "en_US.UTF-8"}`), e, false)
	if err != nil || len(notes) != 0 {
		t.Fatalf("%v, notes %q", err, notes)
	}
	var m map[string]any
	if _, err := plist.Unmarshal(fileOf(t, p, "/Contents/Info.plist").Data, &m); err != nil {
		t.Fatal(err)
	}
	env, _ := m["LSEnvironment"].(map[string]any)
	if env["VIEWER_HOME"] != "/Users/ann/acme/envs/team/share/viewer" || env["LANG"] != "en_US.UTF-8" || len(env) != 2 {
		t.Errorf("LSEnvironment = %#v", m["LSEnvironment"])
	}
	for _, bad := range []string{`{"A": 1}`, `["A=1"]`, `{"A": "x\u001b[2J"}`} {
		if _, _, err := MenuLaunchers(Target{OS: "darwin"}, Env{Home: "/Users/ann"}, menu(bad), e, false); err == nil || !strings.Contains(err.Error(), "LSEnvironment") {
			t.Errorf("LSEnvironment %s: %v; want refused", bad, err)
		}
	}
}

// A Windows item's file extensions and URL protocols are planned as
// menuinst registers them, under its names (so that conda removing the
// package removes them): a handler per extension, offered in "Open with",
// and a key per protocol with menuinst's marker; each opens the item's
// command with the file. Its Windows Terminal profile is a note. The
// same item on Linux, where menuinst reads none of those keys, has no
// note and no registry.
func TestMenuLaunchersWindowsAssociations(t *testing.T) {
	menu := []byte(`{"$schema": "x", "menu_name": "Spyder", "menu_items": [{"name": "Spyder IDE", "command": ["{{ PYTHONW }}", "-m", "spyder"],
		"icon": "{{ MENU_DIR }}/spyder.ico", "file_extensions": [".py", ".PY", ".pyw", "..\\evil", ".a b", "py"],
		"platforms": {"win": {"url_protocols": ["spyder", "bad\\key", "web+spyder"], "terminal_profile": "Spyder"}, "linux": {}}}]}`)
	env := Env{Home: `C:\Users\ann`, Getenv: func(k string) string {
		return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`, "LOCALAPPDATA": `C:\Users\ann\AppData\Local`}[k]
	}}
	p, notes, err := MenuLaunchers(Target{OS: "windows"}, env, menu, MenuEnv{Base: `C:\P`, Prefix: `C:\P`, Name: "base"}, false)
	if err != nil || len(p.Shortcuts) == 0 {
		t.Fatalf("%v, shortcuts %v; want the item made", err, p.Shortcuts)
	}
	wantTerminal := []TerminalProfile{{LocalAppData: `C:\Users\ann\AppData\Local`, Name: "Spyder", CommandLine: `C:\P\pythonw.exe -m spyder`,
		Icon: `C:\P\Menu\spyder.ico`, Prefix: `C:\P`}}
	if !reflect.DeepEqual(p.Terminal, wantTerminal) {
		t.Errorf("terminal profiles %+v; want %+v", p.Terminal, wantTerminal)
	}
	wantNotes := []string{`"..\\evil" is no file extension`, `".a b" is no file extension`, `"py" is no file extension`,
		`"bad\\key" is no file extension or URL scheme`}
	if len(notes) != len(wantNotes) {
		t.Fatalf("notes %q; want %d", notes, len(wantNotes))
	}
	for _, w := range wantNotes {
		if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, w) }) {
			t.Errorf("notes %q; want one with %q", notes, w)
		}
	}
	open := `"` + MaintenanceApp(Target{OS: "windows"}, `C:\P`) + `" launch run --prefix C:\P --env base -- C:\P\pythonw.exe -m spyder "%1"`
	icon := `C:\P\Menu\spyder.ico`
	handler := func(key, id, def, label string) RegistryEntry {
		return RegistryEntry{Root: "HKCU", Key: `Software\Classes\` + key, Marker: "_menuinst", Label: label, Values: []RegValue{
			{Name: "", Type: "sz", Str: def}, {Key: `shell\open\command`, Type: "sz", Str: open},
			{Key: `shell\open`, Type: "sz", Str: "Spyder IDE"}, {Key: "FriendlyAppName", Type: "sz", Str: "Spyder IDE"},
			{Key: `shell\open`, Name: "FriendlyAppName", Type: "sz", Str: "Spyder IDE"}, {Name: "_menuinst", Type: "sz", Str: id},
			{Key: "DefaultIcon", Type: "sz", Str: icon}, {Key: `shell\open`, Name: "Icon", Type: "sz", Str: icon}}}
	}
	progids := func(ext, id string) RegistryEntry {
		return RegistryEntry{Root: "HKCU", Key: `Software\Classes\` + ext + `\OpenWithProgids`, Shared: true,
			With: `Software\Classes\` + id, Label: `the ` + ext + ` file association of "Spyder IDE"`, Values: []RegValue{{Name: id, Type: "sz"}}}
	}
	want := []RegistryEntry{
		handler("spyder-ide.AssocFile.py", "spyder-ide.AssocFile.py", ".py spyder-ide.AssocFile.py file", `the .py file association of "Spyder IDE"`),
		progids(".py", "spyder-ide.AssocFile.py"),
		handler("spyder-ide.AssocFile.pyw", "spyder-ide.AssocFile.pyw", ".pyw spyder-ide.AssocFile.pyw file", `the .pyw file association of "Spyder IDE"`),
		progids(".pyw", "spyder-ide.AssocFile.pyw"),
		handler("spyder", "spyder-ide.AssocFilespyder", "URL:Spyder", `the spyder: URL protocol of "Spyder IDE"`),
		handler("web+spyder", "spyder-ide.AssocFileweb+spyder", "URL:Web+Spyder", `the web+spyder: URL protocol of "Spyder IDE"`),
	}
	if !reflect.DeepEqual(p.Registry, want) {
		t.Errorf("registry:\n got %+v\nwant %+v", p.Registry, want)
	}
	p, notes, err = MenuLaunchers(Target{OS: "windows"}, env, menu, MenuEnv{Base: `C:\P`, Prefix: `C:\P`, Name: "base"}, true)
	if err != nil || len(p.Registry) != len(want) || p.Registry[0].Root != "HKLM" || p.Registry[1].Root != "HKLM" {
		t.Errorf("all users: %v %+v; want HKLM", err, p.Registry)
	}
	if len(p.Terminal) != 0 || !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "made without its Windows Terminal profile") }) {
		t.Errorf("all users: terminal profiles %+v, notes %q; want none, with a note", p.Terminal, notes)
	}
	p, notes, err = MenuLaunchers(Target{OS: "linux"}, Env{Home: "/h"}, menu, MenuEnv{Base: "/p", Prefix: "/p", Name: "base"}, false)
	if err != nil || len(p.Files) != 1 || len(notes) != 0 || len(p.Registry) != 0 {
		t.Errorf("linux: %v, %d files, notes %q, registry %v", err, len(p.Files), notes, p.Registry)
	}
}

// The open command gives the command the file as one argument: "%1"
// quoted where the command takes it, added at the end when it does not.
func TestOpenCommand(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-m", "x"}, `"C:\a b\x.exe" -m x "%1"`},
		{[]string{"%1", "--new"}, `"C:\a b\x.exe" "%1" --new`},
		{[]string{"%*"}, `"C:\a b\x.exe" %*`},
		{[]string{"--file=%1"}, `"C:\a b\x.exe" --file=%1`},
		{[]string{"%L"}, `"C:\a b\x.exe" "%L"`},
		{[]string{"two words"}, `"C:\a b\x.exe" "two words" "%1"`},
	} {
		if got := openCommand(`C:\a b\x.exe`, tt.args); got != tt.want {
			t.Errorf("openCommand(%q) = %s; want %s", tt.args, got, tt.want)
		}
	}
}

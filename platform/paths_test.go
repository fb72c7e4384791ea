package platform

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var (
	win   = Target{"windows", "amd64"}
	mac   = Target{"darwin", "arm64"}
	linux = Target{"linux", "amd64"}
	sol   = Target{"solaris", "amd64"}
)

// fakeEnv makes an Env from a map of variables and a list of existing paths.
func fakeEnv(home string, vars map[string]string, exists ...string) Env {
	return Env{
		Home:   home,
		Getenv: func(k string) string { return vars[k] },
		Exists: func(p string) bool { return slices.Contains(exists, p) },
	}
}

func TestJoinDirBase(t *testing.T) {
	tests := []struct {
		t         Target
		elem      []string
		join, dir string
	}{
		{win, []string{`C:\Users\ann`, "AppData", "Local"}, `C:\Users\ann\AppData\Local`, `C:\Users\ann\AppData`},
		{win, []string{`C:\`, "acme"}, `C:\acme`, `C:\`},
		{win, []string{`C:\x\`, `\y`, "z/w"}, `C:\x\y\z\w`, `C:\x\y\z`},
		{win, []string{`\\srv\share`, "acme"}, `\\srv\share\acme`, `\\srv\share`},
		{linux, []string{"/home/ann/", "acme"}, "/home/ann/acme", "/home/ann"},
		{linux, []string{"/", "opt", "acme"}, "/opt/acme", "/opt"},
		{linux, []string{"/", "opt"}, "/opt", "/"},
		{mac, []string{"/Users/ann", "", "Applications"}, "/Users/ann/Applications", "/Users/ann"},
	}
	for _, tt := range tests {
		got := tt.t.Join(tt.elem...)
		if got != tt.join {
			t.Errorf("%s.Join(%q) = %q; want %q", tt.t.OS, tt.elem, got, tt.join)
		}
		if d := tt.t.Dir(got); d != tt.dir {
			t.Errorf("%s.Dir(%q) = %q; want %q", tt.t.OS, got, d, tt.dir)
		}
	}
	if got := win.ancestors(`C:\a\b\c`); !slices.Equal(got, []string{`C:\a\b`, `C:\a`, `C:\`}) {
		t.Errorf("ancestors = %q", got)
	}
	if got := linux.ancestors("/a/b"); !slices.Equal(got, []string{"/a", "/"}) {
		t.Errorf("ancestors = %q", got)
	}
	if win.Base(`C:\a\b.lnk`) != "b.lnk" || linux.Base("/a/b/") != "b" {
		t.Error("Base is wrong")
	}
	for _, p := range []string{`C:\x`, `c:/x`, `\\srv\x`} {
		if !win.IsAbs(p) {
			t.Errorf("IsAbs(%q) = false", p)
		}
	}
	for _, p := range []string{`x\y`, `\x`, `C:x`, "/x"} {
		if win.IsAbs(p) && p != "/x" {
			t.Errorf("windows IsAbs(%q) = true", p)
		}
	}
	if linux.IsAbs(`C:\x`) || !linux.IsAbs("/x") {
		t.Error("linux IsAbs is wrong")
	}
}

func TestSlugAndID(t *testing.T) {
	tests := []struct{ in, slug, id string }{
		{"Acme Python", "acme-python", "AcmePython"},
		{"Jupyter Lab", "jupyter-lab", "JupyterLab"},
		{"  José's  Tools 2 ", "jos-s-tools-2", "JosSTools2"},
		{"3D lab", "3d-lab", "_3DLab"},
		{"日本", "onboard", "_"},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.slug {
			t.Errorf("Slug(%q) = %q; want %q", tt.in, got, tt.slug)
		}
		if got := idElement(tt.in); got != tt.id {
			t.Errorf("idElement(%q) = %q; want %q", tt.in, got, tt.id)
		}
	}
}

func TestDefaultPrefix(t *testing.T) {
	winVars := map[string]string{"LOCALAPPDATA": `C:\Users\ann\AppData\Local`, "ProgramData": `C:\ProgramData`, "SystemDrive": "C:"}
	tests := []struct {
		name     string
		t        Target
		env      Env
		allUsers bool
		want     string
	}{
		{"windows user", win, fakeEnv(`C:\Users\ann`, winVars), false, `C:\Users\ann\AppData\Local\acme-python`},
		{"windows all users", win, fakeEnv(`C:\Users\ann`, winVars), true, `C:\Program Files\acme-python`},
		{"windows all users, 64-bit Program Files from a 32-bit view", win, fakeEnv(`C:\Users\ann`, map[string]string{"ProgramFiles": `C:\Program Files (x86)`, "ProgramW6432": `C:\Program Files`}), true, `C:\Program Files\acme-python`},
		{"windows all users, short name", win, Env{Home: `C:\Users\ann`, Known: func(f string) string {
			return map[string]string{"ProgramFiles": `D:\Program Files`, "ProgramFilesShort": `D:\PROGRA~1`}[f]
		}}, true, `D:\PROGRA~1\acme-python`},
		{"windows all users, no short names", win, Env{Home: `C:\Users\ann`, Known: func(f string) string {
			return map[string]string{"ProgramFiles": `D:\Program Files`}[f]
		}}, true, `D:\Program Files\acme-python`},
		{"windows known folder wins", win, Env{Home: `C:\Users\ann`, Getenv: func(string) string { return "" },
			Known: func(f string) string { return map[string]string{"LocalAppData": `D:\Local`}[f] }}, false, `D:\Local\acme-python`},
		{"windows user with a space", win, fakeEnv(`C:\Users\Ann Lee`, map[string]string{"LOCALAPPDATA": `C:\Users\Ann Lee\AppData\Local`, "SystemDrive": "C:"}), false, `C:\acme-python`},
		{"windows non-ASCII user", win, fakeEnv(`C:\Users\José`, map[string]string{"LOCALAPPDATA": `C:\Users\José\AppData\Local`, "SystemDrive": "D:"}), false, `D:\acme-python`},
		{"windows no LOCALAPPDATA", win, fakeEnv(`C:\Users\ann`, nil), false, `C:\Users\ann\AppData\Local\acme-python`},
		{"macOS user", mac, fakeEnv("/Users/ann", nil), false, "/Users/ann/acme-python"},
		{"linux user", linux, fakeEnv("/home/ann", nil), false, "/home/ann/acme-python"},
		{"linux all users", linux, fakeEnv("/home/ann", nil), true, "/opt/acme-python"},
		{"solaris user", sol, fakeEnv("/export/home/ann", nil), false, "/export/home/ann/acme-python"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPrefix(tt.t, tt.env, "Acme Python", tt.allUsers)
			if err != nil || got != tt.want {
				t.Errorf("DefaultPrefix = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := DefaultPrefix(linux, Env{}, "Acme", false); err == nil {
		t.Error("no home: want an error")
	}
	if _, err := DefaultPrefix(win, Env{}, "Acme", false); err == nil {
		t.Error("no LOCALAPPDATA and no home: want an error")
	}
}

func TestMaintenanceApp(t *testing.T) {
	if got := MaintenanceApp(win, `C:\acme`); got != `C:\acme\.onboard\onboard.exe` {
		t.Errorf("windows: %q", got)
	}
	if got := MaintenanceApp(linux, "/home/a/acme"); got != "/home/a/acme/.onboard/onboard" {
		t.Errorf("linux: %q", got)
	}
	if got := RecordPath(linux, "/p"); got != "/p/.onboard/launchers.json" {
		t.Errorf("RecordPath: %q", got)
	}
}

// Solaris with no home folder but XDG_DATA_HOME set: the .desktop files
// have a place, the ~/bin scripts none; the plan says so, where it planned
// them at a relative bin/ that Apply would write under the current folder
// (audit AL 8).
func TestSolarisLaunchersWithoutAHome(t *testing.T) {
	env := Env{Getenv: func(k string) string {
		if k == "XDG_DATA_HOME" {
			return "/var/svc/share"
		}
		return ""
	}}
	app := AppInfo{Name: "Acme Python", ID: "com.acme.python", Prefix: "/opt/acme"}
	p, err := Launchers(sol, env, app, []LauncherSpec{{Name: "Jupyter Lab", Env: "team"}}, false)
	if err == nil || !strings.Contains(err.Error(), "home") {
		t.Errorf("Launchers = %+v, %v; want a refusal naming the home folder", p.Files, err)
	}
	for _, f := range p.Files {
		if !filepath.IsAbs(f.Path) {
			t.Errorf("planned a relative path: %s", f.Path)
		}
	}
}

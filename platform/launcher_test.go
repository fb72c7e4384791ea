package platform

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var samplePrefix = map[string]string{
	"linux":   "/home/ann/acme-python",
	"darwin":  "/Users/ann/acme-python",
	"windows": `C:\Users\ann\AppData\Local\acme-python`,
	"solaris": "/export/home/ann/acme-python",
}

var sampleHome = map[string]string{
	"linux": "/home/ann", "darwin": "/Users/ann", "windows": `C:\Users\ann`, "solaris": "/export/home/ann",
}

func testIcon(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "icon256.png"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sampleApp(t *testing.T, os string) AppInfo {
	return AppInfo{Name: "Acme Python", ID: "com.acme.python", Version: "2026.11.0", Publisher: "Acme Corp.",
		URL: "https://python.acme.example/help", Prefix: samplePrefix[os], Icon: testIcon(t), Size: 1_500_000_000,
		Installed: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
}

var sampleItems = []LauncherSpec{{Name: "Jupyter Lab", Env: "team"}, {Name: "Acme Python"}}

func sampleEnv(os string) Env {
	vars := map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`, "LOCALAPPDATA": `C:\Users\ann\AppData\Local`}
	return fakeEnv(sampleHome[os], vars)
}

func samplePlan(t *testing.T, os string, allUsers bool) Plan {
	t.Helper()
	app := sampleApp(t, os)
	if allUsers { // the default folder for all users: plain names
		def, err := DefaultPrefix(Target{os, "amd64"}, sampleEnv(os), app.Name, true)
		if err != nil {
			t.Fatal(err)
		}
		app.Prefix = def
	}
	p, err := Launchers(Target{os, "amd64"}, sampleEnv(os), app, sampleItems, allUsers)
	if err != nil {
		t.Fatalf("Launchers(%s): %v", os, err)
	}
	return p
}

// renderPlan writes a plan as text for a golden file: text files in full,
// binary ones by size, shortcuts and registry entries as JSON.
func renderPlan(p Plan) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# launchers for %s, prefix %s\n", p.Target, p.Prefix)
	for _, f := range p.Files {
		fmt.Fprintf(&b, "\n== file %s (%s, %04o)\n", f.Path, f.Kind, f.Mode)
		switch {
		case f.CopyFrom != "":
			fmt.Fprintf(&b, "<copy of %s>\n", f.CopyFrom)
		case utf8.Valid(f.Data) && !bytes.ContainsRune(f.Data, 0):
			b.Write(f.Data)
			if !bytes.HasSuffix(f.Data, []byte("\n")) {
				b.WriteString("\n<no newline at end>\n")
			}
		default:
			fmt.Fprintf(&b, "<%d bytes, starts %q>\n", len(f.Data), f.Data[:8])
		}
	}
	section := func(name string, v any) {
		j, _ := json.MarshalIndent(v, "", "  ")
		fmt.Fprintf(&b, "\n== %s\n%s\n", name, j)
	}
	for _, s := range p.Shortcuts {
		section("shortcut", s)
	}
	for _, r := range p.Registry {
		section("registry", r)
	}
	section("bundles", p.Bundles)
	section("dirs", p.Dirs)
	section("refresh", p.Refresh)
	return b.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./platform -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./platform -run %s -update rewrites it)\n--- got:\n%s", path, t.Name(), got)
	}
}

func TestLaunchersGolden(t *testing.T) {
	for _, os := range []string{"linux", "darwin", "windows", "solaris"} {
		for _, all := range []bool{false, true} {
			name := fmt.Sprintf("launchers-%s-user.golden", os)
			if all {
				name = fmt.Sprintf("launchers-%s-allusers.golden", os)
			}
			t.Run(name, func(t *testing.T) { golden(t, name, renderPlan(samplePlan(t, os, all))) })
		}
	}
}

func TestLaunchersRejects(t *testing.T) {
	app := sampleApp(t, "linux")
	tests := []struct {
		name  string
		t     Target
		app   func(AppInfo) AppInfo
		items []LauncherSpec
		want  string
	}{
		{"relative prefix", linux, func(a AppInfo) AppInfo { a.Prefix = "acme"; return a }, sampleItems, "not an absolute path"},
		{"newline in prefix", linux, func(a AppInfo) AppInfo { a.Prefix = "/x\nExec=evil"; return a }, sampleItems, "control characters"},
		{"bad id", linux, func(a AppInfo) AppInfo { a.ID = "acme python"; return a }, sampleItems, "reverse DNS"},
		{"two launchers, one name", linux, func(a AppInfo) AppInfo { return a }, []LauncherSpec{{Name: "Lab", Env: "a"}, {Name: "Lab", Env: "b"}}, "two launchers"},
		{"newline in env", linux, func(a AppInfo) AppInfo { return a }, []LauncherSpec{{Name: "Lab", Env: "a\nb"}}, "control characters"},
		{"unknown OS", Target{"plan9", "amd64"}, func(a AppInfo) AppInfo { return a }, sampleItems, "cannot make launchers"},
		{"'=' in program path", linux, func(a AppInfo) AppInfo { a.Prefix = "/home/a=b"; return a }, sampleItems, "forbids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Launchers(tt.t, sampleEnv(tt.t.OS), tt.app(app), tt.items, false)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want one containing %q", err, tt.want)
			}
		})
	}
}

func TestUnusableIconIsLeftOut(t *testing.T) {
	for _, tg := range []Target{mac, win} {
		app := sampleApp(t, tg.OS)
		app.Icon = []byte("GIF89a........................")
		p, err := Launchers(tg, sampleEnv(tg.OS), app, sampleItems[:1], false)
		if err != nil {
			t.Fatalf("%s: %v", tg.OS, err)
		}
		for _, f := range p.Files {
			if strings.HasSuffix(f.Path, ".icns") || strings.HasSuffix(f.Path, ".ico") || bytes.Contains(f.Data, []byte("CFBundleIconFile")) {
				t.Errorf("%s: an unusable icon was not left out", f.Path)
			}
		}
		if tg == win && p.Shortcuts[0].Icon != MaintenanceApp(win, app.Prefix) {
			t.Errorf("windows shortcut icon = %q; want the maintenance app", p.Shortcuts[0].Icon)
		}
	}
}

func TestLaunchersXDGDataHome(t *testing.T) {
	env := fakeEnv("/home/ann", map[string]string{"XDG_DATA_HOME": "/data/ann"})
	p, err := Launchers(linux, env, sampleApp(t, "linux"), sampleItems[:1], false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files {
		if !strings.HasPrefix(f.Path, "/data/ann/") {
			t.Errorf("%s is not under $XDG_DATA_HOME", f.Path)
		}
	}
	// A relative XDG_DATA_HOME is invalid per the spec and ignored.
	env = fakeEnv("/home/ann", map[string]string{"XDG_DATA_HOME": "data"})
	p, _ = Launchers(linux, env, sampleApp(t, "linux"), sampleItems[:1], false)
	if !strings.HasPrefix(p.Files[0].Path, "/home/ann/.local/share/") {
		t.Errorf("relative XDG_DATA_HOME used: %s", p.Files[0].Path)
	}
}

func TestWindowsSingleLauncherHasNoFolder(t *testing.T) {
	p, err := Launchers(win, sampleEnv("windows"), sampleApp(t, "windows"), sampleItems[:1], false)
	if err != nil {
		t.Fatal(err)
	}
	want := `C:\Users\ann\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Jupyter Lab.lnk`
	if len(p.Shortcuts) != 1 || p.Shortcuts[0].Path != want || len(p.Dirs) != 0 {
		t.Errorf("shortcuts %+v, dirs %q; want only %s", p.Shortcuts, p.Dirs, want)
	}
}

func TestWindowsUninstallEntry(t *testing.T) {
	app := sampleApp(t, "windows")
	app.Prefix = `C:\Users\Ann Lee\acme "x"`
	maint := MaintenanceApp(win, app.Prefix)
	e := UninstallEntry(app, maint, maint, false)
	val := func(n string) RegValue { v, _ := e.Value(n); return v }
	if got := splitWindowsCommandLine(val("UninstallString").Str); !equalStrings(got, []string{maint, "uninstall", "--prefix", app.Prefix}) {
		t.Errorf("UninstallString splits into %q", got)
	}
	if got := splitWindowsCommandLine(val("QuietUninstallString").Str); !equalStrings(got, []string{maint, "uninstall", "--prefix", app.Prefix, "--silent"}) {
		t.Errorf("QuietUninstallString splits into %q", got)
	}
	if got := splitWindowsCommandLine(val("ModifyPath").Str); !equalStrings(got, []string{maint, "--prefix", app.Prefix}) {
		t.Errorf("ModifyPath splits into %q", got)
	}
	if val("EstimatedSize").DWord != 1464844 || val("NoRepair").DWord != 1 || val("InstallDate").Str != "20261124" {
		t.Errorf("values: %+v", e.Values)
	}
	// Publisher is the organisation, written only when the bundle names one:
	// never the product's name, nor its label for an install elsewhere
	if val("Publisher").Str != "Acme Corp." {
		t.Errorf("Publisher %q", val("Publisher").Str)
	}
	anon := app
	anon.Publisher = ""
	if _, ok := UninstallEntry(anon, maint, maint, false).Value("Publisher"); ok {
		t.Error("a Publisher is written for a bundle that names none")
	}
	if e.Root != "HKCU" || UninstallEntry(app, maint, maint, true).Root != "HKLM" {
		t.Error("roots are wrong")
	}
	other := app
	other.Prefix = `D:\acme`
	if UninstallKey(app) == UninstallKey(other) {
		t.Error("two prefixes share one uninstall key")
	}
	upper := app
	upper.Prefix = strings.ToUpper(app.Prefix)
	if UninstallKey(app) != UninstallKey(upper) {
		t.Error("the uninstall key depends on the prefix's case")
	}
}

func TestWindowsCommandLine(t *testing.T) {
	args := [][]string{
		{"launch", "jupyter", "--prefix", `C:\Program Files\acme`, "--env", "team"},
		{`C:\a b\`, `say "hi"`, "", `back\\slash\"`, `tab	x`},
	}
	for _, a := range args {
		if got := splitWindowsCommandLine(WindowsCommandLine(a)); !equalStrings(got, a) {
			t.Errorf("round trip of %q gave %q (line %s)", a, got, WindowsCommandLine(a))
		}
	}
}

func equalStrings(a, b []string) bool { return fmt.Sprintf("%q", a) == fmt.Sprintf("%q", b) }

// splitWindowsCommandLine splits like CommandLineToArgvW (the rules of
// Go's os/exec_windows and the MSVC runtime): 2n backslashes + quote = n
// backslashes and a toggle; 2n+1 + quote = n backslashes and a literal quote.
func splitWindowsCommandLine(s string) []string {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					inQuote = !inQuote
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			have = true
		case c == '"':
			inQuote, have = !inQuote, true
		case (c == ' ' || c == '\t') && !inQuote:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}

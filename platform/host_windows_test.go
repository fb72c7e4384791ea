package platform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// hostTests skips tests that change the Start Menu and the registry unless
// ONBOARD_HOST_TESTS=1 (scripts/wine-test.sh sets it in a throwaway Wine
// prefix).
func hostTests(t *testing.T) {
	t.Helper()
	if os.Getenv("ONBOARD_HOST_TESTS") != "1" {
		t.Skip("changes the Start Menu and HKCU; set ONBOARD_HOST_TESTS=1 to run")
	}
}

// fakeInstall makes a prefix with a maintenance app in a fresh folder
// (not t.TempDir: os.RemoveAll fails under Wine).
func fakeInstall(t *testing.T) AppInfo {
	t.Helper()
	prefix := filepath.Join(tempDir(t), "acme python")
	mustWrite(t, MaintenanceApp(win, prefix), "MZ fake maintenance app")
	b, err := os.ReadFile(filepath.Join("testdata", "icon256.png"))
	if err != nil {
		t.Fatal(err)
	}
	return AppInfo{Name: "Onboard Test", ID: fmt.Sprintf("org.onboard.test%d", time.Now().UnixNano()),
		Version: "2026.11.0", Publisher: "onboard tests", Prefix: prefix, Icon: b, Size: 123 << 20, Installed: time.Now()}
}

func TestHostWindowsShortcut(t *testing.T) {
	hostTests(t)
	app := fakeInstall(t)
	maint := MaintenanceApp(win, app.Prefix)
	s := Shortcut{Path: filepath.Join(app.Prefix, "menu", "Jupyter Lab.lnk"), Target: maint,
		Arguments:  WindowsCommandLine([]string{"launch", "jupyter", "--prefix", app.Prefix, "--env", "team"}),
		WorkingDir: app.Prefix, Icon: maint, IconIndex: 0, Description: "Start Jupyter (test)"}
	if err := hostCreateShortcut(s); err != nil {
		t.Fatalf("hostCreateShortcut: %v", err)
	}
	b, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := readLnk(b)
	if err != nil {
		t.Fatalf("readLnk: %v", err)
	}
	t.Logf("read back %d bytes: %+v", len(b), l)
	if l.Arguments != s.Arguments || l.WorkingDir != s.WorkingDir || l.Name != s.Description {
		t.Errorf("strings: args %q dir %q name %q; want %q %q %q", l.Arguments, l.WorkingDir, l.Name, s.Arguments, s.WorkingDir, s.Description)
	}
	if !strings.EqualFold(l.IconLocation, s.Icon) || l.ShowCommand != 1 {
		t.Errorf("icon %q index %d show %d; want %q 0 1", l.IconLocation, l.IconIndex, l.ShowCommand, s.Icon)
	}
	if !strings.EqualFold(l.LocalBasePath, maint) && !strings.EqualFold(l.EnvTarget, maint) {
		t.Errorf("target: LinkInfo %q, env block %q; want %q", l.LocalBasePath, l.EnvTarget, maint)
	}
	if err := os.Remove(s.Path); err != nil {
		t.Error(err)
	}
}

func TestHostWindowsRegistry(t *testing.T) {
	hostTests(t)
	app := fakeInstall(t)
	maint := MaintenanceApp(win, app.Prefix)
	e := UninstallEntry(app, maint, maint, false)
	reg := winRegistry{}
	if err := setEntry(reg, e); err != nil {
		t.Fatalf("setEntry: %v", err)
	}
	got, err := reg.read(e.Root, e.Key)
	if err != nil {
		t.Fatalf("readRegistry: %v", err)
	}
	for _, v := range e.Values {
		if v.Type == "sz" && got[v.Name] != v.Str {
			t.Errorf("%s = %q; want %q", v.Name, got[v.Name], v.Str)
		}
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, e.Key, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := k.GetIntegerValue("EstimatedSize")
	k.Close()
	if err != nil || n != 123*1024 {
		t.Errorf("EstimatedSize = %d, %v; want %d", n, err, 123*1024)
	}
	if err := reg.deleteKey(e.Root, e.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.read(e.Root, e.Key); !errors.Is(err, errRegMissing) {
		t.Errorf("the key is still there after deleteKey: %v", err)
	}
	if err := reg.deleteKey(e.Root, e.Key); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
}

// TestHostWindowsLaunchers runs the whole cycle in the real Start Menu and
// HKCU: plan, apply, check, remove.
func TestHostWindowsLaunchers(t *testing.T) {
	hostTests(t)
	app := fakeInstall(t)
	p, err := Launchers(win, HostEnv(), app, []LauncherSpec{{Name: "Test Jupyter", Env: "team"}, {Name: "Test Maintenance"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Apply(p, t.Logf)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for _, s := range p.Shortcuts {
		if _, err := os.Stat(s.Path); err != nil {
			t.Errorf("shortcut: %v", err)
		}
		t.Logf("shortcut: %s", s.Path)
	}
	if ps := CheckInstalled(rec, app.Prefix); len(ps) != 0 {
		t.Errorf("CheckInstalled: %v", ps)
	}
	if ps := CheckInstalled(rec, `C:\elsewhere`); len(ps) == 0 {
		t.Error("CheckInstalled found nothing wrong for another prefix")
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	for _, s := range p.Shortcuts {
		if _, err := os.Stat(s.Path); !os.IsNotExist(err) {
			t.Errorf("%s still exists: %v", s.Path, err)
		}
	}
	for _, d := range p.Dirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("Start Menu folder %s still exists: %v", d, err)
		}
	}
	if _, err := (winRegistry{}).read(p.Registry[0].Root, p.Registry[0].Key); err == nil {
		t.Error("the uninstall entry is still there")
	}
}

func TestHostWindowsPaths(t *testing.T) {
	env := HostEnv()
	for _, f := range []string{"Programs", "LocalAppData", "ProgramData"} {
		if d := env.Known(f); !win.IsAbs(d) {
			t.Errorf("known folder %s = %q", f, d)
		}
	}
	p, err := DefaultPrefix(win, env, "Acme Python", false)
	if err != nil || !strings.HasSuffix(p, `\acme-python`) {
		t.Errorf("DefaultPrefix = %q, %v", p, err)
	}
	t.Logf("default prefix %s, long paths enabled: %v, free: %d", p, hostLongPathsEnabled(), hostFreeBytes(os.TempDir()))
	if hostFreeBytes(os.TempDir()) <= 0 {
		t.Error("no free space found on the temp folder's drive")
	}
}

// The all-users default is under Program Files, without a space when the
// volume keeps short names; this user may change a folder of its own.
func TestHostWindowsAllUsersPrefixAndMayModify(t *testing.T) {
	env := HostEnv()
	pf := env.Known("ProgramFiles")
	if !win.IsAbs(pf) {
		t.Fatalf("Program Files = %q", pf)
	}
	short := env.Known("ProgramFilesShort")
	if short != "" && strings.Contains(short, " ") {
		t.Errorf("short Program Files %q has a space", short)
	}
	p, err := DefaultPrefix(win, env, "Acme Python", true)
	if err != nil || !strings.HasSuffix(p, `\acme-python`) || (p != pf+`\acme-python` && p != short+`\acme-python`) {
		t.Errorf("all-users DefaultPrefix = %q, %v (Program Files %q, short %q)", p, err, pf, short)
	}
	t.Logf("all-users prefix %s (Program Files %s, short %q)", p, pf, short)
	own, err := os.MkdirTemp("", "onboard-maymodify-") // not t.TempDir: Wine's RemoveAll fails
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(own)
	os.MkdirAll(filepath.Join(own, ".onboard"), 0o755)
	if !HostMayModify(own) {
		t.Error("HostMayModify is false for a folder of this user's")
	}
	if left, _ := filepath.Glob(filepath.Join(own, ".onboard", "*")); len(left) != 0 {
		t.Errorf("the access probe left %v", left)
	}
}

// TestHostWindowsMenus makes a package's menu shortcuts in the real Start
// Menu and on the real desktop (the Shell's known folders), checks them
// and removes them, folder and all.
func TestHostWindowsMenus(t *testing.T) {
	hostTests(t)
	app := fakeInstall(t)
	menu := []byte(`{"$schema": "https://schemas.conda.org/menuinst-1-1-1.schema.json", "menu_name": "Onboard Test Tools",
		"menu_items": [{"name": "Onboard Test Prompt", "description": "A prompt", "command": ["{{ PYTHON }}", "-i"],
		"terminal": true, "platforms": {"win": {}}}]}`)
	p, notes, err := MenuLaunchers(win, HostEnv(), menu, MenuEnv{Base: app.Prefix, Prefix: app.Prefix, Name: "base"}, false)
	if err != nil || len(notes) != 0 {
		t.Fatalf("MenuLaunchers: %v %v", err, notes)
	}
	if len(p.Shortcuts) != 2 {
		t.Fatalf("shortcuts %+v; want the Start Menu's and the desktop's", p.Shortcuts)
	}
	rec, err := Apply(p, t.Logf)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for _, s := range p.Shortcuts {
		b, err := os.ReadFile(s.Path)
		if err != nil {
			t.Fatalf("shortcut: %v", err)
		}
		l, err := readLnk(b)
		if err != nil || l.Arguments != s.Arguments || !strings.Contains(l.Arguments, "launch run --terminal --prefix") {
			t.Errorf("%s: %+v, %v; want the arguments %q", s.Path, l, err, s.Arguments)
		}
		t.Logf("shortcut: %s", s.Path)
	}
	if ps := CheckInstalled(rec, app.Prefix); len(ps) != 0 {
		t.Errorf("CheckInstalled: %v", ps)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	for _, s := range p.Shortcuts {
		if _, err := os.Stat(s.Path); !os.IsNotExist(err) {
			t.Errorf("%s still exists: %v", s.Path, err)
		}
	}
	if _, err := os.Stat(p.Dirs[0]); !os.IsNotExist(err) {
		t.Errorf("the menu's Start Menu folder %s still exists: %v", p.Dirs[0], err)
	}
	// A legacy (v1) menu, as console_shortcut's Anaconda Prompt.
	legacy := []byte(`{"menu_name": "Onboard Test Legacy", "menu_items": [{"name": "Onboard Test Legacy Prompt",
		"system": "%windir%\\system32\\cmd.exe", "scriptarguments": ["/K", "${ROOT_PREFIX}/Scripts/activate.bat", "${PREFIX}"]}]}`)
	p, _, err = MenuLaunchers(win, HostEnv(), legacy, MenuEnv{Base: app.Prefix, Prefix: app.Prefix, Name: "base"}, false)
	if err != nil || len(p.Shortcuts) != 1 {
		t.Fatalf("legacy MenuLaunchers: %v %+v", err, p.Shortcuts)
	}
	if rec, err = Apply(p, t.Logf); err != nil {
		t.Fatalf("Apply of the legacy menu: %v", err)
	}
	b, err := os.ReadFile(p.Shortcuts[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := readLnk(b); err != nil || l.Arguments != p.Shortcuts[0].Arguments || !strings.HasPrefix(l.Arguments, "/K ") ||
		!strings.EqualFold(l.LocalBasePath, `C:\windows\system32\cmd.exe`) {
		t.Errorf("legacy shortcut %+v, %v; want the arguments %q", l, err, p.Shortcuts[0].Arguments)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatalf("Remove: %v", err)
	}
}

// TestHostWindowsAssociations registers a menu item's file extension and
// URL protocol in the real registry, for the user (HKCU) and for all
// users (HKLM), checks and removes them; a protocol another program has
// is left as it is, and so is what another program wrote in the
// extension's key. For all users it also opens a URL of the protocol
// through the Shell, which runs the registered command with it (Wine 8's
// Shell looks classes up in the machine's only, not in HKCU's).
func TestHostWindowsAssociations(t *testing.T) {
	hostTests(t)
	for _, allUsers := range []bool{false, true} {
		t.Run(fmt.Sprint("allUsers=", allUsers), func(t *testing.T) { hostAssociations(t, allUsers) })
	}
}

func hostAssociations(t *testing.T, allUsers bool) {
	app := fakeInstall(t)
	n := time.Now().UnixNano()
	proto, taken, ext := fmt.Sprintf("onboard-test-%d", n), fmt.Sprintf("onboard-taken-%d", n), fmt.Sprintf(".onbtest%d", n%1e6)
	reg, root, classes := winRegistry{}, "HKCU", `Software\Classes\`
	if allUsers {
		root = "HKLM"
	}
	if err := reg.set(root, classes+taken+`\shell\open\command`, []RegValue{{Name: "", Type: "sz", Str: "another program"}}); err != nil {
		t.Fatal(err)
	}
	if err := reg.set(root, classes+ext, []RegValue{{Name: "", Type: "sz", Str: "txtfile"}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(app.Prefix, "opened.txt")
	menu := fmt.Sprintf(`{"$schema": "https://schemas.conda.org/menuinst-1-1-1.schema.json", "menu_name": "Onboard Test Assoc",
		"menu_items": [{"name": "Onboard Test Opener", "description": "", "activate": false, "desktop": false,
		"command": ["%%windir%%\\system32\\cmd.exe", "/c", "echo", "%%1", ">", "{{ PREFIX }}\\opened.txt"],
		"file_extensions": [%q], "url_protocols": [%q, %q], "platforms": {"win": {}}}]}`, ext, proto, taken)
	p, notes, err := MenuLaunchers(win, HostEnv(), []byte(menu), MenuEnv{Base: app.Prefix, Prefix: app.Prefix, Name: "base"}, allUsers)
	if err != nil || len(notes) != 0 || len(p.Registry) != 4 {
		t.Fatalf("MenuLaunchers: %v, notes %q, registry %+v", err, notes, p.Registry)
	}
	p, notes = LeaveTaken(p, Record{})
	if len(p.Registry) != 3 || len(notes) != 1 || !strings.Contains(notes[0], taken) {
		t.Fatalf("LeaveTaken: registry %+v, notes %q; want %s left", p.Registry, notes, taken)
	}
	rec, err := Apply(p, t.Logf)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	cmd, err := reg.read(root, classes+proto+`\shell\open\command`)
	t.Logf("%s: opens with %s", proto, cmd[""])
	if err != nil || !strings.Contains(cmd[""], `"%1"`) {
		t.Errorf("%s\\%s\\shell\\open\\command = %q, %v", root, proto, cmd, err)
	}
	if v, err := reg.read(root, classes+ext+`\OpenWithProgids`); err != nil || len(v) != 1 {
		t.Errorf("%s\\OpenWithProgids = %q, %v; want the handler", ext, v, err)
	}
	if ps := CheckInstalled(rec, app.Prefix); len(ps) != 0 {
		t.Errorf("CheckInstalled: %v", ps)
	}
	if allUsers {
		url := proto + ":hello"
		verb, _ := windows.UTF16PtrFromString("open")
		file, _ := windows.UTF16PtrFromString(url)
		if err := windows.ShellExecute(0, verb, file, nil, nil, windows.SW_HIDE); err != nil {
			t.Errorf("ShellExecute(%s): %v", url, err)
		}
		var got []byte
		for i := 0; i < 100 && !strings.Contains(string(got), url); i++ {
			time.Sleep(100 * time.Millisecond)
			got, _ = os.ReadFile(out)
		}
		if !strings.Contains(string(got), url) {
			t.Errorf("%s holds %q; want the URL the Shell opened", out, got)
		}
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	for _, k := range []string{proto, ext + `\OpenWithProgids`, "onboard-test-opener.AssocFile" + ext} {
		if v, err := reg.read(root, classes+k); !errors.Is(err, errRegMissing) {
			t.Errorf("%s\\%s%s is still there: %q, %v", root, classes, k, v, err)
		}
	}
	if v, err := reg.read(root, classes+ext); err != nil || v[""] != "txtfile" {
		t.Errorf("%s = %q, %v; want another program's default kept", ext, v, err)
	}
	if v, err := reg.read(root, classes+taken+`\shell\open\command`); err != nil || v[""] != "another program" {
		t.Errorf("%s = %q, %v; want another program's protocol kept", taken, v, err)
	}
	reg.deleteTree(root, classes+taken)
	reg.deleteTree(root, classes+ext)
}

package installer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/installer/state"
	"onboard/installer/uninstall"
	"onboard/internal/condatest"
	"onboard/internal/pathfold"
	"onboard/platform"
)

// toolMenu is a menuinst v2 menu file, as a package ships it in Menu/.
const toolMenu = `{
  "$schema": "https://schemas.conda.org/menuinst-1-1-1.schema.json",
  "menu_name": "Acme tools",
  "menu_items": [{
    "name": {"target_environment_is_base": "Tool", "target_environment_is_not_base": "Tool ({{ ENV_NAME }})"},
    "description": "Run the tool",
    "command": ["{{ BIN_DIR }}/tool", "--window"],
    "platforms": {"linux": {"Categories": ["Development"]}, "osx": {}, "win": {}}
  }]
}
`

// menuBundle is a linux-64 bundle whose team env holds a package with a
// menu file (the base env has only python).
func menuBundle(t *testing.T) *bundle.Bundle {
	t.Helper()
	tool := testkit.Program("tool", "1.0")
	tool.Files = append(tool.Files, condatest.File{Path: "Menu/tool.json", Data: []byte(toolMenu)})
	return testkit.BundleOfSpecs(t, "name = \"Acme\"\nid = \"org.acme\"\nversion = \"2026.12.0\"\n", "", testkit.Program("python", "3.12.1"), tool)
}

// The shortcuts a package's menu file asks for are made as conda's
// menuinst makes them (here the .desktop file of the team env's tool),
// recorded with the launchers: verify looks for them, repair makes them
// again, uninstall removes them. A package conda removed takes its
// shortcut with it, which verify does not call damage.
func TestInstallMakesThePackagesMenuShortcuts(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: menuBundle(t), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	desktop := filepath.Join(home, "share", "applications", "acme-tools_tool-team.desktop")
	data, err := os.ReadFile(desktop)
	if err != nil {
		t.Fatalf("the tool's shortcut was not made: %v", err)
	}
	exec := "Exec=" + platform.ExecLine([]string{maintenancePath(prefix), "launch", "run", "--prefix", prefix, "--env", "team", "--",
		filepath.Join(prefix, "envs", "team", "bin", "tool"), "--window"})
	for _, line := range []string{"Name=Tool (team)", exec, "Categories=Development;"} {
		if !slices.Contains(strings.Split(string(data), "\n"), line) {
			t.Errorf("the shortcut lacks %q:\n%s", line, data)
		}
	}
	rec, err := platform.LoadRecord(state.LaunchersPath(prefix))
	if err != nil || !rec.Menus || !slices.ContainsFunc(rec.Files, func(f platform.RecordFile) bool {
		return f.Path == desktop && f.Source == filepath.Join(prefix, "envs", "team", "Menu", "tool.json")
	}) {
		t.Fatalf("the launcher record %+v, %v; want the shortcut, made from the tool's menu file", rec, err)
	}
	verify := func(when string) []maintain.Problem {
		t.Helper()
		r, _ := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{})
		return r.Problems
	}
	if ps := verify("after the install"); len(ps) != 0 {
		t.Fatalf("a fresh install verified with %+v", ps)
	}
	os.Remove(desktop)
	if ps := verify("shortcut deleted"); len(ps) != 1 || ps[0].Path != desktop {
		t.Fatalf("with the shortcut deleted, verify found %+v; want it missing", ps)
	}
	if res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatalf("Repair: %v (left %+v)", err, res.Left)
	}
	if got, err := os.ReadFile(desktop); err != nil || string(got) != string(data) {
		t.Fatalf("repair made the shortcut again as %q, %v; want it as the install made it", got, err)
	}
	// conda removes the package: menuinst deletes the shortcut, conda the
	// menu file. That is the user's change, not damage.
	team := filepath.Join(prefix, "envs", "team")
	os.Remove(desktop)
	for _, f := range []string{"Menu/tool.json", "bin/tool", "conda-meta/tool-1.0-0.json"} {
		if err := os.Remove(filepath.Join(team, f)); err != nil {
			t.Fatal(err)
		}
	}
	hist, _ := os.ReadFile(filepath.Join(team, "conda-meta", "history"))
	var chan_ string // the channel of the install's own "+" line, as conda writes its "-" line
	for _, l := range strings.Split(string(hist), "\n") {
		if strings.HasPrefix(l, "+") && strings.Contains(l, "::tool-1.0-0") {
			chan_ = strings.TrimPrefix(strings.TrimSuffix(l, "::tool-1.0-0"), "+")
		}
	}
	f, _ := os.OpenFile(filepath.Join(team, "conda-meta", "history"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("==> 2026-12-03 09:00:00 <==\n# cmd: conda remove -n team tool\n# conda version: 26.7.2\n-" + chan_ + "::tool-1.0-0\n# remove specs: ['tool']\n")
	f.Close()
	if ps := verify("package removed"); len(ps) != 0 {
		t.Errorf("after conda removed the package, verify found %+v", ps)
	}
	os.WriteFile(desktop, data, 0o644)
	if err := uninstall.Run(context.Background(), prefix, uninstall.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(desktop); err == nil {
		t.Error("uninstall left the tool's shortcut")
	}
}

// --no-shortcuts (as conda's) makes none, and no launcher record when
// nothing else was asked for.
func TestInstallNoShortcuts(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: menuBundle(t), Subdir: "linux-64", NoShortcuts: true}); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(filepath.Join(home, "share", "applications")); len(ents) != 0 {
		t.Errorf("--no-shortcuts made %v", ents)
	}
	if _, err := os.Stat(state.LaunchersPath(prefix)); err == nil {
		t.Error("--no-shortcuts wrote a launcher record of nothing")
	}
}

// An install for one user marks its base and every env with conda's
// .nonadmin, as conda's installers do for "just me", so that conda and
// menuinst make later shortcuts for this user; one for all users does not.
func TestInstallMarksAnInstallForOneUser(t *testing.T) {
	for _, allUsers := range []bool{false, true} {
		home := t.TempDir()
		t.Setenv("HOME", home)
		t.Setenv("XDG_DATA_HOME", "")
		prefix := filepath.Join(t.TempDir(), "acme")
		if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64", AllUsers: allUsers}); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{prefix, filepath.Join(prefix, "envs", "team")} {
			_, err := os.Stat(filepath.Join(d, NonAdminName))
			if marked := err == nil; marked == allUsers {
				t.Errorf("all users %v: %s marked %v", allUsers, d, marked)
			}
		}
	}
}

// Placing never writes into conda's and onboard's own folders, in any
// spelling the host takes for them (pkg refuses such packages first; this
// is the second guard).
func TestReservedTargetsFold(t *testing.T) {
	for _, folds := range []bool{false, true} {
		t.Cleanup(pathfold.Set(folds))
		for p, want := range map[string]bool{"conda-meta/x.json": true, ".onboard/lock": true, "lib/conda-meta": false,
			// folded on every host, so that a bundle built on Linux
			// refuses what Windows and macOS refuse (audit P)
			"Conda-Meta/x.json": true, ".ONBOARD/x": true, ".CondaTmp/x": true} {
			if got := reservedTarget(p); got != want {
				t.Errorf("names fold %v: reservedTarget(%q) = %v; want %v", folds, p, got, want)
			}
		}
	}
}

// Uninstall also removes the shortcuts menuinst made for the packages'
// menu files after the install (here the install made none, as if conda
// had made them), as conda's own uninstaller removes every env's menus;
// a file of that name that names another install is left alone.
func TestUninstallRemovesTheMenusCondaMade(t *testing.T) {
	for _, ours := range []bool{true, false} {
		home := t.TempDir()
		t.Setenv("HOME", home)
		t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
		prefix := filepath.Join(t.TempDir(), "acme")
		if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: menuBundle(t), Subdir: "linux-64", NoShortcuts: true}); err != nil {
			t.Fatal(err)
		}
		desktop := filepath.Join(home, "share", "applications", "acme-tools_tool-team.desktop")
		owner := prefix
		if !ours {
			owner = "/opt/other-install"
		}
		os.MkdirAll(filepath.Dir(desktop), 0o755)
		// menuinst's own form of the entry
		os.WriteFile(desktop, []byte("[Desktop Entry]\nType=Application\nName=Tool (team)\nExec=bash -c 'eval \"$(\""+owner+
			"/bin/conda\" shell.bash activate \""+owner+"/envs/team\")\" && tool'\nTerminal=false\n"), 0o644)
		if err := uninstall.Run(context.Background(), prefix, uninstall.Options{}); err != nil {
			t.Fatal(err)
		}
		_, err := os.Stat(desktop)
		if gone := err != nil; gone != ours {
			t.Errorf("a shortcut naming %s: gone %v after the uninstall; want %v", owner, gone, ours)
		}
	}
}

// A bundle's menu_packages (constructor's option, conda's shortcuts_only)
// lets only those packages' menu files make shortcuts, at the install and
// at a repair, and tells conda the same in condarc.d/onboard.yml for what it installs
// later; an empty list makes none.
func TestInstallMakesOnlyTheMenuPackagesShortcuts(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	other := testkit.Program("other", "2.0")
	other.Files = append(other.Files, condatest.File{Path: "Menu/other.json",
		Data: []byte(strings.ReplaceAll(strings.ReplaceAll(toolMenu, `"Tool`, `"Other`), "/tool", "/other"))})
	menus := func(top string) (prefix string, made []string) {
		t.Helper()
		tool := testkit.Program("tool", "1.0")
		tool.Files = append(tool.Files, condatest.File{Path: "Menu/tool.json", Data: []byte(toolMenu)})
		b := testkit.BundleOfSpecs(t, "name = \"Acme\"\nid = \"org.acme\"\nversion = \"2026.12.0\"\n"+top, "", testkit.Program("python", "3.12.1"), tool, other)
		prefix = filepath.Join(t.TempDir(), "acme")
		if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
			t.Fatal(err)
		}
		made, _ = filepath.Glob(filepath.Join(home, "share", "applications", "*.desktop"))
		for i := range made {
			made[i] = filepath.Base(made[i])
		}
		return prefix, made
	}
	prefix, made := menus("menu_packages = [\"Tool\"]\n")
	if !slices.Equal(made, []string{"acme-tools_tool-team.desktop"}) {
		t.Fatalf("shortcuts %v; want only the tool's", made)
	}
	if rc, _ := os.ReadFile(filepath.Join(prefix, "condarc.d", "onboard.yml")); !strings.Contains(string(rc), "shortcuts_only:\n  - \"Tool\"\n") {
		t.Errorf("condarc.d/onboard.yml does not tell conda the same:\n%s", rc)
	}
	if log, _ := os.ReadFile(filepath.Join(prefix, ".onboard", "install.log")); !strings.Contains(string(log), "Menu/other.json of the team environment makes no shortcuts: its package other is not one of the bundle's menu_packages") {
		t.Errorf("the log does not say why other's menu made nothing:\n%s", log)
	}
	os.Remove(filepath.Join(home, "share", "applications", made[0]))
	if _, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatal(err)
	}
	if again, _ := filepath.Glob(filepath.Join(home, "share", "applications", "*.desktop")); len(again) != 1 || filepath.Base(again[0]) != made[0] {
		t.Errorf("after a repair: %v; want the tool's shortcut alone again", again)
	}
	if err := uninstall.Run(context.Background(), prefix, uninstall.Options{}); err != nil {
		t.Fatal(err)
	}

	prefix, made = menus("menu_packages = []\n")
	if len(made) != 0 {
		t.Errorf("menu_packages = []: shortcuts %v", made)
	}
	if rc, _ := os.ReadFile(filepath.Join(prefix, "condarc.d", "onboard.yml")); !strings.Contains(string(rc), "shortcuts: false\n") {
		t.Errorf("condarc.d/onboard.yml does not turn conda's shortcuts off:\n%s", rc)
	}
}

// menuPackage is a program whose Menu/<name>.json is toolMenu renamed,
// its item given precreate code.
func menuPackage(t *testing.T, name, precreate string) condatest.Spec {
	t.Helper()
	title := strings.ToUpper(name[:1]) + name[1:]
	menu := strings.ReplaceAll(strings.ReplaceAll(toolMenu, `"Tool`, `"`+title), "/tool", "/"+name)
	code, _ := json.Marshal(precreate)
	menu = strings.Replace(menu, `"description":`, `"precreate": `+string(code)+`, "description":`, 1)
	p := testkit.Program(name, "1.0")
	p.Files = append(p.Files, condatest.File{Path: "Menu/" + name + ".json", Data: []byte(menu)})
	return p
}

// An item's precreate code runs before its shortcut is made, as menuinst
// runs it: through bash, or as a program when it starts with "#!", with
// the placeholders filled in. When it fails, that menu file makes no
// shortcut, the install goes on (conda only logs menuinst's failures), and
// the log says what it printed. A repair that makes the shortcut again
// runs it again.
func TestInstallRunsMenuPrecreate(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	b := testkit.BundleOfSpecs(t, "name = \"Acme\"\nid = \"org.acme\"\nversion = \"2026.12.0\"\n", "", testkit.Program("python", "3.12.1"),
		menuPackage(t, "tool", `echo "made for {{ PREFIX }} in $PWD" >> "{{ PREFIX }}/precreated"; echo hello-from-precreate`),
		// As a program, /bin/cat prints the code; bash would exit 7.
		menuPackage(t, "other", "#!/bin/cat\nexit 7\n"),
		menuPackage(t, "broken", "echo cannot-set-up >&2; exit 3"))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	apps := filepath.Join(home, "share", "applications")
	made, _ := filepath.Glob(filepath.Join(apps, "*.desktop"))
	for i := range made {
		made[i] = filepath.Base(made[i])
	}
	if !slices.Equal(made, []string{"acme-tools_other-team.desktop", "acme-tools_tool-team.desktop"}) {
		t.Fatalf("shortcuts %v; want the tool's and other's, not broken's", made)
	}
	team := filepath.Join(prefix, "envs", "team")
	want := "made for " + team + " in " + team + "\n"
	if got, err := os.ReadFile(filepath.Join(team, "precreated")); err != nil || string(got) != want {
		t.Fatalf("precreate wrote %q, %v; want %q", got, err, want)
	}
	log, _ := os.ReadFile(filepath.Join(prefix, ".onboard", "install.log"))
	for _, s := range []string{`menu item "Tool (team)": precreate printed: hello-from-precreate`,
		`Menu/broken.json in the team environment were not made: the precreate code of the item "Broken (team)" failed: exit status 3; it printed: cannot-set-up`} {
		if !strings.Contains(string(log), s) {
			t.Errorf("the install log lacks %q:\n%s", s, log)
		}
	}
	os.Remove(filepath.Join(apps, "acme-tools_tool-team.desktop"))
	if _, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(team, "precreated")); string(got) != want+want {
		t.Errorf("after a repair the precreate file holds %q; want it run again", got)
	}
	if _, err := os.Stat(filepath.Join(apps, "acme-tools_tool-team.desktop")); err != nil {
		t.Errorf("repair did not make the shortcut again: %v", err)
	}
}

// A menu item's MIME types are registered as menuinst registers them: in
// the user's mimeapps.list (default only where the user has none) and,
// for its glob patterns, a type definition. Uninstall takes them out,
// leaving mimeapps.list as the user had it.
func TestInstallRegistersTheMenusMimeTypes(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	mimeapps := filepath.Join(home, "config", "mimeapps.list")
	user := "[Default Applications]\ntext/x-acme=editor.desktop\n"
	if err := os.MkdirAll(filepath.Dir(mimeapps), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(mimeapps, []byte(user), 0o644)
	viewer := testkit.Program("viewer", "1.0")
	viewer.Files = append(viewer.Files, condatest.File{Path: "Menu/viewer.json", Data: []byte(`{"$schema": "https://schemas.conda.org/menuinst-1-1-1.schema.json",
		"menu_name": "Acme", "menu_items": [{"name": "Viewer", "description": "", "command": ["{{ BIN_DIR }}/viewer", "%f"],
		"platforms": {"linux": {"MimeType": ["text/x-acme", "application/x-acme-data"], "glob_patterns": {"application/x-acme-data": "*.acmedata"}}}}]}`)})
	b := testkit.BundleOfSpecs(t, "name = \"Acme\"\nid = \"org.acme\"\nversion = \"2026.12.0\"\n", "", testkit.Program("python", "3.12.1"), viewer)
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(mimeapps)
	if err != nil {
		logb, _ := os.ReadFile(state.LogPath(prefix))
		t.Fatalf("%v\n%s", err, logb)
	}
	want := "[Default Applications]\ntext/x-acme=editor.desktop\napplication/x-acme-data=acme_viewer.desktop\n\n" +
		"[Added Associations]\ntext/x-acme=acme_viewer.desktop\napplication/x-acme-data=acme_viewer.desktop\n"
	if string(got) != want {
		t.Errorf("mimeapps.list after the install:\n%s\nwant\n%s", got, want)
	}
	def := filepath.Join(home, "share", "mime", "packages", "application-x-acme-data.xml")
	if b, err := os.ReadFile(def); err != nil || !strings.Contains(string(b), `<glob pattern="*.acmedata" />`) {
		t.Errorf("the type definition %s: %v\n%s", def, err, b)
	}
	if r, _ := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{}); len(r.Problems) != 0 {
		t.Errorf("verify: %+v", r.Problems)
	}
	if err := uninstall.Run(context.Background(), prefix, uninstall.Options{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(mimeapps); string(got) != user {
		t.Errorf("mimeapps.list after the uninstall:\n%s\nwant as the user had it:\n%s", got, user)
	}
	if _, err := os.Stat(def); err == nil {
		t.Errorf("uninstall left the type definition %s", def)
	}
}

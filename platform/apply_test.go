//go:build !windows

package platform

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// installFakeApp puts a shell script at prefix's maintenance app path that
// prints its arguments one per line.
func installFakeApp(t *testing.T, prefix string) {
	t.Helper()
	maint := MaintenanceApp(Target{OS: "linux"}, prefix)
	mustWrite(t, maint, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n")
	if err := os.Chmod(maint, 0o755); err != nil {
		t.Fatal(err)
	}
}

func hostApp(t *testing.T, prefix string) AppInfo {
	app := sampleApp(t, "linux")
	app.Prefix = prefix
	return app
}

func TestHostApplyCheckRemoveLinux(t *testing.T) {
	root := tempDir(t)
	home, prefix := filepath.Join(root, "home"), filepath.Join(root, "acme")
	env := fakeEnv(home, nil)
	p, err := Launchers(linux, env, hostApp(t, prefix), sampleItems, false)
	if err != nil {
		t.Fatal(err)
	}
	p.Refresh = append(p.Refresh, []string{"false"}) // a failing refresh is logged, not fatal
	rec, err := Apply(p, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Files) != 4 {
		t.Errorf("record has %d files; want 4 (two icons + 2 entries): %+v", len(rec.Files), rec.Files)
	}
	// the Icon Theme spec's minimum: a 48×48 icon in hicolor (audit AL 9)
	for _, f := range rec.Files {
		if strings.Contains(f.Path, "/hicolor/48x48/apps/") {
			b, _ := os.ReadFile(f.Path)
			if w, h, ok := pngSize(b); !ok || w != 48 || h != 48 {
				t.Errorf("%s is %dx%d (%v); want a 48x48 PNG", f.Path, w, h, ok)
			}
		}
	}
	for _, f := range p.Files {
		b, err := os.ReadFile(f.Path)
		if err != nil || string(b) != string(f.Data) {
			t.Errorf("%s: %v, content differs", f.Path, err)
		}
	}
	saved := filepath.Join(prefix, ".onboard", "launchers.json")
	if err := SaveRecord(saved, rec); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadRecord(saved)
	if err != nil || !slices.Equal(loaded.Files, rec.Files) || loaded.Prefix != prefix {
		t.Fatalf("LoadRecord = %+v, %v", loaded, err)
	}
	if ps := CheckInstalled(loaded, prefix); len(ps) != 0 {
		t.Errorf("Check after Apply: %v", ps)
	}
	if ps := CheckInstalled(loaded, filepath.Join(root, "other")); len(ps) != 2 || ps[0].Code != ProblemWrongPrefix {
		t.Errorf("Check for another prefix: %v; want 2 wrong-prefix", ps)
	}
	os.Remove(p.Files[1].Path)
	if ps := CheckInstalled(loaded, prefix); len(ps) != 1 || ps[0].Code != ProblemMissing || ps[0].Path != p.Files[1].Path {
		t.Errorf("Check with a deleted entry: %v", ps)
	}
	if err := Remove(loaded, t.Logf); err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files {
		if _, err := os.Stat(f.Path); !os.IsNotExist(err) {
			t.Errorf("%s still exists after Remove", f.Path)
		}
	}
}

// applyEach makes a fake install at each prefix and applies the sample
// launchers of app there, on target tg, in order.
func applyEach(t *testing.T, tg Target, env Env, app AppInfo, prefixes ...string) []Record {
	t.Helper()
	var recs []Record
	for _, prefix := range prefixes {
		installFakeApp(t, prefix)
		app.Prefix = prefix
		p, err := Launchers(tg, env, app, sampleItems, false)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := Apply(p, t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs
}

func TestHostApplyDarwinBundle(t *testing.T) {
	root := tempDir(t)
	home, prefix := filepath.Join(root, "home"), filepath.Join(root, "acme")
	installFakeApp(t, prefix)
	p, err := Launchers(mac, fakeEnv(home, nil), hostApp(t, prefix), sampleItems, false)
	if err != nil {
		t.Fatal(err)
	}
	apply := func() Record {
		rec, err := Apply(p, t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	apply()
	stale := filepath.Join(p.Bundles[0], "Contents", "stale.txt")
	mustWrite(t, stale, "from an older version")
	rec := apply() // a re-run replaces the bundles whole
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a re-run kept a file of the old bundle")
	}
	exe := filepath.Join(p.Bundles[0], "Contents", "MacOS", Slug("Jupyter Lab (acme)")) // not the default folder: labelled
	fi, err := os.Stat(exe)
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("bundle executable: %v %v", fi, err)
	}
	cfg, ok, err := ReadLaunchConfig(exe)
	if !ok || err != nil || cfg.Args[len(cfg.Args)-1] != "team" {
		t.Errorf("ReadLaunchConfig(%s) = %+v, %v, %v", exe, cfg, ok, err)
	}
	if ps := CheckInstalled(rec, prefix); len(ps) != 0 {
		t.Errorf("Check: %v", ps)
	}
	os.WriteFile(exe, nil, 0o755)
	if ps := CheckInstalled(rec, prefix); len(ps) != 1 || ps[0].Code != ProblemMissing {
		t.Errorf("Check with an empty executable: %v", ps)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	for _, b := range p.Bundles {
		if _, err := os.Stat(b); !os.IsNotExist(err) {
			t.Errorf("%s still exists", b)
		}
	}
}

// Two installs in folders of the same name share their launchers' names
// (docs/platform.md): the later one's .app replaces the earlier one's, and
// uninstalling the earlier one keeps the .app, now the later one's (audit
// AL 2: it was deleted, its Info.plist naming some onboard install).
func TestHostRemoveKeepsAnotherInstallsApp(t *testing.T) {
	root := tempDir(t)
	home := filepath.Join(root, "home")
	a, b := filepath.Join(root, "x", "acme"), filepath.Join(root, "y", "acme")
	recs := applyEach(t, mac, fakeEnv(home, nil), hostApp(t, ""), a, b)
	if recs[0].Bundles[0] != recs[1].Bundles[0] {
		t.Fatalf("the two installs' apps are %s and %s; the test wants one name", recs[0].Bundles[0], recs[1].Bundles[0])
	}
	var log []string
	if err := Remove(recs[0], func(f string, args ...any) { log = append(log, fmt.Sprintf(f, args...)) }); err != nil {
		t.Fatal(err)
	}
	if ps := CheckInstalled(recs[1], b); len(ps) != 0 {
		t.Errorf("after the first install was removed, the second's launchers: %v", ps)
	}
	if !strings.Contains(strings.Join(log, "\n"), "kept "+recs[1].Bundles[0]+": it does not name this install") {
		t.Errorf("Remove's log does not say it kept the other install's app: %q", log)
	}
	if err := Remove(recs[1], t.Logf); err != nil {
		t.Fatal(err)
	}
	for _, d := range recs[1].Bundles {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s is left after both installs were removed", d)
		}
	}
}

func TestHostRemoveRefusesForeignFolders(t *testing.T) {
	root := tempDir(t)
	victim := filepath.Join(root, "Photos.app")
	mustWrite(t, filepath.Join(victim, "Contents", "Info.plist"), "<plist/>")
	mustWrite(t, filepath.Join(root, "docs", "a.txt"), "keep")
	err := Remove(Record{Bundles: []string{victim, filepath.Join(root, "docs")}}, nil)
	if err == nil || !strings.Contains(err.Error(), "not a launcher that onboard made") {
		t.Errorf("Remove = %v; want a refusal", err)
	}
	if _, err := os.Stat(filepath.Join(root, "docs", "a.txt")); err != nil {
		t.Error("Remove deleted a folder it did not make")
	}
	if _, err := os.Stat(victim); err != nil {
		t.Error("Remove deleted an app it did not make")
	}
}

// Remove deletes a recorded file only when it is still a launcher file
// of this install: a changed record (a package conda installs later may
// write any file of the prefix) cannot have it delete the user's files,
// and a launcher another install has replaced since stays.
func TestHostRemoveKeepsFilesOnboardDidNotMake(t *testing.T) {
	root := tempDir(t)
	prefix := filepath.Join(root, "acme")
	own := map[string]string{
		filepath.Join(root, "apps", "acme.desktop"):                            "[Desktop Entry]\nExec=" + prefix + "/.onboard/onboard\nIcon=acme\n",
		filepath.Join(root, "Start Menu", "Acme", "acme.lnk"):                  "lnk " + prefix,
		filepath.Join(root, "icons", "hicolor", "256x256", "apps", "acme.png"): "png",
		filepath.Join(root, "mime", "packages", "text-x-a.xml"):                "<comment>(" + mimeMarker + ")</comment>",
		filepath.Join(prefix, ".onboard", "icon.ico"):                          "ico",
	}
	theirs := map[string]string{
		filepath.Join(root, "ssh", "id_ed25519"):            "secret",
		filepath.Join(root, "apps", "other.desktop"):        "[Desktop Entry]\nExec=/opt/other/onboard\n",
		filepath.Join(root, "Pictures", "holiday.png"):      "png",
		filepath.Join(root, "mime", "packages", "mine.xml"): "<mime-info/>",
		filepath.Join(root, "notes.txt"):                    "mine",
		filepath.Join(root, ".bashrc"):                      "# >>> onboard " + prefix + " >>>\nexport PATH=" + prefix + "/bin:$PATH\n",
		// an icon of the theme that no launcher of this install names
		filepath.Join(root, "icons", "hicolor", "48x48", "apps", "user.png"): "png",
		// spelled inside the prefix, but outside it
		prefix + string(filepath.Separator) + ".." + string(filepath.Separator) + "decoy.ico": "mine",
		filepath.Join(prefix, "out", "b.ico"):                                                 "mine", // prefix/out -> root/outside
	}
	if err := os.MkdirAll(filepath.Join(root, "outside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(prefix, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "outside"), filepath.Join(prefix, "out")); err != nil {
		t.Skip(err)
	}
	kinds := map[string]string{".desktop": KindEntry, ".png": KindIcon, ".xml": KindMime, ".ico": KindIcon, "": KindEntry, ".txt": KindOther, ".bashrc": KindEntry, ".lnk": KindShortcut}
	empty := filepath.Join(root, "Documents", "empty") // the user's: holds no launcher of the record
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	pwned := filepath.Join(root, "pwned")
	rec := Record{Prefix: prefix, Dirs: []string{filepath.Join(root, "Start Menu", "Acme"), empty},
		Refresh: [][]string{{"sh", "-c", "echo > " + pwned}}}
	for _, m := range []map[string]string{own, theirs} {
		for path, data := range m {
			mustWrite(t, path, data)
			rec.Files = append(rec.Files, RecordFile{Path: path, Kind: kinds[filepath.Ext(path)]})
		}
	}
	rec.Files = append(rec.Files, RecordFile{Path: filepath.Join(root, "gone.desktop"), Kind: KindEntry})
	// shortcuts to a command outside the install name nothing of it: one in
	// the Start Menu folder the record made is onboard's, one elsewhere not
	ownLnk, userLnk := filepath.Join(root, "Start Menu", "Acme", "notepad.lnk"), filepath.Join(root, "Documents", "x.lnk")
	mustWrite(t, ownLnk, "lnk")
	mustWrite(t, userLnk, "lnk")
	rec.Files = append(rec.Files, RecordFile{Path: ownLnk, Kind: KindOther}, RecordFile{Path: userLnk, Kind: KindOther})
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	for path := range own {
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%s is still there: %v", path, err)
		}
	}
	for path, data := range theirs {
		if b, err := os.ReadFile(path); err != nil || string(b) != data {
			t.Errorf("%s was removed or changed: %v", path, err)
		}
	}
	if b, _ := os.ReadFile(userLnk); string(b) != "lnk" {
		t.Error("a shortcut of the user's outside the record's folders was removed")
	}
	if _, err := os.Stat(filepath.Join(root, "Start Menu", "Acme")); !os.IsNotExist(err) {
		t.Errorf("the Start Menu folder of the launchers is still there: %v", err)
	}
	if _, err := os.Stat(empty); err != nil {
		t.Errorf("an empty folder of the user's that the record names was removed: %v", err)
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Error("Remove ran a command of the record that onboard never records")
	}
}

func TestHostApplyFailureCleansUp(t *testing.T) {
	root := tempDir(t)
	home, prefix := filepath.Join(root, "home"), filepath.Join(root, "acme")
	p, err := Launchers(mac, fakeEnv(home, nil), hostApp(t, prefix), sampleItems, false)
	if err != nil {
		t.Fatal(err)
	}
	// The maintenance app is missing: the copy fails.
	if _, err := Apply(p, t.Logf); err == nil || !strings.Contains(err.Error(), "maintenance app must be installed first") {
		t.Fatalf("Apply = %v; want a copy failure", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(home, "Applications")); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
	// Windows shortcuts cannot be made on this host.
	if _, err := Apply(Plan{Shortcuts: []Shortcut{{Path: filepath.Join(root, "x.lnk")}}}, nil); err == nil {
		t.Error("a shortcut was made off Windows")
	}
}

func TestHostSolarisScriptRuns(t *testing.T) {
	root := tempDir(t)
	prefix := filepath.Join(root, `it's "a" $prefix`)
	installFakeApp(t, prefix)
	app := hostApp(t, prefix)
	script := filepath.Join(root, "launcher")
	mustWrite(t, script, string(ShellLauncher(app, LauncherSpec{Name: "Jupyter Lab", Env: "team"})))
	os.Chmod(script, 0o755)
	out, err := exec.Command(script, "--extra").Output()
	want := "launch\njupyter\n--prefix\n" + prefix + "\n--env\nteam\n--extra\n"
	if err != nil || string(out) != want {
		t.Errorf("script printed %q (%v); want %q", out, err, want)
	}
}

// The menu entry, as a desktop runs it: parse the file that Apply wrote,
// split its Exec line by the spec, run it, and check that the maintenance
// app got exactly the arguments of the launcher, even for a hostile prefix.
func TestHostDesktopEntryStartsMaintenanceApp(t *testing.T) {
	root := tempDir(t)
	prefix := filepath.Join(root, `my "envs" $HOME 100%`)
	installFakeApp(t, prefix)
	p, err := Launchers(linux, fakeEnv(filepath.Join(root, "home"), nil), hostApp(t, prefix), sampleItems, false)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Apply(p, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer Remove(rec, t.Logf)
	want := map[string]string{
		"Jupyter Lab": "launch\njupyter\n--prefix\n" + prefix + "\n--env\nteam\n",
		"Acme Python": "",
	}
	ran := 0
	for _, f := range p.Files {
		if !strings.HasSuffix(f.Path, ".desktop") {
			continue
		}
		b, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		kv := parseDesktop(t, b)
		argv := splitExec(t, kv["Exec"])
		out, err := exec.Command(argv[0], argv[1:]...).Output()
		name, _, _ := strings.Cut(kv["Name"], " (") // not the default folder: "Jupyter Lab (<folder>)"
		w, ok := want[name]
		if err != nil || !ok || string(out) != w {
			t.Errorf("%s: Exec %q printed %q (%v); want %q", kv["Name"], kv["Exec"], out, err, w)
		}
		ran++
	}
	if ran != len(want) {
		t.Fatalf("ran %d menu entries; want %d", ran, len(want))
	}
}

// The folders the set-up made for its launchers (a fresh account's
// ~/.local/share/applications and icons/hicolor/…) go with them, caches
// of the refresh commands included; a folder that was there, or that
// holds someone else's file, stays. Before, a fresh home kept
// ~/.local/share/applications/mimeinfo.cache after the uninstall.
func TestHostRemoveTakesTheFoldersItMade(t *testing.T) {
	root := tempDir(t)
	home, prefix := filepath.Join(root, "home"), filepath.Join(root, "acme")
	mustWrite(t, filepath.Join(home, ".bashrc"), "# mine\n")
	env := fakeEnv(home, nil)
	p, err := Launchers(linux, env, hostApp(t, prefix), sampleItems, false)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Apply(p, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	apps := filepath.Join(home, ".local", "share", "applications")
	if !slices.Contains(rec.Made, apps) || rec.Made[0] != filepath.Join(home, ".local") {
		t.Fatalf("made %v; want .local first and the applications folder", rec.Made)
	}
	// what update-desktop-database writes there, whether or not it is installed
	mustWrite(t, filepath.Join(apps, "mimeinfo.cache"), "[MIME Cache]\n")
	saved := filepath.Join(prefix, ".onboard", "launchers.json")
	if err := SaveRecord(saved, rec); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadRecord(saved)
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	if err := Remove(loaded, func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }); err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files { // an uninstall's --log names what went (IT's record)
		if !slices.Contains(logged, "platform: removed "+f.Path) {
			t.Errorf("the log does not name the removal of %s:\n%s", f.Path, strings.Join(logged, "\n"))
		}
	}
	if left, _ := os.ReadDir(home); len(left) != 1 || left[0].Name() != ".bashrc" {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Fatalf("the home holds %v after Remove; want only .bashrc", names)
	}

	// another's file in a folder it made: that folder and those above stay
	rec, err = Apply(p, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(apps, "someone-else.desktop")
	mustWrite(t, mine, "[Desktop Entry]\n")
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Fatalf("Remove took another's file: %v", err)
	}
	for _, f := range p.Files {
		if _, err := os.Stat(f.Path); !os.IsNotExist(err) {
			t.Errorf("%s still exists after Remove", f.Path)
		}
	}
	if _, err := os.Stat(filepath.Join(home, ".local", "share", "icons")); !os.IsNotExist(err) {
		t.Errorf("the icons folder it made stays: %v", err)
	}
}

// A run killed while it makes its launchers leaves the planned record: it
// names the folders Apply was to make, and uninstall removes them with
// the temporary file of the write the kill stopped (audit AI 1, 2: both
// stayed in the home for good).
func TestPlannedRecordNamesTheFoldersToMake(t *testing.T) {
	home := tempDir(t)
	prefix := filepath.Join(tempDir(t), "acme")
	installFakeApp(t, prefix)
	p, err := Launchers(linux, fakeEnv(home, nil), hostApp(t, prefix), sampleItems, false)
	if err != nil {
		t.Fatal(err)
	}
	rec := PlannedRecord(p)
	apps := filepath.Join(home, ".local", "share", "applications")
	if !slices.Contains(rec.Made, apps) || !slices.Contains(rec.Made, filepath.Join(home, ".local")) {
		t.Fatalf("the planned record's folders to make: %q", rec.Made)
	}
	// the kill: the folder made, a launcher's temporary file left in it
	if err := os.MkdirAll(apps, 0o755); err != nil {
		t.Fatal(err)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	var entry string
	for _, f := range p.Files {
		if filepath.Dir(f.Path) == apps && strings.HasSuffix(f.Path, ".desktop") {
			entry = f.Path
		}
	}
	partial := filepath.Join(apps, "."+filepath.Base(entry)+".partial-"+strconv.Itoa(dead.Process.Pid)+"-1")
	mustWrite(t, partial, "[Desktop Entry]\n")
	old := time.Now().Add(-time.Hour) // killed an hour ago
	if err := os.Chtimes(partial, old, old); err != nil {
		t.Fatal(err)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, ".local")); !os.IsNotExist(err) {
		t.Errorf("uninstall left %s: %v", filepath.Join(home, ".local"), err)
	}
}

// A launcher the install could not make (a full home) is still named by
// its record; on a disk now read-only, removing it answers "read-only
// file system", not "not found": uninstall failed on it (audit BA 3). A
// launcher that is there and cannot be removed still fails the removal.
func TestRemoveOnAReadOnlyDiskSkipsWhatIsNotThere(t *testing.T) {
	root := tempDir(t)
	home, prefix := filepath.Join(root, "home"), filepath.Join(root, "acme")
	p, err := Launchers(linux, fakeEnv(home, nil), hostApp(t, prefix), sampleItems, false)
	if err != nil {
		t.Fatal(err)
	}
	rec := PlannedRecord(p) // as the install records it when Apply failed
	if len(rec.Files) == 0 {
		t.Fatal("the planned record names no file")
	}
	old := removeFile
	t.Cleanup(func() { removeFile = old })
	removeFile = func(name string) error { return &os.PathError{Op: "remove", Path: name, Err: syscall.EROFS} }
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatalf("Remove of launchers never made, on a read-only disk: %v", err)
	}
	var there string
	for _, f := range p.Files {
		if strings.HasSuffix(f.Path, ".desktop") && f.Data != nil {
			there = f.Path
			mustWrite(t, there, string(f.Data)) // as Apply writes it
			break
		}
	}
	if there == "" {
		t.Fatal("the plan makes no .desktop entry")
	}
	if err := Remove(rec, t.Logf); err == nil || !strings.Contains(err.Error(), there) {
		t.Fatalf("Remove of a launcher there, on a read-only disk: %v; want it named", err)
	}
}

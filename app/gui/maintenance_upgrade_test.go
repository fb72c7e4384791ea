//go:build !nogui && !solaris

package gui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"onboard/app/wizard/wizardtest"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/internal/selfexe"
)

// TestMaintenanceUpgradeMovesItselfOutOfTheInstall takes Windows' way on any
// system: the maintenance app runs from the install, so before the upgrade
// moves the install aside it moves its own file out (to the temp folder)
// and runs the upgrade from there. A failed upgrade puts the file back; a
// finished one leaves it to be deleted as the program exits, and the
// window goes on from where it runs now.
func TestMaintenanceUpgradeMovesItselfOutOfTheInstall(t *testing.T) {
	r := &recorder{}
	m, _, prefix := newMaintenance(t, r)
	w := m.Window()
	waitClosed(t, m.done)
	self := m.deps.Executable
	want, err := os.ReadFile(self)
	if err != nil {
		t.Fatalf("no maintenance app at %s: %v", self, err)
	}
	tmp := t.TempDir()
	selfexe.TempDir = tmp
	m.deps.MustLeave = func(exe, dir string) bool { return selfexe.Inside(exe, dir) }
	t.Cleanup(func() { selfexe.TempDir = ""; selfexe.AtExit() })

	v2 := wizardtest.BundleFileVersion(t, "2026.12.0")
	var argv []string
	fail := errors.New("planned failure")
	m.deps.RunUpgrade = func(ctx context.Context, a []string, rep installer.Reporter, logf installer.Logf) (*installer.Result, error) {
		argv = a
		if _, err := os.Stat(self); err == nil {
			t.Error("the upgrade ran while the maintenance app was still in the install")
		}
		if fail != nil {
			return nil, fail
		}
		b, err := bundle.Open(v2)
		if err != nil {
			return nil, err
		}
		defer b.Close()
		return installer.Install(ctx, installer.Options{Prefix: prefix, Bundle: b, Reporter: rep, Logf: logf})
	}

	// A failed upgrade: the program goes back where it was.
	m.checkInstaller(v2)
	tapButton(t, w, "Upgrade")
	waitClosed(t, m.done)
	drainUI()
	if len(argv) == 0 || filepath.Dir(argv[0]) != tmp {
		t.Fatalf("upgrade command %q; want this program, moved into %s, to run it", argv, tmp)
	}
	mustContain(t, w, "The upgrade failed", "Planned failure")
	closeDialog(t, w, "Close")
	if got, err := os.ReadFile(self); err != nil || string(got) != string(want) {
		t.Fatalf("after a failed upgrade the maintenance app is not back at %s: %v", self, err)
	}
	if _, err := os.Stat(argv[0]); err == nil || len(selfexe.Pending()) != 0 || m.deps.Executable != self {
		t.Fatalf("after a failed upgrade: moved copy left %v, pending %v, executable %s", err == nil, selfexe.Pending(), m.deps.Executable)
	}

	// A finished one: the new install has its own maintenance app; this
	// program's moved file goes as it exits, and the window runs on from it.
	fail = nil
	m.checkInstaller(v2)
	tapButton(t, w, "Upgrade")
	waitClosed(t, m.done)
	drainUI()
	moved := argv[0]
	mustContain(t, w, "Upgraded", "Test Python is upgraded from 2026.11.0 to 2026.12.0 in "+prefix)
	closeDialog(t, w, "Close")
	waitClosed(t, m.done)
	if _, err := os.Stat(self); err != nil {
		t.Fatalf("the new install has no maintenance app at %s", self)
	}
	if p := selfexe.Pending(); len(p) != 1 || p[0] != moved || m.deps.Executable != moved {
		t.Fatalf("pending %v, executable %s; want the moved program %s in both", p, m.deps.Executable, moved)
	}
}

// TestFindInstalledLeavesNoBundleOpen: the maintenance window looks at the
// bundle this program carries only to find the default prefix; it must not
// keep the file open (an installer with its bundle appended is the
// maintenance app, and Windows cannot rename an open file).
func TestFindInstalledLeavesNoBundleOpen(t *testing.T) {
	if _, err := os.ReadDir("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd here")
	}
	e := wizardtest.NewEngine(t)
	prefix := installedPrefix(t, e)
	// Open descriptors of the bundle; the test install may have left one
	// for the garbage collector to close.
	open := func() map[string]bool {
		m := map[string]bool{}
		fds, _ := os.ReadDir("/proc/self/fd")
		for _, fd := range fds {
			if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && target == e.BundlePath {
				m[fd.Name()] = true
			}
		}
		return m
	}
	before := open()
	if in := findInstalled(context.Background(), e, Deps{Executable: filepath.Join(prefix, ".onboard", "onboard")}); in == nil {
		t.Fatal("no install found")
	}
	for fd := range open() {
		if !before[fd] {
			t.Fatalf("findInstalled left the bundle %s open (fd %s)", e.BundlePath, fd)
		}
	}
}

// An upgrade whose new version adds a package with prelink messages shows
// them in its question, as conda asks before it installs the package;
// upgrading again to a version that holds the same package asks plainly.
func TestMaintenanceUpgradeShowsTheNewPackagesMessages(t *testing.T) {
	r := &recorder{}
	m, _, _ := newMaintenance(t, r)
	w := m.Window()
	waitClosed(t, m.done)
	var ran int
	m.deps.RunUpgrade = func(ctx context.Context, a []string, rep installer.Reporter, logf installer.Logf) (*installer.Result, error) {
		ran++
		return nil, errors.New("not this time")
	}
	m.checkInstaller(wizardtest.BundleFileWithMessage(t, "2026.12.0"))
	mustContain(t, w, "Upgrade to 2026.12.0?", "Messages from the new packages", "eula 1.0: terms.txt\n"+wizardtest.Message)
	tapButton(t, w, "Upgrade")
	waitClosed(t, m.done)
	drainUI()
	if ran != 1 {
		t.Fatalf("the upgrade ran %d times after Yes", ran)
	}
	closeDialog(t, w, "Close")

	m.in.Manifest = openManifest(t, wizardtest.BundleFileWithMessage(t, "2026.12.0"))
	m.checkInstaller(wizardtest.BundleFileWithMessage(t, "2027.1.0"))
	mustContain(t, w, "Upgrade to 2027.1.0?", "files put inside the packages' own folders (such as site-packages or share), are not kept")
	if strings.Contains(texts(w), "Messages from the new packages") {
		t.Fatal("messages of a package the install holds already are shown again")
	}
}

func openManifest(t *testing.T, path string) bundle.Manifest {
	t.Helper()
	b, err := bundle.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	return b.Manifest
}

// The installer of a newer version, run where its default folder holds an
// older install, opens the install wizard (whose plan is the upgrade), not
// the old version's maintenance window; the same version, an older
// installer, and the maintenance app in the install open the window.
func TestNewerInstallerOpensTheWizard(t *testing.T) {
	e := wizardtest.NewEngine(t) // carries 2026.11.0
	prefix, _ := e.DefaultPrefix(nil, false)
	download := filepath.Join(t.TempDir(), "installer")
	for _, c := range []struct {
		installed, exe string
		window         bool
	}{
		{"2026.10.0", download, false},
		{"2026.10.0", filepath.Join(prefix, ".onboard", "onboard"), true},
		{"2026.11.0", download, true},
		{"2027.1.0", download, true},
	} {
		os.RemoveAll(prefix)
		wizardtest.InstallVersions(t, map[string]string{prefix: c.installed})
		in := findInstalled(context.Background(), e, Deps{Executable: c.exe})
		if (in != nil) != c.window {
			t.Errorf("%s installed, run as %s: maintenance window %v, want %v", c.installed, c.exe, in != nil, c.window)
		}
	}
}

// conda create --clone base copies .onboard/ into the new env. Double-
// clicked there, that copy of the maintenance app opens the window of the
// install it came from, and says what it is; it used to take the env for
// an install (verify called it damaged, Uninstall deleted the env).
func TestClonedMaintenanceAppOpensItsInstall(t *testing.T) {
	e := wizardtest.NewEngine(t)
	prefix := installedPrefix(t, e)
	clone := filepath.Join(prefix, "envs", "mybase")
	if err := os.CopyFS(filepath.Join(clone, ".onboard"), os.DirFS(filepath.Join(prefix, ".onboard"))); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(clone, ".onboard", "onboard")
	in := findInstalled(context.Background(), e, Deps{Executable: exe})
	if in == nil || in.Prefix != prefix {
		t.Fatalf("the clone's copy opened on %+v, want the install in %s", in, prefix)
	}
	a := test.NewTempApp(t)
	r := &recorder{}
	d := r.deps(t)
	d.Executable = exe
	m := NewMaintenance(context.Background(), a, e, in, d)
	mustContain(t, m.Window(), "copy conda made when it cloned the base into "+clone, filepath.Join(prefix, ".onboard", "onboard"))

	// the install's own app says nothing of the kind
	d.Executable = filepath.Join(prefix, ".onboard", "onboard")
	m = NewMaintenance(context.Background(), a, e, in, d)
	if strings.Contains(texts(m.Window()), "copy conda made") {
		t.Fatal("the install's own maintenance app calls itself a copy")
	}
}

// The installer double-clicked finds what its command line finds
// (wizard.FindWhere): an install of its bundle for all users, which IT
// made with --all-users, opens the maintenance window (the wizard opened),
// and another bundle's install in its folder does not.
func TestInstallerFindsTheInstallItsCommandLineFinds(t *testing.T) {
	e := wizardtest.NewEngine(t) // carries 2026.11.0
	user, _ := e.DefaultPrefix(nil, false)
	all, _ := e.DefaultPrefix(nil, true)
	download := filepath.Join(t.TempDir(), "installer")
	wizardtest.InstallVersions(t, map[string]string{all: "2026.11.0"})
	if in := findInstalled(context.Background(), e, Deps{Executable: download}); in == nil || in.Prefix != all {
		t.Fatalf("an install for all users: %+v, want the window on %s", in, all)
	}
	// another bundle's install in the user's folder
	os.MkdirAll(filepath.Join(user, ".onboard"), 0o755)
	os.WriteFile(filepath.Join(user, ".onboard", "manifest.json"), []byte(`{"name":"Other","id":"other","version":"1","subdir":"linux-64","platforms":{"linux-64":{"base":[]}}}`), 0o644)
	if in := findInstalled(context.Background(), e, Deps{Executable: download}); in == nil || in.Prefix != all {
		t.Fatalf("with another bundle's install in %s: %+v, want the window on %s", user, in, all)
	}
}

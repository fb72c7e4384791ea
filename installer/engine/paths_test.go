package engine

import (
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/state"
	"onboard/platform"
)

// A launcher record of another install (copied in with a folder, or
// restored from a backup) is not this install's to act on: removing this
// install's launchers leaves the other install's, which its record names.
func TestRemoveRecordedLaunchersOfAnotherInstall(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	app := platform.AppInfo{Name: "Acme", ID: "com.acme.python", Version: "1", Prefix: a}
	plan, err := platform.Launchers(platform.HostTarget(), platform.HostEnv(), app, []platform.LauncherSpec{{Name: "Acme Maintenance"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := platform.Apply(plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Files) == 0 {
		t.Skip("no launcher files on this host")
	}
	for _, p := range []string{a, b} {
		os.MkdirAll(state.Dir(p), 0o755)
		if err := platform.SaveRecord(state.LaunchersPath(p), rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveRecordedLaunchers(b, t.Logf); err != nil {
		t.Fatal(err)
	}
	for _, f := range rec.Files {
		if _, err := os.Stat(f.Path); err != nil {
			t.Errorf("removing b's launchers removed a's %s: %v", f.Path, err)
		}
	}
	if err := RemoveRecordedLaunchers(a, t.Logf); err != nil {
		t.Fatal(err)
	}
	for _, f := range rec.Files {
		if _, err := os.Stat(f.Path); err == nil {
			t.Errorf("a's own launcher %s was left", f.Path)
		}
	}
}

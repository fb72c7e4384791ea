//go:build !windows

package platform

import (
	"os"
	"path/filepath"
	"testing"
)

// On this host: two installs' launchers side by side; removing the second
// leaves the first's files and its check clean.
func TestHostRemoveSecondInstallLeavesFirst(t *testing.T) {
	root := tempDir(t)
	home := filepath.Join(root, "home")
	env := fakeEnv(home, nil)
	app := hostApp(t, "")
	def, err := DefaultPrefix(linux, env, app.Name, false)
	if err != nil {
		t.Fatal(err)
	}
	recs := applyEach(t, linux, env, app, def, filepath.Join(root, "elsewhere", "acme-python"))
	if probs := CheckInstalled(recs[0], def); len(probs) > 0 {
		t.Fatalf("the first install's launchers after the second install: %v", probs)
	}
	if err := Remove(recs[1], t.Logf); err != nil {
		t.Fatal(err)
	}
	for _, f := range recs[0].Files {
		if _, err := os.Stat(f.Path); err != nil {
			t.Errorf("removing the second install removed the first's %s", f.Path)
		}
	}
	if probs := CheckInstalled(recs[0], def); len(probs) > 0 {
		t.Fatalf("the first install's launchers after the second was removed: %v", probs)
	}
	if err := Remove(recs[0], t.Logf); err != nil {
		t.Fatal(err)
	}
}

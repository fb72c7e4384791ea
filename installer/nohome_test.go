package installer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/maintain"
)

// A user whose HOME names a folder that does not exist (a system account's
// /nonexistent, a service run by IT) gets the install, with notes, and no
// home folder: no launchers, no ~/.conda/environments.txt. Before, the
// install made the home folder, as root too, to put them there.
func TestInstallMakesNoHomeFolder(t *testing.T) {
	b, root, _ := demoForLaunchers(t)
	home := filepath.Join(root, "nonexistent")
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("SHELL", "/bin/bash")
	prefix := filepath.Join(root, "acme")
	res, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64",
		JupyterLauncher: true, MaintenanceLauncher: true, ShellSetup: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(home); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the install made the home folder %s (%v)", home, err)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{"launchers were not created: the home folder " + `"` + home + `" does not exist`, "environments.txt"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if log, _ := os.ReadFile(filepath.Join(prefix, ".onboard", "install.log")); !strings.Contains(string(log), "there is no ~/.conda/environments.txt") {
		t.Errorf("the install log does not say why environments.txt was not written:\n%s", log)
	}
	// repair, run by the same user, does not make it either
	if _, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil {
		t.Logf("repair: %v", err)
	}
	if _, err := os.Lstat(home); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("repair made the home folder %s (%v)", home, err)
	}
}

package installer

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/uninstall"
)

// An uninstall whose launcher file cannot be removed (immutable: chattr
// +i, which root cannot remove either) is refused before anything is
// changed, naming the file and how to free it; once freed, it uninstalls.
// Before, it removed the other launchers and stopped, the install left
// without its maintenance launcher.
func TestUninstallRefusesAStuckLauncherBeforeChangingAnything(t *testing.T) {
	b, root, home := demoForLaunchers(t)
	prefix := filepath.Join(root, "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64",
		JupyterLauncher: true, MaintenanceLauncher: true}); err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(home, ".local", "share", "applications", "*.desktop"))
	if len(entries) < 2 {
		t.Fatalf("launchers: %v", entries)
	}
	stuck := entries[0]
	if out, err := exec.Command("chattr", "+i", stuck).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" && os.Geteuid() == 0 {
			t.Fatalf("chattr +i as root in CI: %v %s", err, out)
		}
		t.Skipf("cannot mark a file immutable here (chattr needs root and a file system that has the flag): %v %s", err, out)
	}
	defer exec.Command("chattr", "-i", stuck).Run()
	err := uninstall.Run(context.Background(), prefix, uninstall.Options{EnvironmentsTxt: "-"})
	var te *engine.TargetError
	if !errors.As(err, &te) || te.Code != engine.TargetLauncherStuck || ExitCode(err) != ExitTarget ||
		!strings.Contains(err.Error(), stuck) || !strings.Contains(engine.HintFor(err), "chattr -i") {
		t.Fatalf("uninstall with an immutable launcher: %v (hint %q); want a launcher-stuck TargetError naming %s", err, engine.HintFor(err), stuck)
	}
	for _, e := range entries {
		if _, err := os.Stat(e); err != nil {
			t.Errorf("the refused uninstall removed the launcher %s", e)
		}
	}
	if _, err := os.Stat(filepath.Join(prefix, ".onboard", "manifest.json")); err != nil {
		t.Fatalf("the refused uninstall changed the install: %v", err)
	}
	exec.Command("chattr", "-i", stuck).Run()
	if err := uninstall.Run(context.Background(), prefix, uninstall.Options{EnvironmentsTxt: "-"}); err != nil {
		t.Fatalf("uninstall once the flag is off: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(home, ".local", "share", "applications", "*.desktop")); len(left) != 0 {
		t.Fatalf("launchers after the uninstall: %v", left)
	}
}

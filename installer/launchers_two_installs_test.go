package installer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/assets"
	"onboard/installer/bundle"
	"onboard/installer/maintain"
	"onboard/installer/uninstall"
	"onboard/platform"
)

// TestTwoInstallsOwnTheirLaunchers installs the demo bundle twice, in the
// default folder and in another, both with launchers: each install's
// launchers are its own, and uninstalling the second leaves the first
// healthy (no "launcher file … is missing").
func TestTwoInstallsOwnTheirLaunchers(t *testing.T) {
	if testing.Short() {
		t.Skip("installs the demo bundle twice")
	}
	data := assets.DemoBundle()
	if data == nil {
		t.Skip("no demo bundle: run 'make demo'")
	}
	root := t.TempDir()
	home := filepath.Join(root, "home")
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	zipPath := filepath.Join(root, "demo.zip")
	if err := os.WriteFile(zipPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	first, err := platform.DefaultPrefix(platform.HostTarget(), platform.HostEnv(), b.Manifest.Name, false)
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(root, "other place", "team-python")
	for _, p := range []string{first, second} {
		if _, err := Install(context.Background(), Options{Prefix: p, Bundle: b, Subdir: "linux-64",
			JupyterLauncher: true, MaintenanceLauncher: true}); err != nil {
			t.Fatalf("Install %s: %v", p, err)
		}
	}
	entries, _ := filepath.Glob(filepath.Join(home, ".local", "share", "applications", "*.desktop"))
	var labelled int
	for _, e := range entries {
		data, _ := os.ReadFile(e)
		if strings.Contains(string(data), "(team-python)") {
			labelled++
		}
	}
	if n := len(b.Manifest.Launchers) + 1; len(entries) != 2*n || labelled != n {
		t.Fatalf("menu entries %v (%d name the second folder); want %d per install", entries, labelled, n)
	}
	if err := uninstall.Run(context.Background(), second, uninstall.Options{}); err != nil {
		t.Fatalf("Uninstall: %v", err)
	}
	if r, err := maintain.Verify(context.Background(), first, maintain.VerifyOptions{}); err != nil {
		t.Fatalf("the first install after uninstalling the second: %v: %v", kinds(r.Problems), err)
	}
	left, _ := filepath.Glob(filepath.Join(home, ".local", "share", "applications", "*.desktop"))
	if len(left) != len(entries)/2 {
		t.Fatalf("after the uninstall: %v", left)
	}
}

package installer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onboard/assets"
	"onboard/installer/bundle"
	"onboard/installer/maintain"
	"onboard/installer/state"
	"onboard/installer/uninstall"
	"onboard/platform"
)

// TestTwoInstallsOwnTheirLaunchers installs the demo bundle twice, in the
// default folder and in another, both with launchers: each install's
// launchers are its own, and uninstalling the second leaves the first
// healthy (no "launcher file … is missing").
// demoForLaunchers opens the demo bundle, for a user of a fresh home
// (root/home), for the tests that install it with launchers.
func demoForLaunchers(t *testing.T) (b *bundle.Bundle, root, home string) {
	t.Helper()
	if testing.Short() {
		t.Skip("installs the demo bundle")
	}
	data := assets.DemoBundle()
	if data == nil {
		t.Skip("no demo bundle: run 'make demo'")
	}
	root = t.TempDir()
	home = filepath.Join(root, "home")
	if err := os.MkdirAll(home, 0o755); err != nil { // a user's home is there: onboard makes none
		t.Fatal(err)
	}
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
	t.Cleanup(func() { b.Close() })
	return b, root, home
}

func TestTwoInstallsOwnTheirLaunchers(t *testing.T) {
	b, root, home := demoForLaunchers(t)
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

// Launchers that cannot be made (the home's .local is a file here; a full
// or read-only home does the same) do not stop the shell set-up, and are
// recorded as wanted: verify reports them missing, and repair makes them
// once the cause is gone. Before, the install skipped the shell set-up and
// recorded nothing, and repair found nothing to do.
func TestLaunchersThatFailAreMadeByRepairLater(t *testing.T) {
	b, root, home := demoForLaunchers(t)
	t.Setenv("SHELL", "/bin/bash")
	os.MkdirAll(home, 0o755)
	os.WriteFile(filepath.Join(home, ".local"), []byte("in the way\n"), 0o644)
	prefix := filepath.Join(root, "acme")
	res, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64",
		JupyterLauncher: true, MaintenanceLauncher: true, ShellSetup: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "launchers were not created") {
		t.Errorf("notes %q; want the launchers' failure", res.Notes)
	}
	if rc, _ := os.ReadFile(filepath.Join(home, ".bashrc")); !platform.HasShellBlock(rc, prefix) {
		t.Fatal("the shell set-up was skipped because the launchers failed")
	}
	if r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{}); err == nil || !strings.Contains(strings.Join(kinds(r.Problems), "\n"), "launcher") {
		t.Fatalf("verify: %v; want the launchers reported missing", err)
	}
	os.Remove(filepath.Join(home, ".local"))
	if _, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatalf("repair once the home is fixed: %v", err)
	}
	if entries, _ := filepath.Glob(filepath.Join(home, ".local", "share", "applications", "*.desktop")); len(entries) != len(b.Manifest.Launchers)+1 {
		t.Fatalf("launchers after repair: %v", entries)
	}
}

// A shell set-up that cannot be made (~/.bashrc is a folder here; a full
// home does the same) is recorded as wanted, as launchers are: verify
// reports the block missing, and repair makes it once the cause is gone.
// It was a note in the log only: exit 0, verify healthy, and repair never
// made it (audit T 3).
func TestShellSetupThatFailedIsMadeByRepairLater(t *testing.T) {
	b, root, home := demoForLaunchers(t)
	t.Setenv("SHELL", "/bin/bash")
	rc := filepath.Join(home, ".bashrc")
	os.MkdirAll(rc, 0o755)
	prefix := filepath.Join(root, "acme")
	res, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64",
		MaintenanceLauncher: true, ShellSetup: true})
	if err != nil {
		t.Fatal(err)
	}
	// the failure, and the repair that makes it later by the install's
	// own program: no 'onboard' is on the PATH
	if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "terminal set-up failed") || !strings.Contains(notes, state.RepairCommand(prefix)) {
		t.Errorf("notes %q; want the terminal set-up's failure, and %s", res.Notes, state.RepairCommand(prefix))
	}
	r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{})
	if err == nil || !slices.ContainsFunc(r.Problems, func(p maintain.Problem) bool { return p.Path == rc }) {
		t.Fatalf("verify: %v %+v; want the shell block in %s reported missing", err, r.Problems, rc)
	}
	os.Remove(rc)
	if _, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatalf("repair once the home is fixed: %v", err)
	}
	if data, _ := os.ReadFile(rc); !platform.HasShellBlock(data, prefix) {
		t.Fatalf("repair did not make the shell block:\n%s", data)
	}
	if _, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{}); err != nil {
		t.Fatalf("verify after the repair: %v", err)
	}
}

// A bundle with no icon of its own gets the launchers' icon the front end
// gives (onboard's): the menu entries show it, verify counts its file, and
// repair makes it again with the entries. Before, the entries had no Icon
// line and showed a blank icon in the menu.
func TestLaunchersTakeTheFallbackIcon(t *testing.T) {
	b, root, home := demoForLaunchers(t)
	if b.Icon() != nil {
		t.Fatal("the demo bundle has an icon; this test needs one without")
	}
	prefix := filepath.Join(root, "acme")
	icon := assets.Icon()
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64",
		JupyterLauncher: true, MaintenanceLauncher: true, LauncherIcon: icon}); err != nil {
		t.Fatal(err)
	}
	share := filepath.Join(home, ".local", "share")
	check := func(when string) {
		t.Helper()
		pngs, _ := filepath.Glob(filepath.Join(share, "icons", "hicolor", "256x256", "apps", "*.png"))
		small, _ := filepath.Glob(filepath.Join(share, "icons", "hicolor", "48x48", "apps", "*.png"))
		entries, _ := filepath.Glob(filepath.Join(share, "applications", "*.desktop"))
		if len(pngs) != 1 || len(small) != 1 || filepath.Base(small[0]) != filepath.Base(pngs[0]) || len(entries) == 0 {
			t.Fatalf("%s: icons %v and %v, entries %v", when, pngs, small, entries)
		}
		if got, _ := os.ReadFile(pngs[0]); string(got) != string(icon) {
			t.Fatalf("%s: %s is not the icon given", when, pngs[0])
		}
		name := strings.TrimSuffix(filepath.Base(pngs[0]), ".png")
		for _, e := range entries {
			if data, _ := os.ReadFile(e); !strings.Contains(string(data), "\nIcon="+name+"\n") {
				t.Fatalf("%s: %s has no Icon=%s line:\n%s", when, e, name, data)
			}
		}
	}
	check("after the install")
	if r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{}); err != nil {
		t.Fatalf("verify: %v: %v", kinds(r.Problems), err)
	}
	os.RemoveAll(share)
	if _, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{LauncherIcon: icon}); err != nil {
		t.Fatalf("repair: %v", err)
	}
	check("after a repair")
}

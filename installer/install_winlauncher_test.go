package installer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/internal/condatest"
)

// winEntryPointBundle builds a win-64 bundle whose team env holds a
// stand-in python and a noarch: python package with one entry point.
func winEntryPointBundle(t *testing.T) *bundle.Bundle {
	t.Helper()
	dir := t.TempDir()
	pk := filepath.Join(dir, "pkgs")
	os.MkdirAll(pk, 0o755)
	specs := []condatest.Spec{
		{Name: "python", Version: "3.12.0", Build: "0", Subdir: "win-64",
			Files: []condatest.File{{Path: "python.exe", Data: []byte("MZ not really python")}}},
		{Name: "greeter", Version: "1.0", Build: "py_0", Noarch: "python", Depends: []string{"python"},
			EntryPoints: []string{"greet = greeter.cli:main"},
			Files:       []condatest.File{{Path: "site-packages/greeter/cli.py", Data: []byte("def main():\n    print('hi')\n")}}},
	}
	var lines []string
	for _, s := range specs {
		p, err := condatest.WriteConda(pk, s)
		if err != nil {
			t.Fatal(err)
		}
		sub := "win-64"
		if s.Noarch != "" {
			sub = "noarch"
		}
		lines = append(lines, "https://x.invalid/"+sub+"/"+filepath.Base(p))
	}
	return testkit.BundleOfLocks(t, dir, "win-64", "name = \"W\"\nid = \"org.w\"\nversion = \"2026.1.0\"\n", lines, "")
}

// TestInstallWritesTheWindowsLauncherOfItsOptions installs a win-64 bundle
// with an entry point: Scripts/<cmd>.exe holds the bytes of the launcher
// that Options.WindowsLauncher gives for win-64; without one the install
// fails clearly and leaves nothing; repair puts a deleted launcher back
// from maintain.RepairOptions.WindowsLauncher.
func TestInstallWritesTheWindowsLauncherOfItsOptions(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	b := winEntryPointBundle(t)
	var mu sync.Mutex
	var asked []string
	launcher := func(subdir string) []byte {
		mu.Lock()
		asked = append(asked, subdir)
		mu.Unlock()
		return []byte("MZ test launcher for " + subdir)
	}
	prefix := filepath.Join(t.TempDir(), "w")

	_, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "win-64"})
	if err == nil || !strings.Contains(err.Error(), "no launcher for win-64") {
		t.Fatalf("without a launcher: %v; want a clear error naming win-64", err)
	}
	if _, serr := os.Stat(prefix); serr == nil {
		t.Fatal("the failed install left its prefix")
	}

	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "win-64", WindowsLauncher: launcher}); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(prefix, "envs", "team", "Scripts", "greet.exe")
	got, err := os.ReadFile(exe)
	if err != nil || string(got) != "MZ test launcher for win-64" {
		t.Fatalf("%s holds %q (%v); want the launcher of the options", exe, got, err)
	}
	// Asked for the env's subdir only (its size goes into the disk space
	// estimate and bounds the entry points as packages are extracted, its
	// bytes are linked).
	if len(asked) == 0 || strings.Count(fmt.Sprint(asked), "win-64") != len(asked) {
		t.Errorf("the launcher was asked for %v; want win-64 only", asked)
	}

	os.Remove(exe)
	if res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{Bundle: b}); err == nil {
		t.Fatalf("repair without a launcher put back %v; want it to fail", res.Fixed)
	} else if _, serr := os.Stat(exe); serr == nil {
		t.Fatal("repair without a launcher wrote one")
	}
	if _, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{Bundle: b, WindowsLauncher: launcher}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	if got, _ := os.ReadFile(exe); string(got) != "MZ test launcher for win-64" {
		t.Fatalf("after repair %s holds %q; want the launcher of the repair options", exe, got)
	}
}

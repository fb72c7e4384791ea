package installer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/internal/testkit"
	"onboard/internal/condatest"
	"onboard/platform"
)

// virtualBundle builds a linux-64 bundle whose team env holds a package
// that depends on dep.
func virtualBundle(t *testing.T, dep string) *bundle.Bundle {
	t.Helper()
	dir := t.TempDir()
	pk := filepath.Join(dir, "pkgs")
	os.MkdirAll(pk, 0o755)
	var lines []string
	for _, s := range []condatest.Spec{
		{Name: "python", Version: "1.0", Build: "0", Subdir: "linux-64", Depends: []string{"__glibc >=2.17,<3.0.a0"},
			Files: []condatest.File{{Path: "bin/python", Data: []byte("#!/bin/sh\n"), Mode: 0o755}}},
		{Name: "libnew", Version: "15.1", Build: "0", Subdir: "linux-64", Depends: []string{"__unix", dep},
			Files: []condatest.File{{Path: "lib/libnew.so", Data: []byte("elf")}}},
	} {
		p, err := condatest.WriteConda(pk, s)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "https://x.invalid/linux-64/"+filepath.Base(p))
	}
	return testkit.BundleOfLocks(t, dir, "linux-64", "name = \"T\"\nid = \"org.t\"\nversion = \"2026.12.0\"\n", lines, "")
}

// A package that needs a newer C library or OS than this machine has
// (conda's virtual packages, which an install of a ready lock does not
// solve) is refused before anything is written, exit 5, naming the
// package, what it needs and what the machine has; CONDA_OVERRIDE_GLIBC
// takes the machine as newer, as it does for conda.
func TestInstallRefusesPackagesThisMachineCannotRun(t *testing.T) {
	v := platform.VirtualPackages(platform.Detect(), "linux-64", nil)
	if platform.HostTarget().OS != "linux" || v["__glibc"] == "" {
		t.Skipf("needs a Linux with glibc (have %v)", v)
	}
	for _, tt := range []struct{ dep, want string }{
		{"__glibc >=2.99", "libnew 15.1 needs __glibc >=2.99; this machine has glibc " + v["__glibc"]},
		{"__osx >=11.0", "libnew 15.1 needs __osx >=11.0, which this machine does not have"},
	} {
		b := virtualBundle(t, tt.dep)
		prefix := filepath.Join(t.TempDir(), "acme")
		plan, err := Plan(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"})
		var oe *OldSystemError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) || plan.ExitCode != ExitPlatform || plan.Code != "platform" {
			t.Fatalf("%s: Plan = %v (exit %d); want an *OldSystemError saying %q", tt.dep, err, plan.ExitCode, tt.want)
		}
		if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); !errors.As(err, &oe) || ExitCode(err) != ExitPlatform {
			t.Fatalf("%s: Install = %v; want an *OldSystemError", tt.dep, err)
		}
		if _, err := os.Stat(prefix); err == nil {
			t.Errorf("%s: a refused install left %s", tt.dep, prefix)
		}
	}
	b := virtualBundle(t, "__glibc >=2.99")
	if !strings.Contains(HintFor(&OldSystemError{Problem: platform.VirtualProblem{Name: "__glibc"}}), "CONDA_OVERRIDE_GLIBC") {
		t.Error("the hint does not name the override")
	}
	t.Setenv("CONDA_OVERRIDE_GLIBC", "2.99")
	if _, err := Install(context.Background(), Options{Prefix: filepath.Join(t.TempDir(), "acme"), Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatalf("with CONDA_OVERRIDE_GLIBC=2.99: %v", err)
	}
}

// A bundle's own virtual_specs (constructor's: what the machine must have
// beyond what the packages say) are checked first, named by the bundle.
func TestInstallChecksTheBundlesVirtualSpecs(t *testing.T) {
	v := platform.VirtualPackages(platform.Detect(), "linux-64", nil)
	if platform.HostTarget().OS != "linux" || v["__glibc"] == "" {
		t.Skipf("needs a Linux with glibc (have %v)", v)
	}
	dir := t.TempDir()
	pk := filepath.Join(dir, "pkgs")
	os.MkdirAll(pk, 0o755)
	p, err := condatest.WriteConda(pk, condatest.Spec{Name: "python", Version: "1.0", Build: "0", Subdir: "linux-64",
		Files: []condatest.File{{Path: "bin/python", Data: []byte("#!/bin/sh\n"), Mode: 0o755}}})
	if err != nil {
		t.Fatal(err)
	}
	b := testkit.BundleOfLocks(t, dir, "linux-64", "name = \"T\"\nid = \"org.t\"\nversion = \"2026.12.0\"\n",
		[]string{"https://x.invalid/linux-64/" + filepath.Base(p)}, "virtual_specs = [\"__unix\", \"__glibc >=2.99\"]\n")
	_, err = Plan(context.Background(), Options{Prefix: filepath.Join(t.TempDir(), "acme"), Bundle: b, Subdir: "linux-64"})
	var oe *OldSystemError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "T 2026.12.0 needs __glibc >=2.99; this machine has glibc "+v["__glibc"]) {
		t.Fatalf("Plan = %v; want the bundle's virtual_specs refused", err)
	}
}

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
	"onboard/platform"
)

// virtualBundle builds a linux-64 bundle whose team env holds a package
// that depends on dep.
func virtualBundle(t *testing.T, dep string) *bundle.Bundle {
	t.Helper()
	py, lib := testkit.Program("python", "1.0"), testkit.Program("libnew", "15.1")
	py.Depends, lib.Depends = []string{"__glibc >=2.17,<3.0.a0"}, []string{"__unix", dep}
	return testkit.BundleOfSpecs(t, virtualHead, "", py, lib)
}

const virtualHead = "name = \"T\"\nid = \"org.t\"\nversion = \"2026.12.0\"\n"

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
	b := testkit.BundleOfSpecs(t, virtualHead, "virtual_specs = [\"__unix\", \"__glibc >=2.99\"]\n", testkit.Program("python", "1.0"))
	_, err := Plan(context.Background(), Options{Prefix: filepath.Join(t.TempDir(), "acme"), Bundle: b, Subdir: "linux-64"})
	var oe *OldSystemError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "T 2026.12.0 needs __glibc >=2.99; this machine has glibc "+v["__glibc"]) {
		t.Fatalf("Plan = %v; want the bundle's virtual_specs refused", err)
	}
}

// Package layering holds tests of the module's dependency rules.
package layering

import (
	"os/exec"
	"strings"
	"testing"
)

// deps lists the packages that pattern depends on, with extra go list flags.
func deps(t *testing.T, flags []string, patterns ...string) []string {
	t.Helper()
	args := append([]string{"list", "-deps"}, flags...)
	cmd := exec.Command("go", append(args, patterns...)...)
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list failed: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func fynePackages(pkgs []string) []string {
	var bad []string
	for _, p := range pkgs {
		if strings.HasPrefix(p, "fyne.io/") {
			bad = append(bad, p)
		}
	}
	return bad
}

func TestEngineAndPlatformAreFyneFree(t *testing.T) {
	pkgs := deps(t, nil, "./installer/...", "./platform/...", "./assets/...")
	if len(pkgs) == 0 {
		t.Fatal("go list returned no packages")
	}
	if bad := fynePackages(pkgs); len(bad) > 0 {
		t.Fatalf("installer/, platform/ or assets/ depend on Fyne: %v", bad)
	}
}

func TestNoguiBuildIsFyneFree(t *testing.T) {
	if bad := fynePackages(deps(t, []string{"-tags", "nogui"}, ".")); len(bad) > 0 {
		t.Fatalf("the nogui build pulls in Fyne: %v", bad)
	}
}

func TestGUIBuildHasFyne(t *testing.T) {
	// The rule above must not pass because Fyne is missing altogether.
	if bad := fynePackages(deps(t, nil, ".")); len(bad) == 0 {
		t.Fatal("the GUI build does not depend on Fyne; the layering tests would prove nothing")
	}
}

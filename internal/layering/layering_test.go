// Package layering holds tests of the module's dependency rules.
package layering

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
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

// onboardDeps lists the module's own packages that patterns depend on.
func onboardDeps(t *testing.T, patterns ...string) map[string]bool {
	out := map[string]bool{}
	for _, p := range deps(t, nil, patterns...) {
		if p == "onboard" || strings.HasPrefix(p, "onboard/") {
			out[p] = true
		}
	}
	return out
}

// installer/state is the one owner of an install's files, and platform
// imports it for their layout: it may depend on no engine façade, no
// platform and no app, or the dependencies would run in a circle.
func TestStateIsBelowPlatform(t *testing.T) {
	got := onboardDeps(t, "./installer/state")
	if !got["onboard/installer/state"] {
		t.Fatal("go list did not list installer/state itself")
	}
	for p := range got {
		switch {
		case p == "onboard/installer", p == "onboard/platform", strings.HasPrefix(p, "onboard/app"), p == "onboard/assets":
			t.Errorf("installer/state depends on %s", p)
		}
	}
}

// platform knows the installer's files only through installer/state; it
// never imports the engine itself or the app.
func TestPlatformDoesNotImportTheEngine(t *testing.T) {
	got := onboardDeps(t, "./platform")
	if !got["onboard/installer/state"] {
		t.Error("platform does not use installer/state for the install's layout")
	}
	for p := range got {
		if p == "onboard/installer" || strings.HasPrefix(p, "onboard/app") {
			t.Errorf("platform depends on %s", p)
		}
	}
}

// installer/engine is what every operation shares (typed errors, progress,
// the lock, recovery): it sits below the install and the maintenance
// packages, so it may import none of them, nor the app.
func TestEngineIsBelowTheOperations(t *testing.T) {
	got := onboardDeps(t, "./installer/engine")
	if !got["onboard/installer/engine"] {
		t.Fatal("go list did not list installer/engine itself")
	}
	for p := range got {
		switch p {
		case "onboard/installer", "onboard/installer/maintain",
			"onboard/installer/uninstall", "onboard/assets":
			t.Errorf("installer/engine depends on %s", p)
		}
		if strings.HasPrefix(p, "onboard/app") {
			t.Errorf("installer/engine depends on %s", p)
		}
	}
}

// installer/maintain (verify, repair) and installer/uninstall sit beside
// the install, on installer/engine: neither imports the install (so that
// installer's own tests may drive them), uninstall does not import
// maintain, and none of them imports the app.
func TestMaintenanceIsBesideTheInstall(t *testing.T) {
	for pkg, banned := range map[string][]string{
		"./installer/maintain":  {"onboard/installer", "onboard/installer/uninstall"},
		"./installer/uninstall": {"onboard/installer", "onboard/installer/maintain"},
	} {
		got := onboardDeps(t, pkg)
		if !got["onboard/installer/engine"] {
			t.Errorf("%s does not use installer/engine", pkg)
		}
		for p := range got {
			if slices.Contains(banned, p) || strings.HasPrefix(p, "onboard/app") || p == "onboard/assets" {
				t.Errorf("%s depends on %s", pkg, p)
			}
		}
	}
}

// installer/internal/testkit is shared by the tests of installer,
// installer/maintain and installer/uninstall, so it may import none of
// them (the install a fixture needs is passed in).
func TestTestkitImportsNoOperation(t *testing.T) {
	got := onboardDeps(t, "./installer/internal/testkit")
	if !got["onboard/installer/internal/testkit"] {
		t.Fatal("go list did not list installer/internal/testkit itself")
	}
	for _, p := range []string{"onboard/installer", "onboard/installer/maintain", "onboard/installer/uninstall", "onboard/installer/engine"} {
		if got[p] {
			t.Errorf("installer/internal/testkit depends on %s", p)
		}
	}
}

// installer/internal/testinstall imports the install for the tests of the
// operations beside it; the product (the onboard command) never has it.
func TestTestinstallOnlyInTests(t *testing.T) {
	got := onboardDeps(t, ".")
	if !got["onboard/installer"] {
		t.Fatal("go list did not list the onboard command's dependencies")
	}
	if got["onboard/installer/internal/testinstall"] || got["onboard/installer/internal/testkit"] {
		t.Error("the onboard command depends on the tests' installer/internal/testinstall or testkit")
	}
}

// Only platform's host_*.go files ask the real machine: system calls, the
// registry and COM, other programs. The rest is plain Go over raw values,
// run in tests on any host for every OS.
func TestOnlyHostFilesOfPlatformAskTheOS(t *testing.T) {
	hostOnly := []string{"os/exec", "syscall", "golang.org/x/sys/", "github.com/go-ole/", "unsafe"}
	files, err := filepath.Glob("../../platform/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no platform sources: %v", err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		base := filepath.Base(f)
		if base == "host.go" || strings.HasPrefix(base, "host_") || strings.HasSuffix(base, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			for _, h := range hostOnly {
				if path == strings.TrimSuffix(h, "/") || strings.HasPrefix(path, h) && strings.HasSuffix(h, "/") {
					t.Errorf("platform/%s imports %s: only host_*.go files may", base, path)
				}
			}
		}
	}
}

// The app packages import what ARCHITECTURE.md's table says they may, and
// no more: the table drifted from the code while nothing checked it.
func TestAppPackagesImportWhatTheTableSays(t *testing.T) {
	leaf := func(p string) bool { return strings.HasPrefix(p, "onboard/internal/") }
	allowed := map[string][]string{
		"app/cli": {"app/console", "app/gui", "app/launch", "app/wizard", "installer", "installer/maintain", "installer/uninstall",
			"installer/bundle", "installer/state", "platform", "assets"},
		"app/gui":     {"app/wizard", "app/launch", "installer", "installer/bundle", "platform", "assets", "app/gui/guilocale"},
		"app/console": {"app/wizard", "app/launch", "installer", "installer/bundle", "installer/state"},
		"app/wizard": {"installer", "installer/maintain", "installer/uninstall", "installer/engine", "installer/bundle",
			"installer/state", "installer/link", "platform", "assets"},
		"app/launch": {"installer", "installer/bundle", "installer/uninstall", "installer/state", "platform"},
	}
	for pkg, ok := range allowed {
		cmd := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, "./"+pkg)
		cmd.Dir = "../.."
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, imp := range strings.Fields(string(out)) {
			p, mine := strings.CutPrefix(imp, "onboard/")
			if !mine || leaf(imp) || slices.Contains(ok, p) {
				continue
			}
			t.Errorf("%s imports %s, which docs/ARCHITECTURE.md's table does not allow it", pkg, imp)
		}
	}
}

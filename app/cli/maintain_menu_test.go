package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A build without windows (the nogui build these end-to-end tests use;
// Solaris) gives its maintenance app a launcher that runs in a terminal,
// and the app started with no arguments is a menu of verify, repair and
// uninstall there, not the install wizard (audit AL 1).
func TestMaintenanceMenuOfABuildWithoutWindows(t *testing.T) {
	needBin(t)
	script, err := exec.LookPath("script") // util-linux: runs a program on a terminal
	if err != nil {
		t.Skip("no script(1) to give the menu a terminal")
	}
	home := t.TempDir()
	prefix := filepath.Join(t.TempDir(), "acme")
	if r := run(t, home, onboardBin, "install", "--silent", "--prefix", prefix); r.code != 0 {
		t.Fatalf("install: %d %s", r.code, r.stderr)
	}
	entries, _ := filepath.Glob(filepath.Join(home, "share", "applications", "*.desktop"))
	var terminal []string
	for _, e := range entries {
		b, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		maint := strings.Contains(string(b), "\nExec="+filepath.Join(prefix, ".onboard", "onboard")+"\n")
		if got, want := strings.Contains(string(b), "\nTerminal=true\n"), maint; got != want {
			t.Errorf("%s: Terminal=true is %v; want %v (the maintenance launcher only)", e, got, want)
		}
		if maint {
			terminal = append(terminal, e)
		}
	}
	if len(terminal) != 1 {
		t.Fatalf("maintenance launchers: %q of %q", terminal, entries)
	}
	app := filepath.Join(prefix, ".onboard", "onboard")

	// no terminal (a launcher of an older install): a clear refusal
	r := run(t, home, app)
	if r.code != 2 || !strings.Contains(r.stderr, "menu needs a terminal") || strings.Contains(r.stdout+r.stderr, "Welcome") {
		t.Errorf("with no terminal: %d %q %q", r.code, r.stdout, r.stderr)
	}

	menu := func(input string) string {
		cmd := exec.Command(script, "-qec", app, "/dev/null")
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "share"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "DISPLAY=", "WAYLAND_DISPLAY=")
		cmd.Stdin = strings.NewReader(input)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Errorf("the menu with %q: %v\n%s", input, err, out.String())
		}
		return out.String()
	}
	// damage, a wrong choice, repair, stop Jupyter (none runs), a no to
	// uninstall, quit
	victim := filepath.Join(prefix, "conda-meta", "history")
	if err := os.Remove(victim); err != nil {
		t.Fatal(err)
	}
	out := menu("x\n2\n1\n4\n5\n4\n3\nn\nq\n")
	for _, want := range []string{"Onboard Demo Maintenance: version ", `"x" is not one of the choices`, "Repaired", "Healthy: no problems found",
		"Verifying the install...", "1  Verify the install again", "4  Stop Jupyter", "You had no Jupyter running.", "Nothing removed",
		// Start Jupyter, then Stop (audit BO 10)
		"5  Start Jupyter (prints its address)", "Jupyter started: http://127.0.0.1:", "Jupyter stopped (team environment)."} {
		if !strings.Contains(out, want) {
			t.Errorf("the menu's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Welcome") {
		t.Errorf("the maintenance app showed the install wizard:\n%s", out)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Errorf("Repair in the menu did not put back %s: %v", victim, err)
	}
	// conda's copy of the app in a cloned base, run with no arguments in
	// a terminal: it says what it is, not the install wizard (audit AV 4)
	clone := filepath.Join(prefix, "envs", "mine")
	if err := os.CopyFS(filepath.Join(clone, ".onboard"), os.DirFS(filepath.Join(prefix, ".onboard"))); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(clone, "conda-meta"), 0o755)
	cloneApp := exec.Command(script, "-qec", filepath.Join(clone, ".onboard", "onboard"), "/dev/null")
	cloneApp.Env = append(os.Environ(), "HOME="+home, "DISPLAY=", "WAYLAND_DISPLAY=")
	cloneApp.Stdin = strings.NewReader("\n")
	if out, _ := cloneApp.CombinedOutput(); !strings.Contains(string(out), "by cloning the base of the install in") || strings.Contains(string(out), "Welcome") {
		t.Errorf("the clone's app in a terminal:\n%s", out)
	}
	os.RemoveAll(clone)
	// an install without Jupyter (no launcher, no jupyter program): no
	// Stop Jupyter to choose, as in the window (review BF 6)
	mp := filepath.Join(prefix, ".onboard", "manifest.json")
	saved, err := os.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(saved, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "launchers")
	jupyter := filepath.Join(prefix, "envs", "team", "bin", "jupyter")
	aside := jupyter + ".aside"
	if raw, err := json.Marshal(m); err != nil || os.WriteFile(mp, raw, 0o644) != nil || os.Rename(jupyter, aside) != nil {
		t.Fatalf("making the install one without Jupyter: %v", err)
	}
	out = menu("4\nq\n")
	if strings.Contains(out, "Stop Jupyter") || !strings.Contains(out, `"4" is not one of the choices: this install has no Jupyter`) {
		t.Errorf("the menu of an install without Jupyter:\n%s", out)
	}
	if os.WriteFile(mp, saved, 0o644) != nil || os.Rename(aside, jupyter) != nil {
		t.Fatal("putting the install back")
	}
	// uninstall, confirmed: the menu ends with the install
	out = menu("3\ny\n")
	if !strings.Contains(out, "Removed Onboard Demo") || !strings.Contains(out, "Press Enter to close") {
		t.Errorf("uninstall from the menu:\n%s", out)
	}
	if _, err := os.Stat(prefix); !os.IsNotExist(err) {
		t.Errorf("the install is still there after the menu's uninstall: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(home, "share", "applications", "*.desktop")); len(left) != 0 {
		t.Errorf("launchers left: %q", left)
	}
}

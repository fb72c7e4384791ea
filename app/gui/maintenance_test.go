//go:build !nogui && !solaris

package gui

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
)

// installedPrefix returns a prefix with the test bundle installed by the
// real installer.Install.
func installedPrefix(t *testing.T, e *wizardtest.Engine) string {
	t.Helper()
	b, err := e.FindBundle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(t.TempDir(), "test-python")
	if _, err := e.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: wizardtest.Subdir()}); err != nil {
		t.Fatalf("install: %v", err)
	}
	return prefix
}

// damageOneFile deletes the first file of the first conda-meta record of
// prefix and returns its path.
func damageOneFile(t *testing.T, prefix string) string {
	t.Helper()
	recs, _ := filepath.Glob(filepath.Join(prefix, "conda-meta", "*.json"))
	for _, rp := range recs {
		raw, err := os.ReadFile(rp)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct{ Files []string }
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatal(err)
		}
		if len(rec.Files) > 0 {
			p := filepath.Join(prefix, filepath.FromSlash(rec.Files[0]))
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("no record with files in %s", prefix)
	return ""
}

func newMaintenance(t *testing.T, r *recorder) (*Maintenance, fyne.App, string) {
	t.Helper()
	e := wizardtest.NewEngine(t)
	prefix := installedPrefix(t, e)
	// The maintenance app runs from PREFIX/.onboard/onboard.
	exe := filepath.Join(prefix, ".onboard", "onboard")
	in := wizard.FindInstalled(exe)
	if in == nil || in.Prefix != prefix {
		t.Fatalf("install not found from %s: %+v", exe, in)
	}
	a := test.NewTempApp(t)
	d := r.deps(t)
	d.Executable = exe
	m := NewMaintenance(context.Background(), a, e, in, d)
	return m, a, prefix
}

func menuItem(t *testing.T, m *Maintenance, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.helpMenu.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no Help menu item %q", label)
	return nil
}

func TestMaintenanceWindowAndHelpMenu(t *testing.T) {
	r := &recorder{}
	m, a, prefix := newMaintenance(t, r)
	w := m.Window()
	mustContain(t, w, "Test Python 2026.11.0", "Installed in: "+prefix, "Environments: base, team",
		"Launch Jupyter", "Verify", "Repair", "Uninstall")

	m.CheckHealth()
	waitClosed(t, m.done)
	mustContain(t, w, "Health: good, ")
	statusIs(t, m.health, theme.ConfirmIcon())

	menuItem(t, m, "Verify installation…").Action()
	waitClosed(t, m.done)

	menuItem(t, m, "Open log").Action()
	if len(r.urls) != 1 || r.urls[0] != "file://"+filepath.ToSlash(filepath.Join(prefix, ".onboard", "install.log")) {
		t.Fatalf("opened %v", r.urls)
	}

	menuItem(t, m, "Report a problem").Action()
	clip := a.Clipboard().Content()
	for _, want := range []string{"onboard 1.2.3-test", "platform: ", "install: Test Python 2026.11.0 (io.onboard.test, " + wizardtest.Subdir(), prefix, "verify: "} {
		if !strings.Contains(clip, want) {
			t.Fatalf("clipboard lacks %q:\n%s", want, clip)
		}
	}
	mustContain(t, w, "copied to the clipboard")
	closeDialog(t, w, "Close")

	menuItem(t, m, "About").Action()
	mustContain(t, w, "onboard 1.2.3-test", "This is the demo bundle.")
	closeDialog(t, w, "OK")

	tapButton(t, w, "Launch Jupyter")
	if got := <-r.launched; got != prefix+"|team" {
		t.Fatalf("launched %q", got)
	}
}

func TestMaintenanceRepairAndUninstall(t *testing.T) {
	r := &recorder{}
	m, _, prefix := newMaintenance(t, r)
	w := m.Window()
	gone := damageOneFile(t, prefix)
	m.CheckHealth()
	waitClosed(t, m.done)
	mustContain(t, w, "Health: damaged, ", "problem(s) found", "Click Repair")
	statusIs(t, m.health, theme.ErrorIcon())

	menuItem(t, m, "Repair environment…").Action()
	waitClosed(t, m.done)
	if m.lastErr != nil {
		t.Fatalf("repair: %v", m.lastErr)
	}
	mustContain(t, w, "Repair finished")
	closeDialog(t, w, "OK")
	if _, err := os.Stat(gone); err != nil {
		t.Fatalf("repair did not put back %s: %v", gone, err)
	}
	m.CheckHealth()
	waitClosed(t, m.done)
	mustContain(t, w, "Health: good, ")
	statusIs(t, m.health, theme.ConfirmIcon())

	tapButton(t, w, "Uninstall")
	mustContain(t, w, "Uninstall?", prefix)
	tapButton(t, w, "Yes")
	waitClosed(t, m.done)
	if texts := texts(w); strings.Contains(texts, "Uninstall failed") {
		t.Fatalf("uninstall failed:\n%s", texts)
	}
	if _, err := os.Stat(prefix); !os.IsNotExist(err) {
		t.Fatalf("prefix still there: %v", err)
	}
	mustContain(t, w, "was removed")
	statusIs(t, m.health, nil)
}

func TestLaunchProblemRepairsAndRetries(t *testing.T) {
	a := test.NewTempApp(t)
	repaired, retried := false, false
	p := launch.Problem{
		Prefix: "/p", Env: "team", LogPath: "/p/.onboard/jupyter-team.log",
		Err: &launch.EnvError{Prefix: "/p", Env: "team", Reason: "/p/envs/team/bin/jupyter is missing"},
		Repair: func(ctx context.Context, r installer.Reporter, _ installer.Logf) error {
			r.Stage(installer.StageLink, 10)
			repaired = true
			return nil
		},
		Retry: func(context.Context) error { retried = true; return errors.New("still broken: port in use") },
	}
	lp := NewLaunchProblem(context.Background(), a, p)
	w := lp.Window()
	mustContain(t, w, "Launching Jupyter failed", "bin/jupyter is missing", "What to do", "Repair environment", p.LogPath)
	tapButton(t, w, "Repair")
	waitClosed(t, lp.done)
	if !repaired || !retried {
		t.Fatalf("repaired %v, retried %v", repaired, retried)
	}
	mustContain(t, w, "still broken: port in use")
	if lp.err == nil || lp.repair.Disabled() {
		t.Fatal("after a failed retry the error must stay and Repair be offered again")
	}
}

package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"onboard/installer"
	"onboard/installer/state"
	"onboard/platform"
)

// wizardRecorder stands in for the GUI and the console wizard.
type wizardRecorder struct{ gui, console []WizardOptions }

func (r *wizardRecorder) env(out *bytes.Buffer) Env {
	return Env{Stdout: out, Stderr: out, GUI: func(ctx context.Context, env Env, o WizardOptions) error {
		r.gui = append(r.gui, o)
		return nil
	}}
}

func withWizardStubs(t *testing.T, r *wizardRecorder, cfg *platform.LaunchConfig) {
	t.Helper()
	oldConsole, oldApp, oldAnswers := consoleWizard, appBundleLaunch, displayAnswers
	displayAnswers = func(string) bool { return true } // DISPLAY=:99 is a stand-in
	consoleWizard = func(ctx context.Context, env Env, o WizardOptions) error {
		r.console = append(r.console, o)
		return nil
	}
	appBundleLaunch = func() (platform.LaunchConfig, bool, error) {
		if cfg == nil {
			return platform.LaunchConfig{}, false, nil
		}
		return *cfg, true, nil
	}
	t.Cleanup(func() { consoleWizard, appBundleLaunch, displayAnswers = oldConsole, oldApp, oldAnswers })
}

func TestWizardFlagsReachTheWizard(t *testing.T) {
	t.Setenv("DISPLAY", ":99")
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args       []string
		gui, cons  int
		wantBundle string
		wantPrefix string
	}{
		{nil, 1, 0, "", ""},
		{[]string{"--bundle", "/b.zip"}, 1, 0, "/b.zip", ""},
		{[]string{"--prefix=/opt/acme"}, 1, 0, "", "/opt/acme"},
		{[]string{"--console", "--bundle", "/b.zip"}, 0, 1, "/b.zip", ""},
		{[]string{"--console", "--prefix", "rel"}, 0, 1, "", filepath.Join(cwd, "rel")}, // as install --prefix takes it (audit AA)
		{[]string{"-psn_0_12345"}, 1, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := &wizardRecorder{}
			withWizardStubs(t, r, nil)
			var out bytes.Buffer
			if err := Run(context.Background(), tt.args, r.env(&out)); err != nil {
				t.Fatal(err)
			}
			if len(r.gui) != tt.gui || len(r.console) != tt.cons {
				t.Fatalf("gui %d, console %d; want %d, %d", len(r.gui), len(r.console), tt.gui, tt.cons)
			}
			got := append(r.gui, r.console...)[0]
			if got.BundlePath != tt.wantBundle || got.Prefix != tt.wantPrefix {
				t.Fatalf("got %+v; want bundle %q prefix %q", got, tt.wantBundle, tt.wantPrefix)
			}
		})
	}
}

func TestWizardWithoutDisplayUsesConsole(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if isDarwin {
		t.Skip("macOS always has a display")
	}
	r := &wizardRecorder{}
	withWizardStubs(t, r, nil)
	var out bytes.Buffer
	if err := Run(context.Background(), nil, r.env(&out)); err != nil {
		t.Fatal(err)
	}
	if len(r.gui) != 0 || len(r.console) != 1 {
		t.Fatalf("gui %d, console %d; want the console wizard only", len(r.gui), len(r.console))
	}
}

// A DISPLAY that no X server answers is no display: the console wizard
// asks, and says why.
func TestWizardWithADeadDisplayUsesConsole(t *testing.T) {
	if isDarwin || runtime.GOOS == "windows" {
		t.Skip("macOS and Windows windows need no X server")
	}
	t.Setenv("DISPLAY", ":97")
	t.Setenv("WAYLAND_DISPLAY", "")
	r := &wizardRecorder{}
	withWizardStubs(t, r, nil)
	displayAnswers = func(string) bool { return false }
	var out bytes.Buffer
	env := r.env(&out)
	var errOut bytes.Buffer
	env.Stderr = &errOut
	if err := Run(context.Background(), nil, env); err != nil {
		t.Fatal(err)
	}
	if len(r.gui) != 0 || len(r.console) != 1 || !strings.Contains(errOut.String(), "no display answers at DISPLAY=:97") {
		t.Fatalf("gui %d, console %d, stderr %q; want the console wizard, and why", len(r.gui), len(r.console), errOut.String())
	}
}

func TestMacLauncherConfigRunsItsCommand(t *testing.T) {
	r := &wizardRecorder{}
	withWizardStubs(t, r, &platform.LaunchConfig{Schema: 1, Prefix: "/Users/a/acme", Args: []string{"version"}})
	var out bytes.Buffer
	if err := Run(context.Background(), nil, r.env(&out)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "onboard ") || len(r.gui)+len(r.console) != 0 {
		t.Fatalf("the launcher's command did not run: %q, gui %d, console %d", out.String(), len(r.gui), len(r.console))
	}

	withWizardStubs(t, r, &platform.LaunchConfig{Schema: 1, Prefix: "/Users/a/acme"})
	t.Setenv("DISPLAY", ":99")
	if err := Run(context.Background(), nil, r.env(&out)); err != nil {
		t.Fatal(err)
	}
	if len(r.gui) != 1 || r.gui[0].Prefix != "/Users/a/acme" {
		t.Fatalf("a maintenance launcher must open the window on its prefix: %+v", r.gui)
	}
}

// uninstall with no terminal to ask on ("Apps & features" → Uninstall on
// Windows, which gives the GUI program no console) asks in the
// maintenance window where one can open; it refused, exit 2, and the user
// saw nothing.
func TestUninstallWithoutATerminalAsksInAWindow(t *testing.T) {
	t.Setenv("DISPLAY", ":99")
	r := &wizardRecorder{}
	withWizardStubs(t, r, nil)
	prefix := t.TempDir()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	var out bytes.Buffer
	env := r.env(&out)
	env.Stdin = devnull
	if err := Run(context.Background(), []string{"uninstall", "--prefix", prefix}, env); err != nil {
		t.Fatal(err)
	}
	if len(r.gui) != 1 || !r.gui[0].StartUninstall || r.gui[0].Prefix != prefix {
		t.Fatalf("gui %+v; want the maintenance window asked to uninstall %s", r.gui, prefix)
	}
	// with no window either, the question is refused: --silent asks nobody
	// (asked only of an install: a folder of none is refused as such)
	r.gui = nil
	env.GUI = nil
	if err := os.MkdirAll(filepath.Dir(state.ManifestPath(prefix)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(state.ManifestPath(prefix), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"uninstall", "--prefix", prefix}, env); installer.ExitCode(err) != installer.ExitUsage {
		t.Fatalf("uninstall with no terminal and no window: %v", err)
	}
}

//go:build linux || darwin || freebsd

package cli

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"onboard/app/launch"
)

// A DISPLAY that no X server answers (a stale ssh -X forwarding, sudo
// keeping DISPLAY) is no display: the wizard falls back to the console.
// Fyne's window library ended such a run in a panic, exit 2.
func TestX11Answers(t *testing.T) {
	dir := t.TempDir()
	old := x11SocketDir
	x11SocketDir = dir
	t.Cleanup(func() { x11SocketDir = old })
	l, err := net.Listen("unix", filepath.Join(dir, "X7"))
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	for display, want := range map[string]bool{":7": true, ":7.0": true, "unix:7": true, ":8": false, "": false, "nonsense": false, ":x": false} {
		if got := x11Answers(display); got != want {
			t.Errorf("x11Answers(%q) = %v; want %v", display, got, want)
		}
	}
}

// A launch that fails with DISPLAY set where no X server answers does not
// open the problem's window (the GUI build panicked there, exit 2, with a
// stack trace): it says the problem and its hint, as without a display.
func TestLaunchProblemWithADeadDisplayOpensNoWindow(t *testing.T) {
	old := displayAnswers
	displayAnswers = func(string) bool { return false }
	t.Cleanup(func() { displayAnswers = old })
	t.Setenv("DISPLAY", ":99")
	t.Setenv("WAYLAND_DISPLAY", "")
	oldUI := launchUI
	opened := false
	launchUI = func(context.Context, launch.Problem) error { opened = true; return nil }
	t.Cleanup(func() { launchUI = oldUI })
	want := errors.New("Jupyter stopped before it was ready")
	env := Env{Stdin: strings.NewReader(""), GUI: func(context.Context, Env, WizardOptions) error { return nil }}
	if err := offerRepair(context.Background(), env, launch.Problem{Err: want}); err != want || opened {
		t.Fatalf("offerRepair: %v, window opened %v; want the problem returned and no window", err, opened)
	}
	displayAnswers = func(string) bool { return true }
	if err := offerRepair(context.Background(), env, launch.Problem{Err: want}); err != nil || !opened {
		t.Fatalf("with a display that answers: %v, window opened %v", err, opened)
	}
}

//go:build !nogui && !solaris

package gui

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"onboard/app/launch"
	"onboard/installer"
)

// isOpen tells whether w is one of the app's windows still open.
func isOpen(a fyne.App, w fyne.Window) bool { return slices.Contains(a.Driver().AllWindows(), w) }

// The JupyterLab menu shortcut shows that Jupyter is starting, and when no
// browser can be opened, the address to copy in a window that stays open
// until the person closes it: before, nothing showed, and the address went
// to a stdout nobody sees (audit BO 2).
func TestJupyterStartShowsTheAddressWithoutABrowser(t *testing.T) {
	a := test.NewTempApp(t)
	const u = "http://127.0.0.1:8888/lab?token=abc123"
	release := make(chan struct{})
	s := launch.Start{Name: "JupyterLab", Problem: launch.Problem{Prefix: "/p", Env: "team"},
		Run: func(context.Context) error {
			<-release
			return &launch.NoBrowserError{URL: u, Err: exec.ErrNotFound}
		}}
	js := NewJupyterStart(context.Background(), a, s)
	w := js.Window()
	mustContain(t, w, "Starting JupyterLab in the team environment… (the first start can take a minute)")
	close(release)
	waitClosed(t, js.done)
	if w.Title() != "Jupyter is running" || !isOpen(a, w) {
		t.Fatalf("window %q, open %v; want the address shown in it", w.Title(), isOpen(a, w))
	}
	mustContain(t, w, "No web browser was found to open it. Copy this address into your web browser; it holds the access token.", u, "Close")
	if m := texts(w); strings.Contains(m, "Starting") || strings.Contains(m, "executable file not found") {
		t.Fatalf("the window still says it is starting, or shows Go's error:\n%s", m)
	}
	tapButton(t, w, "Copy")
	if got := a.Clipboard().Content(); got != u {
		t.Fatalf("clipboard %q; want %q", got, u)
	}
	if err := js.Err(); err != nil {
		t.Fatalf("a Jupyter that runs without a browser is no failure: %v", err)
	}
}

// When the browser opens, the window has done its work and closes.
func TestJupyterStartClosesWhenTheBrowserOpens(t *testing.T) {
	a := test.NewTempApp(t)
	js := NewJupyterStart(context.Background(), a, launch.Start{Name: "JupyterLab", Problem: launch.Problem{Env: "team"},
		Run: func(context.Context) error { return nil }})
	waitClosed(t, js.done)
	if isOpen(a, js.Window()) || js.Err() != nil {
		t.Fatalf("after the browser opened: window open %v, error %v", isOpen(a, js.Window()), js.Err())
	}
}

// A start that fails gives way to the launch-problem window, with Repair
// for a broken env; the start again after the repair, with no browser,
// shows the address there.
func TestJupyterStartFailureOffersRepair(t *testing.T) {
	a := test.NewTempApp(t)
	const u = "http://127.0.0.1:8888/lab?token=def456"
	nb := &launch.NoBrowserError{URL: u, Err: exec.ErrNotFound}
	broken := &launch.EnvError{Prefix: "/p", Env: "team", Reason: "/p/envs/team/bin/jupyter is missing"}
	s := launch.Start{Name: "JupyterLab", Run: func(context.Context) error { return broken },
		Problem: launch.Problem{Prefix: "/p", Env: "team", LogPath: "/p/.onboard/jupyter-team.log",
			Repair: func(context.Context, installer.Reporter, installer.Logf) error { return nil },
			Retry:  func(context.Context) error { return nb }}}
	js := NewJupyterStart(context.Background(), a, s)
	waitClosed(t, js.done)
	if isOpen(a, js.Window()) || js.problem == nil {
		t.Fatal("a failed start: want the start window closed and the problem's window open")
	}
	w := js.problem.Window()
	mustContain(t, w, "Starting Jupyter failed", "bin/jupyter is missing", "Repair")
	if !errors.Is(js.Err(), broken) {
		t.Fatalf("error %v; want %v", js.Err(), broken)
	}
	tapButton(t, w, "Repair")
	waitClosed(t, js.problem.done)
	if w.Title() != "Jupyter is running" {
		t.Fatalf("after the repair, window %q; want the address", w.Title())
	}
	mustContain(t, w, u, "Copy")
	if err := js.Err(); err != nil {
		t.Fatalf("repaired, and Jupyter runs: error %v", err)
	}
}

//go:build !nogui && !solaris

package gui

import (
	"errors"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
)

// runNextUI runs the next piece of UI work a background goroutine queues.
func runNextUI(t *testing.T) {
	t.Helper()
	select {
	case f := <-uiQueue:
		f()
	case <-time.After(2 * time.Minute):
		t.Fatal("no UI work was queued")
	}
}

// runUIUntil runs queued UI work until w shows want: other work (a plan
// the wizard made on its way to the page) may be queued before the one
// awaited, so the next one alone is not enough.
func runUIUntil(t *testing.T, w fyne.Window, want string) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for !strings.Contains(texts(w), want) {
		select {
		case f := <-uiQueue:
			f()
		case <-deadline:
			t.Fatalf("the window never showed %q; it shows:\n%s", want, texts(w))
		}
	}
}

// TestFinishWithoutBrowserShowsTheAddress: with no browser and no file
// manager (no xdg-open), Start Jupyter shows the running server's URL and
// Open notebooks folder the folder, each with a Copy button — not "failed".
func TestFinishWithoutBrowserShowsTheAddress(t *testing.T) {
	e := wizardtest.NewEngine(t) // a home of its own, where the notebooks folder is made
	notebooks, _ := launch.DefaultNotebookDir()
	const u = "http://127.0.0.1:8888/?token=abc123"
	r := &recorder{launchErr: &launch.NoBrowserError{URL: u, Err: exec.ErrNotFound}}
	wz := newWizard(t, e, r, wizard.StepFinish)
	wz.deps.OpenURL = func(*url.URL) error { return errors.New(`exec: "xdg-open": executable file not found in $PATH`) }
	w := wz.Window()

	tapButton(t, w, "Start Jupyter")
	<-r.launched
	runUIUntil(t, w, "Jupyter is running")
	mustContain(t, w, "Jupyter is running", "No web browser was found to open it. Copy this address into your web browser", u)
	// the dialog's words (the page behind it names the maintenance
	// window's Help menu, where Jupyter is stopped)
	if m := textsOf(w.Canvas().Overlays().List()...); strings.Contains(m, "failed") || strings.Contains(m, "Help") || strings.Contains(m, "executable file not found") {
		t.Fatalf("a running Jupyter shown as a failure, with Go's error, or a Help menu named:\n%s", m)
	}
	tapButton(t, w, "Copy")
	if got := wz.app.Clipboard().Content(); got != u {
		t.Fatalf("clipboard %q, want %q", got, u)
	}
	closeDialog(t, w, "Close")

	tapButton(t, w, "Open notebooks folder")
	mustContain(t, w, "No file manager could be opened", notebooks)
	if m := texts(w); strings.Contains(m, "executable file not found") {
		t.Fatalf("Open notebooks folder shows Go's error:\n%s", m)
	}
	tapButton(t, w, "Copy")
	if got := wz.app.Clipboard().Content(); got != notebooks {
		t.Fatalf("clipboard %q, want %q", got, notebooks)
	}
	closeDialog(t, w, "Close")

	// a real failure still says so
	r.launchErr = errors.New("boom")
	tapButton(t, w, "Start Jupyter")
	<-r.launched
	runUIUntil(t, w, "Starting Jupyter failed")
	mustContain(t, w, "Starting Jupyter failed", "Boom")
}

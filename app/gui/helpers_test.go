//go:build !nogui && !solaris

package gui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	_ "onboard/app/gui/guilocale" // no Fyne locale errors in the test output
	"onboard/app/wizard"
	"onboard/platform"
)

// recorder records what the windows ask the desktop to do.
type recorder struct {
	mu        sync.Mutex
	urls      []string
	launched  chan string
	launchErr error
	terminals []platform.TerminalRequest
	termErr   error
	shared    string // not "": the install is shared and this user may not change it, for this reason
}

func (r *recorder) deps(t *testing.T) Deps {
	r.launched = make(chan string, 10)
	return Deps{
		OpenURL: func(u *url.URL) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.urls = append(r.urls, u.String())
			return nil
		},
		Launch: func(_ context.Context, prefix, env string) error {
			r.launched <- prefix + "|" + env
			return r.launchErr
		},
		OpenTerminal: func(req platform.TerminalRequest) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.terminals = append(r.terminals, req)
			return r.termErr
		},
		Executable: "/nonexistent/onboard",
		Version:    "1.2.3-test",
		LogDir:     t.TempDir(),
		MayModify:  func(string) (bool, string) { return r.shared == "", r.shared },
	}
}

// markup renders the window, dialogs included.
func markup(w fyne.Window) string { return test.RenderToMarkup(w.Canvas()) }

// texts returns the text of every visible widget of the window and its
// dialogs, one per line (before any wrapping).
func texts(w fyne.Window) string {
	objs := append([]fyne.CanvasObject{w.Canvas().Content()}, w.Canvas().Overlays().List()...)
	return textsOf(objs...)
}

// textsOf returns the text of every visible widget of objs.
func textsOf(objs ...fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
			return
		case *widget.Button:
			b.WriteString(v.Text + "\n")
			return
		case *keyButton:
			b.WriteString(v.Text + "\n")
			return
		case *widget.Check:
			b.WriteString(v.Text + "\n")
		case *keyCheck:
			b.WriteString(v.Text + "\n")
		case *widget.Entry:
			b.WriteString(v.Text + "\n")
			return
		case *longText: // the whole text, as the user may scroll to it
			b.WriteString(v.Text() + "\n")
			return
		case *widget.ProgressBar:
			b.WriteString(fmt.Sprintf("bar %.2f\n", v.Value))
			return
		}
		for _, c := range children(o) {
			walk(c)
		}
	}
	for _, o := range objs {
		walk(o)
	}
	return b.String()
}

func mustContain(t *testing.T, w fyne.Window, want ...string) {
	t.Helper()
	checkGlyphs(t, w)
	m := texts(w)
	for _, s := range want {
		if !strings.Contains(m, s) {
			t.Fatalf("window does not show %q; it shows:\n%s", s, m)
		}
	}
}

// statusIs checks the icon a status line shows.
func statusIs(t *testing.T, s *statusLine, want fyne.Resource) {
	t.Helper()
	if s.icon.Resource != want || s.icon.Visible() != (want != nil) {
		t.Fatalf("status %q shows icon %v (visible %v), want %v", s.label.Text, s.icon.Resource, s.icon.Visible(), want)
	}
}

// children lists what an object shows, looking inside widgets.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch v := o.(type) {
	case *fyne.Container:
		return v.Objects
	case fyne.Widget:
		return test.WidgetRenderer(v).Objects()
	}
	return nil
}

// findButton finds a visible button labelled label in the top overlay
// (a dialog) or, when there is none, in the window's content.
func findButton(t *testing.T, w fyne.Window, label string) *widget.Button {
	t.Helper()
	found := visibleButton(w, label)
	if found == nil {
		t.Fatalf("no button %q:\n%s", label, markup(w))
	}
	return found
}

// visibleButton is the visible button labelled label in the top overlay
// or the window's content; nil when there is none.
func visibleButton(w fyne.Window, label string) *widget.Button {
	root := w.Canvas().Content()
	if top := w.Canvas().Overlays().Top(); top != nil {
		root = top
	}
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		if b := asButton(o); b != nil && b.Text == label {
			found = b
			return
		}
		for _, c := range children(o) {
			walk(c)
		}
	}
	walk(root)
	return found
}

func tapButton(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	b := findButton(t, w, label)
	if b.Disabled() {
		t.Fatalf("button %q is disabled", label)
	}
	test.Tap(b)
}

// uiQueue holds UI work queued from background goroutines; the test
// goroutine runs it (see waitClosed), as the real driver's UI goroutine would.
var uiQueue = make(chan func(), 4096)

func init() { runOnUI = func(f func()) { uiQueue <- f } }

// drainUI runs the UI work queued so far.
func drainUI() {
	for {
		select {
		case f := <-uiQueue:
			f()
		default:
			return
		}
	}
}

// waitClosed runs queued UI work until a background operation is over,
// then what it queued last. The deadline only keeps a broken test from
// hanging; it is not an assertion on speed.
func waitClosed(t *testing.T, c <-chan struct{}) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case f := <-uiQueue:
			f()
		case <-c:
			drainUI()
			return
		case <-deadline:
			t.Fatal("the operation never finished")
		}
	}
}

// settle runs queued UI work until the plans the wizard asked for (the
// Location and Options steps' verdicts, which run off the UI thread) are
// shown. The deadline only keeps a broken test from hanging.
func settle(t *testing.T, wz *Wizard) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		drainUI()
		if (wz.location == nil || wz.location.plans.settled()) && (wz.options == nil || wz.options.plans.settled()) {
			return
		}
		select {
		case f := <-uiQueue:
			f()
		case <-deadline:
			t.Fatal("the plan was never shown")
		}
	}
}

// closeDialog dismisses the top dialog with its button.
func closeDialog(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	if w.Canvas().Overlays().Top() == nil {
		t.Fatalf("no dialog open:\n%s", markup(w))
	}
	tapButton(t, w, label)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatalf("dialog still open after %q", label)
	}
}

func stepIs(t *testing.T, wz *Wizard, id wizard.StepID) {
	t.Helper()
	if got := wz.flow.Current().ID; got != id {
		t.Fatalf("at step %d (%s), want %d", got, wz.flow.Current().Title, id)
	}
	if got, want := wz.steps.current(), wz.flow.Current().Title; got != want {
		t.Fatalf("the side panel marks %q as current, want %q", got, want)
	}
}

func findCheck(t *testing.T, w fyne.Window, label string) *keyCheck {
	t.Helper()
	var found *keyCheck
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if c, ok := o.(*keyCheck); ok && c.Text == label {
			found = c
		}
		for _, c := range children(o) {
			if found == nil {
				walk(c)
			}
		}
	}
	walk(w.Canvas().Content())
	if found == nil {
		t.Fatalf("no check %q", label)
	}
	return found
}

// flush shows queued Details lines now (tests do not wait for the timer).
func (w *Wizard) flush() { w.install.flush() }

// openDisclosure opens the section titled title, as a click on its
// header does.
func openDisclosure(t *testing.T, w fyne.Window, title string) {
	t.Helper()
	test.Tap(findButton(t, w, title))
}

// findColumns finds the maintenance window's environments table in root.
func findColumns(t *testing.T, root fyne.CanvasObject) *fyne.Container {
	t.Helper()
	var table *fyne.Container
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if c, ok := o.(*fyne.Container); ok {
			if _, ok := c.Layout.(*columnsLayout); ok {
				table = c
			}
		}
		for _, ch := range children(o) {
			walk(ch)
		}
	}
	walk(root)
	if table == nil {
		t.Fatal("no environments table")
	}
	return table
}

// rowButton finds the button labelled label in the row of env of the
// maintenance window's table.
func rowButton(t *testing.T, m *Maintenance, env, label string) *widget.Button {
	t.Helper()
	table := findColumns(t, m.win.Canvas().Content())
	n := len(envColumns)
	for i := n; i+n <= len(table.Objects); i += n {
		if l, ok := table.Objects[i].(*widget.Label); ok && l.Text == env {
			for _, o := range children(table.Objects[i+n-1]) {
				if b := asButton(o); b != nil && b.Text == label {
					return b
				}
			}
		}
	}
	t.Fatalf("no button %q in the row of %s", label, env)
	return nil
}

// rowHas tells whether the row of env in the maintenance window's table
// has a button labelled text, or a label that says it.
func rowHas(t *testing.T, m *Maintenance, env, text string) bool {
	t.Helper()
	table := findColumns(t, m.win.Canvas().Content())
	n := len(envColumns)
	for i := n; i+n <= len(table.Objects); i += n {
		if l, ok := table.Objects[i].(*widget.Label); ok && l.Text == env {
			var found bool
			var walk func(o fyne.CanvasObject)
			walk = func(o fyne.CanvasObject) {
				if b := asButton(o); b != nil && b.Text == text {
					found = true
				}
				if l, ok := o.(*widget.Label); ok && l.Text == text {
					found = true
				}
				for _, c := range children(o) {
					walk(c)
				}
			}
			walk(table.Objects[i+n-1])
			return found
		}
	}
	t.Fatalf("no row of %s", env)
	return false
}

// asButton is o as a button (Fyne's or onboard's keyButton), else nil.
func asButton(o fyne.CanvasObject) *widget.Button {
	switch b := o.(type) {
	case *widget.Button:
		return b
	case *keyButton:
		return &b.Button
	}
	return nil
}

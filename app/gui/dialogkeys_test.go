//go:build !nogui && !solaris

package gui

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
)

// A dialog takes Enter and Esc, as people expect of one (audit N: Fyne's
// take neither, and the window's keys stood aside, so both did nothing):
// Enter answers a question's action, or its safe answer where the action
// destroys, and closes a message; Esc answers no and closes. The window's
// own keys come back once the dialog is gone.
func TestDialogsTakeEnterAndEsc(t *testing.T) {
	a := test.NewTempApp(t)
	win := a.NewWindow("keys")
	win.SetContent(widget.NewLabel("behind"))
	win.Resize(fyne.NewSize(800, 600))
	var reached []fyne.KeyName
	win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { reached = append(reached, ev.Name) })
	key := func(k fyne.KeyName) { win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k}) }
	open := func() bool { return win.Canvas().Overlays().Top() != nil }

	for _, c := range []struct {
		name     string
		destroys bool
		key      fyne.KeyName
		want     bool
	}{
		{"Enter on a question", false, fyne.KeyReturn, true},
		{"keypad Enter on a question", false, fyne.KeyEnter, true},
		{"Esc on a question", false, fyne.KeyEscape, false},
		{"Enter where the action destroys", true, fyne.KeyReturn, false},
		{"Esc where the action destroys", true, fyne.KeyEscape, false},
	} {
		answers := []bool{}
		confirm(win, "Do it?", "It does it.", "Do it", "Keep", c.destroys, func(yes bool) { answers = append(answers, yes) })
		if !open() {
			t.Fatalf("%s: the question did not open", c.name)
		}
		key(c.key)
		if open() || len(answers) != 1 || answers[0] != c.want {
			t.Errorf("%s: open %v, answers %v; want closed with %v", c.name, open(), answers, c.want)
		}
	}
	// a message closes on either key; what follows its closing runs
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEscape} {
		closed := 0
		presentThen(win, inform(win, "Done", "It is done."), func() { closed++ })
		findButton(t, win, "Close") // its one button says Close, as every message's (audit AX B8)
		key(k)
		if open() || closed != 1 {
			t.Errorf("%s on a message: open %v, closed %d times", k, open(), closed)
		}
	}
	showProblem(win, wizard.Explain("The install", errors.New("it failed"), ""))
	key(fyne.KeyEscape)
	if open() {
		t.Error("Esc left a problem open")
	}
	// no dialog key reached the window; with none open, keys do
	if len(reached) != 0 {
		t.Errorf("keys reached the window behind a dialog: %v", reached)
	}
	key(fyne.KeyReturn)
	key(fyne.KeyF1)
	if len(reached) != 2 {
		t.Errorf("the window's keys with no dialog open: %v", reached)
	}
	if len(openDialogs[win]) != 0 {
		t.Errorf("closed dialogs still held: %d", len(openDialogs[win]))
	}
}

package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// Fyne's dialogs take no key: Enter and Esc did nothing while one was
// open, and the window's own keys stand aside for it (audit N). present
// shows a dialog with the keys people expect of one: Esc closes it (the
// "no" answer of a question: Close, Not now, Keep installing) and Enter
// answers its default: the one button of a message, the action of a
// question, or, where the action destroys (Uninstall, Cancel the
// install), the safe answer, as desktop dialogs default to it.

// openDialog is a dialog present showed, and what Enter does on it.
type openDialog struct {
	d     dialog.Dialog
	enter func()
}

// openDialogs are each window's dialogs that present showed, newest last.
// Only the GUI's goroutine touches it.
var openDialogs = map[fyne.Window][]*openDialog{}

// keyed are the windows whose canvas routes keys to their dialogs.
var keyed = map[fyne.Window]bool{}

// present shows d on win: Enter confirms a *dialog.ConfirmDialog unless
// enterIsNo (its action destroys), and closes any other; Esc closes it.
func present(win fyne.Window, d dialog.Dialog, enterIsNo bool) {
	od := &openDialog{d: d, enter: d.Hide}
	if c, ok := d.(*dialog.ConfirmDialog); ok && !enterIsNo {
		od.enter = c.Confirm
	}
	openDialogs[win] = append(openDialogs[win], od)
	d.SetOnClosed(func() { forgetDialog(win, od) })
	if !keyed[win] {
		keyed[win] = true
		prev := win.Canvas().OnTypedKey()
		win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
			if !dialogKey(win, ev) && prev != nil {
				prev(ev)
			}
		})
	}
	d.Show()
}

// presentThen is present with closed run once the dialog is closed.
func presentThen(win fyne.Window, d dialog.Dialog, closed func()) {
	present(win, d, false)
	d.SetOnClosed(closed) // Fyne runs both
}

func forgetDialog(win fyne.Window, od *openDialog) {
	open := openDialogs[win]
	for i, o := range open {
		if o == od {
			openDialogs[win] = append(open[:i:i], open[i+1:]...)
			break
		}
	}
	if len(openDialogs[win]) == 0 {
		delete(openDialogs, win)
	}
}

// dialogKey handles ev for the newest dialog present showed on win, and
// says whether it did: Enter and Esc while one is open.
func dialogKey(win fyne.Window, ev *fyne.KeyEvent) bool {
	open := openDialogs[win]
	if len(open) == 0 {
		return false
	}
	od := open[len(open)-1]
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		od.enter()
	case fyne.KeyEscape:
		od.d.Hide()
	default:
		return false
	}
	return true
}

//go:build !nogui && !solaris

package gui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"onboard/app/launch"
	"onboard/app/wizard"
)

// showAddress shows an address that the person must open themselves (no
// browser or file manager could be opened): the message, the address as
// selectable text, and a Copy button that puts it on the clipboard.
func showAddress(a fyne.App, win fyne.Window, title, message, address string) {
	d := dialog.NewCustom(title, "Close", addressBody(a, message, address), win)
	d.Resize(fyne.NewSize(600, 0))
	present(win, d, false)
}

// addressBody is what showAddress shows: the message, the address as
// selectable text, and Copy.
func addressBody(a fyne.App, message, address string) fyne.CanvasObject {
	entry := widget.NewEntry()
	entry.SetText(address)
	copied := widget.NewLabel("")
	copyButton := newButton("Copy", nil, func() {
		a.Clipboard().SetContent(address)
		copied.SetText("Copied.")
	})
	return container.NewVBox(wrapped(message), container.NewBorder(nil, nil, nil, copyButton, entry), copied)
}

// The words for a Jupyter that runs where no browser could be opened, in
// the Finish page's and the maintenance window's dialog and in the window
// of the menu shortcut (showRunning).
const (
	runningTitle  = "Jupyter is running"
	noBrowserText = "No web browser was found to open it. Copy this address into your web browser; it holds the access token."
)

// showRunning turns win into the address of a Jupyter that runs where no
// browser could be opened, for a launch that has no other window (the menu
// shortcut): the dialog's words and Copy, and Close, which ends the app.
func showRunning(a fyne.App, win fyne.Window, url string) {
	win.SetTitle(runningTitle)
	closeButton := newButton("Close", nil, a.Quit)
	closeButton.Importance = widget.HighImportance
	win.SetContent(container.NewBorder(nil, container.NewBorder(nil, nil, nil, closeButton), nil, nil,
		addressBody(a, noBrowserText, url)))
	win.SetCloseIntercept(a.Quit)
	win.Resize(fyne.NewSize(600, 200))
	win.Show()
}

// showLaunchResult reports what Start Jupyter gave: nothing when the
// browser opened, the URL with Copy when none could be opened (Jupyter
// runs), else the problem.
func showLaunchResult(a fyne.App, win fyne.Window, err error, logPath string) {
	var nb *launch.NoBrowserError
	switch {
	case errors.As(err, &nb):
		showAddress(a, win, runningTitle, noBrowserText, nb.URL)
	case err != nil:
		showProblem(win, wizard.Explain("Starting Jupyter", err, logPath))
	}
}

// showFolder reports a folder that could not be opened in a file manager:
// where it is, with Copy (the reason, a missing xdg-open, goes to the log).
func showFolder(a fyne.App, win fyne.Window, title, path string) {
	showAddress(a, win, title, "No file manager could be opened here. Copy the folder's path into one, or into a terminal:", path)
}

// showFile is showFolder for a file that could not be opened (the log).
func showFile(a fyne.App, win fyne.Window, title, path string) {
	showAddress(a, win, title, "No program could be opened to show it here. Copy its path into a text editor, or into a terminal:", path)
}

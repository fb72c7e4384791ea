//go:build !nogui && !solaris

package gui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onboard/app/launch"
)

// JupyterStart is the window the Jupyter menu shortcut shows while Jupyter
// starts, which can take up to two minutes: with no window nothing showed
// that the click was taken, and the address of a Jupyter with no browser
// went to a stdout nobody sees (audit BO 2). It closes when the browser
// opens, shows the address to copy when none opens, and gives way to the
// launch-problem window (Repair) when the start fails.
type JupyterStart struct {
	win     fyne.Window
	app     fyne.App
	s       launch.Start
	bar     *widget.ProgressBarInfinite
	problem *LaunchProblem // the window of a failed start
	done    chan struct{}  // closed when the start has ended (tests)
}

// NewJupyterStart opens the window and starts s.Run.
func NewJupyterStart(ctx context.Context, a fyne.App, s launch.Start) *JupyterStart {
	js := &JupyterStart{app: a, s: s, bar: widget.NewProgressBarInfinite(), done: make(chan struct{})}
	js.win = a.NewWindow(s.Name)
	js.win.SetContent(container.NewVBox(wrapped(startingText(s)), js.bar))
	js.win.Resize(fyne.NewSize(460, 0))
	// Closing it only hides it: Jupyter goes on starting, and its address
	// or its problem still needs a window.
	js.win.SetCloseIntercept(js.win.Hide)
	go func() {
		err := s.Run(ctx)
		runOnUI(func() { js.finish(ctx, err) })
		close(js.done)
	}()
	return js
}

// startingText is what the window says while Jupyter starts.
func startingText(s launch.Start) string {
	where := ""
	if s.Env != "" {
		where = fmt.Sprintf(" in the %s environment", s.Env)
	}
	return fmt.Sprintf("Starting %s%s… (the first start can take a minute)", s.Name, where)
}

// Window returns the window.
func (js *JupyterStart) Window() fyne.Window { return js.win }

func (js *JupyterStart) finish(ctx context.Context, err error) {
	js.bar.Stop()
	var nb *launch.NoBrowserError
	switch {
	case err == nil:
		js.win.Close()
		js.app.Quit()
	case errors.As(err, &nb):
		showRunning(js.app, js.win, nb.URL)
	default:
		p := js.s.Problem
		p.Err = err
		js.problem = NewLaunchProblem(ctx, js.app, p)
		js.problem.win.SetMaster()
		js.problem.win.Show()
		js.win.Close()
	}
}

// Err is the error that remains: that of a failed start, nil once it was
// repaired; nil for a Jupyter that runs, with or without a browser.
func (js *JupyterStart) Err() error {
	if js.problem != nil {
		return js.problem.err
	}
	return nil
}

// RunJupyterStart shows s starting until the last window closes and
// returns the error that remains.
func RunJupyterStart(ctx context.Context, a fyne.App, s launch.Start) error {
	useReadableTheme(a)
	js := NewJupyterStart(ctx, a, s)
	js.win.Show()
	a.Run()
	return js.Err()
}

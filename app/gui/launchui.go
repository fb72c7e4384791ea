//go:build !nogui && !solaris

package gui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/installer"
)

// LaunchProblem is the window a desktop launcher shows when Jupyter cannot
// start: the problem with its hint and log, and Repair when the env is
// broken, which repairs and launches again.
type LaunchProblem struct {
	win    fyne.Window
	app    fyne.App
	p      launch.Problem
	body   *fyne.Container
	busy   *busyBar
	repair *widget.Button
	err    error
	done   chan struct{} // closed when a repair attempt finished (tests)
}

// NewLaunchProblem builds the window for p.
func NewLaunchProblem(ctx context.Context, a fyne.App, p launch.Problem) *LaunchProblem {
	lp := &LaunchProblem{app: a, p: p, err: p.Err, busy: newBusyBar(), done: closedChan()}
	lp.win = a.NewWindow(p.Name() + " could not start")
	lp.win.Resize(fyne.NewSize(640, 420))
	lp.body = container.NewVBox()
	lp.showProblem(p.Err)
	closeBtn := newButton("Close", nil, a.Quit)
	buttons := container.NewHBox(closeBtn)
	if p.Repairable() {
		repair := newButton("Repair", nil, func() { lp.runRepair(ctx) })
		lp.repair = &repair.Button
		lp.repair.Importance = widget.HighImportance
		buttons.Add(repair)
	}
	lp.win.SetContent(container.NewBorder(nil, container.NewBorder(nil, nil, nil, buttons), nil, nil,
		container.NewVScroll(container.NewVBox(lp.body, lp.busy.box))))
	return lp
}

// Window returns the window.
func (lp *LaunchProblem) Window() fyne.Window { return lp.win }

func (lp *LaunchProblem) showProblem(err error) {
	pr := wizard.Explain("Starting "+lp.p.Name(), err, lp.p.LogPath)
	var ee *launch.EnvError
	if lp.p.Repairable() && errors.As(err, &ee) && ee.Removed == "" && !ee.Gone {
		// the hint sent its reader to the maintenance window, beside this
		// window's own Repair (audit AX R10); a removed package or env is
		// not one the Repair here puts back, and keeps its own hint
		pr.Hint = "Click Repair below: it puts the environment back, then starts " + lp.p.Name() + " again."
	}
	lp.body.Objects = []fyne.CanvasObject{bold(pr.Title), problemContent(lp.win, pr)}
	lp.body.Refresh()
}

// runRepair repairs, then launches again; the window closes on success.
func (lp *LaunchProblem) runRepair(ctx context.Context) {
	lp.repair.Disable()
	lp.done = make(chan struct{})
	done := lp.done
	tr := &wizard.Tracker{OnChange: func(p wizard.Progress) { runOnUI(func() { lp.busy.show(p) }) }}
	lp.busy.done("Repairing…")
	go func() {
		err := lp.p.Repair(ctx, tr, nil)
		if err == nil {
			runOnUI(func() { lp.busy.done("Repaired. Starting " + lp.p.Name() + "…") })
			err = lp.p.Retry(ctx)
		}
		runOnUI(func() { lp.finish(err) })
		close(done)
	}()
}

func (lp *LaunchProblem) finish(err error) {
	var nb *launch.NoBrowserError
	if errors.As(err, &nb) {
		// repaired, and Jupyter runs: its address, as the start window
		// shows it (the retry of a menu shortcut's start returns this)
		lp.err = nil
		showRunning(lp.app, lp.win, nb.URL)
		return
	}
	lp.err = err
	if err == nil {
		lp.app.Quit()
		return
	}
	lp.busy.done("")
	lp.showProblem(err)
	lp.repair.Enable()
}

// RunLaunchProblem shows p until the window closes and returns the error
// that remains (nil after a repair and a good launch).
func RunLaunchProblem(ctx context.Context, a fyne.App, p launch.Problem) error {
	useReadableTheme(a)
	lp := NewLaunchProblem(ctx, a, p)
	lp.win.SetMaster()
	lp.win.Show()
	a.Run()
	return lp.err
}

var _ installer.Reporter = (*wizard.Tracker)(nil)

//go:build !nogui && !solaris

package gui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
	"onboard/installer"
)

// page is how the GUI renders one wizard step.
type page struct {
	view      func(w *Wizard) fyne.CanvasObject
	nextLabel string
	enter     func(w *Wizard) // called each time the step is shown
}

// pages maps each step of wizard.Steps to its view (set in init: the
// views refer back to show, which reads pages).
var pages map[wizard.StepID]page

func init() { pages = stepPages() }

func stepPages() map[wizard.StepID]page {
	return map[wizard.StepID]page{
		wizard.StepWelcome:  {view: (*Wizard).welcomeView, nextLabel: "Next"},
		wizard.StepLicence:  {view: (*Wizard).licenceView, nextLabel: "Next"},
		wizard.StepLocation: {view: (*Wizard).locationView, nextLabel: "Next", enter: (*Wizard).validateLocation},
		wizard.StepOptions:  {view: (*Wizard).optionsView, nextLabel: "Install", enter: (*Wizard).planOptions},
		wizard.StepInstall:  {view: (*Wizard).installView, nextLabel: "Next", enter: (*Wizard).startInstall},
		wizard.StepFinish:   {view: (*Wizard).finishView, nextLabel: "Close"},
	}
}

// Wizard is the install wizard's window.
type Wizard struct {
	// finishStarts: the Finish page has Start Jupyter, its primary button
	finishStarts bool
	ctx          context.Context
	app          fyne.App
	win          fyne.Window
	eng          wizard.Engine
	deps         Deps
	flow         *wizard.Flow
	log          *wizard.Log

	steps              *stepList
	body               *fyne.Container
	message            *widget.Label // why Next does not go on
	back, next, cancel *widget.Button
	views              map[wizard.StepID]fyne.CanvasObject

	location *locationPage
	options  *optionsPage
	install  *installPage
	result   *installer.Result
	err      error // how the session ended, for Run's caller
}

// NewWizard builds the wizard window on the bundle the engine finds. When
// there is none, the window shows why and only offers to close.
func NewWizard(ctx context.Context, a fyne.App, e wizard.Engine, d Deps) *Wizard {
	d = d.withDefaults(a)
	e = &reusedPlans{Engine: e, now: time.Now}
	w := &Wizard{ctx: ctx, app: a, eng: e, deps: d, views: map[wizard.StepID]fyne.CanvasObject{}}
	w.win = a.NewWindow("onboard")
	w.win.Resize(fyne.NewSize(820, 640))
	log, err := wizard.OpenLog(d.LogDir)
	if err == nil {
		w.log = log
		st, serr := wizard.NewState(ctx, e)
		if serr == nil && d.Prefix != "" {
			// --prefix: the folder the Location step starts with, as in
			// the console
			st.Prefix = wizard.ExpandHome(d.Prefix)
		}
		if serr == nil {
			w.flow = wizard.NewFlow(e, st)
			w.buildChrome()
			w.flow.GoTo(d.StartStep)
			w.show()
			return w
		}
		err = serr
	}
	w.err = err
	w.showFatal(wizard.Explain("Starting the installer", err, logPath(log)))
	return w
}

func logPath(l *wizard.Log) string {
	if l == nil {
		return ""
	}
	return l.Path
}

// Window returns the wizard's window.
func (w *Wizard) Window() fyne.Window { return w.win }

// Err returns the error that ended the session: nil after a good install
// or when the person closed the wizard before installing.
func (w *Wizard) Err() error { return w.err }

// buildChrome lays out the window: the bundle's icon and name on top, the
// six steps down the left with the current one marked, the step's page,
// and the buttons. Enter means Next and Esc means Cancel; Tab moves
// through the fields and buttons (Fyne's focus order).
func (w *Wizard) buildChrome() {
	m := w.flow.State.Bundle.Manifest
	w.win.SetTitle(fmt.Sprintf("Install %s %s", m.Name, m.Version))
	w.message = widget.NewLabel("")
	w.message.Importance = widget.DangerImportance
	w.message.Wrapping = fyne.TextWrapWord
	w.message.Hide()
	back, next, cancel := w.newButton("Back", theme.NavigateBackIcon(), w.onBack), w.newButton("Next", nil, w.onNext),
		w.newButton("Cancel", nil, w.onCancel)
	w.back, w.next, w.cancel = &back.Button, &next.Button, &cancel.Button
	w.next.Importance = widget.HighImportance
	w.body = container.NewStack()
	w.steps = newStepList(w.flow.Steps)
	buttons := container.NewHBox(back, next)
	bottom := container.NewVBox(widget.NewSeparator(), w.message, container.NewBorder(nil, nil, cancel, buttons))
	side := container.NewHBox(container.NewPadded(w.steps.box), widget.NewSeparator())
	top := container.NewVBox(banner(w.flow.State.Bundle.Icon(), m.Name, fmt.Sprintf("Version %s installer", m.Version)), widget.NewSeparator())
	w.win.SetContent(container.NewBorder(top, container.NewPadded(bottom), side, nil, container.NewPadded(w.body)))
	w.win.SetCloseIntercept(w.onCancel)
	w.win.Canvas().SetOnTypedKey(w.onKey)
}

// say shows text above the buttons (why Next does not go on); "" hides
// the line.
func (w *Wizard) say(text string) {
	w.message.Importance = widget.DangerImportance
	w.message.SetText(text)
	if text == "" {
		w.message.Hide()
	} else {
		w.message.Show()
	}
}

// note shows text where say does, as news rather than a refusal: not in
// the colour of an error.
func (w *Wizard) note(text string) {
	w.say(text)
	w.message.Importance = widget.MediumImportance
	w.message.Refresh()
}

// onKey is the window's keyboard: Enter = Next, Esc = Cancel. Keys typed
// into a field or a dialog do not get here.
func (w *Wizard) onKey(ev *fyne.KeyEvent) {
	if w.flow == nil || w.win.Canvas().Overlays().Top() != nil {
		return
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !w.next.Disabled() {
			w.onNext()
		}
	case fyne.KeyEscape:
		if !w.cancel.Disabled() {
			w.onCancel()
		}
	}
}

// show renders the current step.
func (w *Wizard) show() {
	st := w.flow.Current()
	p := pages[st.ID]
	v, ok := w.views[st.ID]
	if !ok {
		v = p.view(w)
		w.views[st.ID] = v
	}
	w.steps.mark(w.flow.Index())
	// a widget of the page left keeps no focus: Fyne would give it every
	// key, and Esc on the Install page went to Location's hidden folder field
	w.win.Canvas().Unfocus()
	w.body.Objects = []fyne.CanvasObject{v}
	w.body.Refresh()
	w.say("")
	w.next.SetText(p.nextLabel)
	// Finish's one primary button is its Start Jupyter (finishView); its
	// Close is plain (audit BO 4)
	if st.ID == wizard.StepFinish && w.finishStarts {
		w.next.Importance = widget.MediumImportance
	} else {
		w.next.Importance = widget.HighImportance
	}
	w.next.Refresh()
	w.setButtons(st.ID != wizard.StepWelcome && st.ID != wizard.StepFinish, true, st.ID != wizard.StepFinish)
	// after a finished install Back and Cancel mean nothing: gone, not
	// greyed out beside Close (audit Y2)
	for _, b := range []*widget.Button{w.back, w.cancel} {
		if st.ID == wizard.StepFinish {
			b.Hide()
		} else {
			b.Show()
		}
	}
	if p.enter != nil {
		p.enter(w)
	}
	if st.ID == wizard.StepLocation && w.location != nil {
		w.win.Canvas().Focus(w.location.entry) // the folder can be typed at once (audit Y2)
	}
}

func (w *Wizard) setButtons(back, next, cancel bool) {
	enable(w.back, back)
	enable(w.next, next)
	enable(w.cancel, cancel)
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (w *Wizard) onBack() {
	w.flow.Back()
	w.show()
}

func (w *Wizard) onNext() {
	switch w.flow.Current().ID {
	case wizard.StepFinish:
		w.app.Quit()
		return
	case wizard.StepInstall:
		if w.result == nil { // Retry after a failure or a cancel
			w.startInstall()
			return
		}
	}
	if err := w.flow.Next(w.ctx); err != nil {
		w.say(sentence(installer.Message(err)))
		return
	}
	w.show()
}

// onCancel cancels a running install, or asks before closing the wizard.
func (w *Wizard) onCancel() {
	if w.install != nil && w.install.running() {
		w.install.askCancel()
		return
	}
	if w.flow.Current().ID == wizard.StepFinish || w.result != nil {
		w.app.Quit()
		return
	}
	confirm(w.win, "Quit the installer?", "Nothing has been installed yet.", "Quit", "Keep going", false, func(yes bool) {
		if yes {
			w.app.Quit()
		}
	})
}

// showFatal fills the window with a problem that stops the wizard.
func (w *Wizard) showFatal(p wizard.Problem) {
	body := problemContent(w.win, p)
	closeBtn := newButton("Close", nil, w.app.Quit)
	w.win.SetTitle(p.Title) // the problem's, as a dialog's (it was "onboard": audit AU 17)
	w.win.SetContent(container.NewBorder(
		widget.NewLabelWithStyle(p.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, closeBtn), nil, nil, body))
}

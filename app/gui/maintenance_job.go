//go:build !nogui && !solaris

package gui

import (
	"context"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
	"onboard/installer"
)

// A job is the operation the maintenance window runs: a verify, repair,
// uninstall or upgrade, one at a time, with a Cancel of its own (audit
// BO 3: nothing could stop one, and closing the window left an upgrade's
// installer running unseen).
type job struct {
	what   string // "Repairing", as the status line says it
	stop   stopWords
	cancel context.CancelFunc
	// canStop is false once stopping would no longer stop it (an
	// uninstall removing files).
	canStop  bool
	stopped  bool          // the person stopped it
	closing  bool          // the window closes when it has ended
	question dialog.Dialog // the open question about stopping it, or nil
	onYes    func()        // runs when the person says to stop it (the window's close)
}

// stopWords say what stopping an operation does, as it really does it:
// its question, and the status line once it has stopped.
type stopWords struct {
	// title, msg, yes and no are the question; no title: it stops
	// without asking (a check changes nothing).
	title, msg, yes, no string
	stopping            string // the status line while it stops: "Stopping the repair"
	stopped             string // the health line once it has: "Repair stopped. …"
	// late is said when the window is closed once stopping no longer
	// stops it
	late string
	// stoppable tells whether stopping at p still stops it; nil: always.
	stoppable func(p wizard.Progress) bool
}

// jobSpec is an operation for runJob: op runs in a goroutine with the
// buttons disabled and progress shown, then after on the UI thread.
type jobSpec struct {
	what   string
	plan   *wizard.Plan               // the install an upgrade runs, for its progress; nil otherwise
	labels map[installer.Stage]string // the stages' names where not an install's (wizard.Tracker.Labels)
	stop   stopWords
	op     func(ctx context.Context, r installer.Reporter, logf installer.Logf) error
	// settle, when set, runs on the UI thread once op has returned,
	// stopped or not; after only when the person did not stop it.
	settle func()
	after  func(error)
}

// run runs op as a job that stops without asking.
func (m *Maintenance) run(what string, op func(ctx context.Context, r installer.Reporter, logf installer.Logf) error, after func(error)) {
	m.runJob(jobSpec{what: what, op: op, after: after, stop: stopWords{stopping: "Stopping", stopped: what + " was stopped."}})
}

// runJob starts s unless a job runs: one at a time (the Help menu's
// Repair during a verify ran both, audit Z).
func (m *Maintenance) runJob(s jobSpec) {
	if m.job != nil {
		return
	}
	ctx, cancel := context.WithCancel(m.ctx)
	j := &job{what: s.what, stop: s.stop, cancel: cancel, canStop: true}
	m.job = j
	restore := m.enterJob(s.what)
	m.done = make(chan struct{})
	done := m.done
	tr := &wizard.Tracker{Plan: s.plan, Labels: s.labels, Now: m.deps.Now, OnChange: func(p wizard.Progress) {
		runOnUI(func() { m.jobProgress(j, p) })
	}}
	go func() {
		err := s.op(ctx, tr, m.logf())
		cancel()
		runOnUI(func() {
			m.job = nil
			if j.question != nil {
				j.question.Hide() // its answer would do nothing now
				j.question = nil
			}
			restore()
			if s.settle != nil {
				s.settle()
			}
			if j.stopped && err != nil {
				m.showStopped(j, err)
			} else {
				s.after(err)
			}
			if j.closing {
				m.win.Close()
			}
		})
		close(done)
	}()
}

// enterJob shows that what runs: the buttons and the Help menu's
// operations wait, the status line says what runs, and the bar with
// Cancel takes the health line's place: the health line said "Repairing…"
// under a bar that said "Repairing: verifying files" (audit BO 6), and
// "Click Repair all to put it right" beside a disabled button (audit Y2).
// It returns what puts the window back at rest.
func (m *Maintenance) enterJob(what string) (restore func()) {
	for _, b := range m.buttons {
		b.Disable()
	}
	wasOff := make([]bool, len(m.jobItems))
	for i, it := range m.jobItems {
		wasOff[i], it.Disabled = it.Disabled, true
	}
	m.helpMenu.Refresh()
	m.busy.start(what)
	m.cancelBtn.Enable()
	m.atRest.Hide()
	m.progress.Show()
	return func() {
		for _, b := range m.buttons {
			b.Enable()
		}
		for i, it := range m.jobItems {
			it.Disabled = wasOff[i]
		}
		m.helpMenu.Refresh()
		m.busy.done("")
		m.progress.Hide()
		m.atRest.Show()
	}
}

// jobProgress shows p of j, and takes Cancel away once stopping would no
// longer stop j.
func (m *Maintenance) jobProgress(j *job, p wizard.Progress) {
	m.busy.show(p)
	if !j.canStop || j.stop.stoppable == nil || j.stop.stoppable(p) {
		return
	}
	j.canStop = false
	m.cancelBtn.Disable()
	if j.question != nil {
		j.question.Hide()
		j.question = nil
	}
}

// askStop asks whether to stop the running job, and stops it on a yes;
// then, when set, runs first (a close of the window, asked while the
// question was already open, waits for the same answer).
func (m *Maintenance) askStop(then func()) {
	j := m.job
	if j == nil || !j.canStop {
		return
	}
	if then != nil {
		j.onYes = then
	}
	if j.question != nil {
		return
	}
	yes := func() {
		if j.onYes != nil {
			j.onYes()
		}
		m.stopJob(j)
	}
	if j.stop.title == "" {
		yes()
		return
	}
	w := j.stop
	j.question = confirm(m.win, w.title, w.msg, w.yes, w.no, true, func(stop bool) {
		j.question = nil
		if !stop || m.job != j {
			j.onYes = nil
			return
		}
		yes()
	})
}

// stopJob cancels j; it ends when the operation has undone or kept what
// it did, as its question said.
func (m *Maintenance) stopJob(j *job) {
	j.stopped = true
	m.cancelBtn.Disable()
	m.busy.what = j.stop.stopping
	m.busy.status.SetText(j.stop.stopping + "…")
	j.cancel()
}

// showStopped says how a job the person stopped ended. Its outcome is not
// recorded as a check: a stopped repair's result read "healthy" for the
// packages it had not reached.
func (m *Maintenance) showStopped(j *job, err error) {
	installer.LogfOrNop(m.logf())("%s: stopped: %v", j.what, err)
	m.health.Importance = widget.WarningImportance
	m.health.SetText(j.stop.stopped)
}

// onClose is the window's close (its title bar's, File → Quit): at once
// at rest; while a job runs, after the question of its Cancel, and once
// the job has stopped: an upgrade's installer went on unseen, and a
// repair was left to the next run's recovery (audit BO 3).
func (m *Maintenance) onClose() {
	j := m.job
	switch {
	case j == nil:
		m.win.Close()
	case j.closing:
		// asked already: it closes when the job has ended
	case !j.canStop:
		j.closing = true
		present(m.win, inform(m.win, j.what, j.stop.late), false)
	default:
		m.askStop(func() { j.closing = true })
	}
}

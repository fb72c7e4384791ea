//go:build !nogui && !solaris

package gui

import (
	"time"

	"onboard/app/wizard"
	"onboard/installer"
)

// planDelay is how long typing must pause before the folder is planned
// again: a plan stats and reads the folder, so not one per keystroke.
const planDelay = 250 * time.Millisecond

// planner asks the engine for the install's plan off the UI thread and
// shows the newest answer through runOnUI; an answer to an older request
// is dropped. seq, shown and timer belong to the UI goroutine.
type planner struct {
	w     *Wizard
	show  func(p *installer.InstallPlan, err error)
	seq   int // the newest request
	shown int // the request whose answer is shown
	timer *time.Timer
}

func newPlanner(w *Wizard, show func(*installer.InstallPlan, error)) *planner {
	return &planner{w: w, show: show}
}

// schedule plans the wizard's choices as they are now, after delay.
func (p *planner) schedule(delay time.Duration) {
	p.seq++
	seq := p.seq
	if p.timer != nil {
		p.timer.Stop()
	}
	o := p.w.flow.State.Options(nil, nil) // a copy: the State belongs to the UI goroutine
	ctx, eng := p.w.ctx, p.w.eng
	run := func() {
		plan, err := wizard.CheckPlan(ctx, eng, o)
		runOnUI(func() {
			if seq != p.seq {
				return // a newer request is on its way
			}
			p.shown = seq
			p.show(plan, err)
		})
	}
	if delay <= 0 {
		go run()
		return
	}
	p.timer = time.AfterFunc(delay, run)
}

// settled tells whether the newest request's answer is shown.
func (p *planner) settled() bool { return p == nil || p.shown == p.seq }

// statusOf is the status line's look for a verdict.
func statusOf(v wizard.Verdict) int {
	switch v.Status {
	case wizard.StatusBad:
		return statusBad
	case wizard.StatusWarning:
		return statusWarning
	}
	return statusGood
}

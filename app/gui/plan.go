//go:build !nogui && !solaris

package gui

import (
	"context"
	"fmt"
	"sync"
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

// planReuse is how long a plan the wizard showed answers Next's check of
// the same choices. The install plans again as it starts, so a plan a few
// seconds old refuses nothing the install would not.
const planReuse = 10 * time.Second

// reusedPlans is the wizard's engine with the plan of the choices shown
// kept for Next: Next checks the step with the same plan the page already
// shows (wizard.Flow's Validate), and planned again on the UI thread, where
// the window froze while a slow disk, a network share or Wine answered
// (seconds, under Wine, with the clicks after it taken late).
type reusedPlans struct {
	wizard.Engine
	now func() time.Time

	mu   sync.Mutex
	key  string
	at   time.Time
	plan *installer.InstallPlan
	err  error
}

// Plan returns the plan of o, kept when it was made less than planReuse
// ago for the same choices.
func (r *reusedPlans) Plan(ctx context.Context, o installer.Options) (*installer.InstallPlan, error) {
	key := planKey(o)
	r.mu.Lock()
	if r.key == key && r.now().Sub(r.at) < planReuse {
		p, err := r.plan, r.err
		r.mu.Unlock()
		return p, err
	}
	r.mu.Unlock()
	p, err := r.Engine.Plan(ctx, o)
	if ctx.Err() == nil {
		r.mu.Lock()
		r.key, r.at, r.plan, r.err = key, r.now(), p, err
		r.mu.Unlock()
	}
	return p, err
}

// planKey is what a plan depends on among o's choices.
func planKey(o installer.Options) string {
	return fmt.Sprintf("%p|%q|%q|%v|%v|%v|%v|%v|%v|%v", o.Bundle, o.Prefix, o.Subdir, o.AllUsers, o.JupyterLauncher,
		o.MaintenanceLauncher, o.ShellSetup, o.NoShortcuts, o.Force, o.KeepPackageCache)
}

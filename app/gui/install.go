//go:build !nogui && !solaris

package gui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/internal/launchname"
)

// detailLines caps the Details pane.
const detailLines = 300

// installPage is the Install step: the bar, the stage, the package, the
// time left, and a Details pane with the log.
type installPage struct {
	w       *Wizard
	step    *widget.Label // "Part 3 of 4"
	heading *widget.Label // the page's heading, in the other steps' style: what is going on
	stage   *widget.Label // what the install does now, or how it ended
	item    *widget.Label
	bar     *widget.ProgressBar
	detail  *widget.Label // the time left
	details *widget.Label
	scroll  *container.Scroll
	page    *fyne.Container // the page, laid out again when a text's lines change

	mu      sync.Mutex
	lines   []string
	pending bool
	cancel  context.CancelFunc // nil when no install runs
	done    chan struct{}      // closed when the last install finished (tests wait on it)
	// question is "Cancel the install?" while it is open (UI thread).
	question dialog.Dialog
}

func (w *Wizard) installView() fyne.CanvasObject {
	// a heading as the other steps have, the stage a line under it
	// (audit AU 9: the stage in bold body text was the page's heading)
	ip := &installPage{w: w, step: widget.NewLabel(""), heading: pageHeading(installingHeading(w)), stage: widget.NewLabel("Preparing…"),
		item: wrapped(""), bar: newProgressBar(), detail: widget.NewLabel(""), details: widget.NewLabel("")}
	ip.details.TextStyle.Monospace = true
	ip.stage.Wrapping = fyne.TextWrapWord       // a failure's sentence must not widen the window
	ip.scroll = container.NewScroll(ip.details) // both ways: log lines are long
	ip.scroll.SetMinSize(fyne.NewSize(0, 180))
	w.install = ip
	details := newDisclosure("Details", ip.scroll, w.onKey)
	ip.page = container.NewVBox(ip.heading, container.NewBorder(nil, nil, nil, ip.step, ip.stage), ip.bar, ip.detail, ip.item, details.box)
	return ip.page
}

// installingHeading is the Install step's heading while it runs.
func installingHeading(w *Wizard) string {
	m := w.flow.State.Bundle.Manifest
	return "Installing " + m.Name + " " + m.Version
}

// setStage says s as the line under the page's heading (the heading is set
// before it, and laid out with it). A sentence that takes another
// line moves what is below it down: Fyne lays a box out again only when
// asked, and the bar was drawn over the second line of "Cancelled. …".
func (ip *installPage) setStage(s string) {
	ip.stage.SetText(s)
	ip.relayout()
}

// relayout places the page's rows again for their texts' heights: not
// Refresh, which would draw the whole log of Details again each update.
func (ip *installPage) relayout() {
	ip.page.Layout.Layout(ip.page.Objects, ip.page.Size())
}

func (ip *installPage) running() bool {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	return ip.cancel != nil
}

// startInstall runs the install in a goroutine; every widget change it
// causes goes through fyne.Do.
func (w *Wizard) startInstall() {
	ip := w.install
	if ip.running() {
		return
	}
	w.result = nil
	ctx, cancel := context.WithCancel(w.ctx)
	ip.mu.Lock()
	ip.cancel, ip.done = cancel, make(chan struct{})
	ip.mu.Unlock()
	ip.bar.SetValue(0)
	ip.stage.Importance = widget.MediumImportance
	ip.heading.SetText(installingHeading(w))
	ip.setStage("Preparing…")
	setShown(ip.item, "")
	ip.step.SetText("")
	setShown(ip.detail, "")
	w.next.SetText("Next")
	w.setButtons(false, false, true)
	w.cancel.SetText("Cancel")

	st := w.flow.State
	tr := &wizard.Tracker{Plan: wizard.PlanInstall(&st.Bundle.Manifest, st.Subdir), Now: w.deps.Now,
		OnChange: func(p wizard.Progress) { runOnUI(func() { ip.show(p) }) }}
	w.log.Tee = ip.addLine
	opts := w.flow.State.Options(tr, w.log.Logf)
	w.log.Logf("installing %s %s (%s) into %s", opts.Bundle.Manifest.Name, opts.Bundle.Manifest.Version, opts.Subdir, opts.Prefix)
	go func() {
		tick := time.NewTicker(time.Second) // speed and time left move on while a big file is written
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				tr.Tick()
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		res, err := w.eng.Install(ctx, opts)
		w.log.Logf("install finished: %v", errOrOK(err))
		runOnUI(func() { w.installDone(res, err) })
		ip.mu.Lock()
		ip.cancel = nil
		close(ip.done)
		ip.mu.Unlock()
		cancel()
	}()
}

func errOrOK(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

// show draws a progress snapshot: the step of the install, the stage and
// env, the bar over the whole install, the time left, the package. No
// byte count: the bar weighs each stage by its time (wizard.Progress.Bytes).
func (ip *installPage) show(p wizard.Progress) {
	if p.Done {
		return // installDone says how it ended
	}
	ip.bar.SetValue(p.Fraction)
	if p.Num > 0 {
		ip.step.SetText(fmt.Sprintf("Part %d of %d", p.Num, p.Count)) // the sidebar's are the steps
	}
	line := p.Label
	if p.Env != "" && line != "" {
		line = inEnv(line, p.Env)
	}
	ip.stage.SetText(line)
	setShown(ip.item, itemText(p.Item))
	setShown(ip.detail, withPercent(p.Fraction, p.Detail()))
	ip.relayout() // the item's name may take another line
}

// setShown shows text in l, and hides l while text is empty, so that an
// empty line leaves no gap (the time left before it is known).
func setShown(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// itemText names the package being worked on as people do, "tornado
// 6.2.0", not by its file's name (tornado-6.2.0-py_debian_cfe07cbf.conda).
func itemText(item string) string {
	if item == "" {
		return ""
	}
	dist := strings.TrimSuffix(strings.TrimSuffix(item, ".conda"), ".tar.bz2")
	if i := strings.LastIndex(dist, "-"); i > 0 {
		if j := strings.LastIndex(dist[:i], "-"); j > 0 {
			return "Package: " + dist[:j] + " " + dist[j+1:i]
		}
	}
	return "Package: " + item
}

// installDone shows the outcome; it runs on the UI thread.
func (w *Wizard) installDone(res *installer.Result, err error) {
	ip := w.install
	ip.flush()
	w.cancel.SetText("Cancel")
	// The install goes on while "Cancel the install?" is open: its end
	// closes the question, whose answer would now do nothing.
	asked := ip.question != nil
	if asked {
		q := ip.question
		ip.question = nil
		q.Hide()
	}
	if err == nil {
		if asked {
			defer present(w.win, inform(w.win, "The install had already finished",
				"The install finished before it could be cancelled, so it is kept. To remove it, open "+launchname.Maintenance(w.flow.State.Bundle.Manifest.Name)+" and click Uninstall."), false)
		}
		w.result, w.err = res, nil
		ip.bar.SetValue(1)
		ip.heading.SetText("Installed")
		ip.setStage("Installed.")
		setShown(ip.item, "")
		setShown(ip.detail, "")
		ip.step.SetText("")
		if res != nil && res.Prefix != "" {
			w.flow.State.Prefix = res.Prefix
		}
		delete(w.views, wizard.StepFinish) // built with the result
		if w.flow.Next(w.ctx) == nil {
			w.show()
		}
		return
	}
	w.err = err
	setShown(ip.item, "")
	setShown(ip.detail, "")
	w.next.SetText("Retry")
	w.setButtons(true, true, true)
	next := wizard.NextAfterFailure(err)
	problem := wizard.Explain("The install", err, w.log.Path)
	switch {
	case next.Cancelled:
		// asked for: said on the page, with no dialog to dismiss
		ip.bar.SetValue(0)
		ip.step.SetText("")
		ip.heading.SetText("The install was cancelled")
		ip.setStage(next.Says + " Click Install again to start over, or Cancel to quit.")
		w.next.SetText("Install again")
		return
	case !next.Retry:
		ip.heading.SetText("The install failed")
		ip.stage.Importance = widget.DangerImportance // a failure, in the colour of one
		ip.setStage(next.Says)
		w.next.SetText("Install")
		w.setButtons(next.Back, false, true)
	default:
		// the cause and its remedy stay on the page once the dialog is
		// closed, as one does with Enter: the page said only "The
		// install failed" twice, and Retry failed the same way (audit
		// BC 1)
		ip.heading.SetText("The install failed")
		ip.stage.Importance = widget.DangerImportance
		ip.setStage(strings.TrimSpace(sentence(problem.Message) + " " + next.SaysAfter(problem.Message)))
		what := "Click Retry, or Back to change the folder or options."
		if problem.Hint != "" {
			what = "What to do: " + sentence(problem.Hint) + " Then click Retry, or Back to change the folder or options."
		}
		setShown(ip.item, what)
		ip.relayout()
	}
	ip.bar.SetValue(0) // rolled back: the bar no longer reads "almost done"
	showProblem(w.win, problem)
}

// askCancel confirms, then cancels the running install (it rolls back).
func (ip *installPage) askCancel() {
	ip.question = confirm(ip.w.win, "Cancel the install?",
		"Everything installed so far will be removed again.", "Cancel the install", "Keep installing", true, func(yes bool) {
			ip.question = nil
			if !yes {
				return
			}
			ip.mu.Lock()
			cancel := ip.cancel
			ip.mu.Unlock()
			if cancel != nil {
				ip.heading.SetText("Cancelling the install")
				ip.setStage("Cancelling: undoing what was done…")
				ip.w.cancel.Disable()
				cancel()
			}
		})
}

// addLine queues a log line for the Details pane; safe from any goroutine.
func (ip *installPage) addLine(line string) {
	ip.mu.Lock()
	ip.lines = append(ip.lines, line)
	if len(ip.lines) > detailLines {
		ip.lines = ip.lines[len(ip.lines)-detailLines:]
	}
	start := !ip.pending
	ip.pending = true
	ip.mu.Unlock()
	if start {
		time.AfterFunc(100*time.Millisecond, func() { runOnUI(ip.flush) })
	}
}

// flush shows the queued lines; it runs on the UI thread.
func (ip *installPage) flush() {
	ip.mu.Lock()
	text := strings.Join(ip.lines, "\n")
	ip.pending = false
	ip.mu.Unlock()
	ip.details.SetText(text)
	ip.scroll.ScrollToBottom()
}

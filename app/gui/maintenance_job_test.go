//go:build !nogui && !solaris

package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
)

// stoppable is an engine whose verify, repair and uninstall report a
// stage, then run until they are cancelled, as the real ones stop; a
// stopped repair returns a result that reads healthy, as maintain.Repair's
// does for the packages it had not reached.
type stoppable struct {
	wizard.Engine
	started chan installer.Reporter
	next    chan installer.Stage // an uninstall's next stages
}

func newStoppable(e wizard.Engine) *stoppable {
	return &stoppable{Engine: e, started: make(chan installer.Reporter, 1), next: make(chan installer.Stage)}
}

func (e *stoppable) wait(ctx context.Context, r installer.Reporter, s installer.Stage) {
	r.Stage(s, 0)
	e.started <- r
	<-ctx.Done()
}

func (e *stoppable) Verify(ctx context.Context, _, _ string, r installer.Reporter, _ installer.Logf) (*wizard.Health, error) {
	e.wait(ctx, r, installer.StageVerify)
	return nil, ctx.Err()
}

func (e *stoppable) Repair(ctx context.Context, _, _ string, r installer.Reporter, _ installer.Logf) (*wizard.Health, error) {
	e.wait(ctx, r, installer.StageLink)
	return &wizard.Health{OK: true, Summary: "nothing needed repair"}, ctx.Err()
}

func (e *stoppable) Uninstall(ctx context.Context, _ string, r installer.Reporter, _ installer.Logf) error {
	r.Stage(installer.StageScripts, 1)
	e.started <- r
	for {
		select {
		case s := <-e.next:
			r.Stage(s, 0)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// started waits for e's operation to start, running the UI's work.
func (e *stoppable) waitStarted(t *testing.T) {
	t.Helper()
	for {
		select {
		case <-e.started:
			drainUI()
			return
		case f := <-uiQueue:
			f()
		}
	}
}

// A running repair has a Cancel, which asks first and says what stopping
// keeps; a stop is said on the health line, with no dialog, and is not
// recorded as a check (audit BO 3).
func TestMaintenanceRepairCanBeStopped(t *testing.T) {
	m, _, prefix := newMaintenance(t, &recorder{})
	waitClosed(t, m.done)
	before := wizard.ReadLastCheck(prefix)
	e := newStoppable(m.eng)
	m.eng = e
	tapButton(t, m.win, "Repair all")
	e.waitStarted(t)

	tapButton(t, m.win, "Cancel")
	mustContain(t, m.win, "Stop the repair?", "What it has put back so far is kept; run Repair again to finish.")
	closeDialog(t, m.win, "Keep repairing")
	select {
	case <-m.done:
		t.Fatal("Keep repairing stopped the repair")
	default:
	}
	tapButton(t, m.win, "Cancel")
	closeDialog(t, m.win, "Stop the repair")
	if b := findButton(t, m.win, "Cancel"); !b.Disabled() {
		t.Error("Cancel is still offered while the repair stops")
	}
	waitClosed(t, m.done)
	if m.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("a stop the person asked for shows a dialog:\n%s", texts(m.win))
	}
	if got := m.health.Text; got != "Repair stopped. What it had put back is kept; click Repair all to finish." {
		t.Errorf("after the stop the health line says %q", got)
	}
	if after := wizard.ReadLastCheck(prefix); after != nil && (before == nil || !after.Time.Equal(before.Time)) {
		t.Errorf("the stopped repair was recorded as a check: %+v", after.Health)
	}
	if visibleButton(m.win, "Cancel") != nil || findButton(t, m.win, "Repair all").Disabled() {
		t.Error("after the stop the window is not back at rest")
	}
}

// A check changes nothing: its Cancel stops it without asking.
func TestMaintenanceVerifyStopsWithoutAsking(t *testing.T) {
	m, _, _ := newMaintenance(t, &recorder{})
	waitClosed(t, m.done)
	e := newStoppable(m.eng)
	m.eng = e
	tapButton(t, m.win, "Verify all")
	e.waitStarted(t)
	tapButton(t, m.win, "Cancel")
	waitClosed(t, m.done)
	if m.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("stopping a check asked, or showed a dialog:\n%s", texts(m.win))
	}
	if got := m.health.Text; !strings.HasPrefix(got, "Verify stopped before it finished") {
		t.Errorf("after the stop the health line says %q", got)
	}
}

// An uninstall stops only before it removes anything: Cancel goes, and an
// open question with it, once it removes the shortcuts.
func TestMaintenanceUninstallCancelGoesOnceItRemoves(t *testing.T) {
	m, _, _ := newMaintenance(t, &recorder{})
	waitClosed(t, m.done)
	e := newStoppable(m.eng)
	m.eng = e
	m.uninstall()
	e.waitStarted(t)
	tapButton(t, m.win, "Cancel")
	mustContain(t, m.win, "Stop the uninstall?", "Nothing has been removed yet")
	e.next <- installer.StageLaunchers
	runUIUntil(t, m.win, "Uninstalling: removing the shortcuts")
	if m.win.Canvas().Overlays().Top() != nil {
		t.Errorf("the question stays open once stopping no longer stops:\n%s", texts(m.win))
	}
	if b := findButton(t, m.win, "Cancel"); !b.Disabled() {
		t.Error("Cancel is offered while the uninstall removes files")
	}
	// closing the window now says it closes when the uninstall is done
	m.onClose()
	mustContain(t, m.win, "can no longer be stopped")
	closeDialog(t, m.win, "Close")
	if !m.job.closing {
		t.Error("the window will not close when the uninstall is done")
	}
	m.job.cancel() // the test's uninstall ends on it
	waitClosed(t, m.done)
}

// Closing the window while an upgrade runs asks as its Cancel does; a yes
// stops the installer (the context RunUpgrade runs it with) and closes the
// window only once it has ended; at rest the window closes at once.
func TestMaintenanceCloseStopsTheUpgradeFirst(t *testing.T) {
	m, _, prefix := newMaintenance(t, &recorder{})
	waitClosed(t, m.done)
	started, stopped := make(chan struct{}), make(chan struct{})
	closed, early := false, false
	m.win.SetOnClosed(func() {
		closed = true
		select {
		case <-stopped:
		default:
			early = true
		}
	})
	m.deps.RunUpgrade = func(ctx context.Context, _ []string, r installer.Reporter, _ installer.Logf) (*installer.Result, error) {
		r.Stage(installer.StageExtract, 0)
		close(started)
		<-ctx.Done()
		close(stopped) // the installer has rolled back and ended
		return nil, ctx.Err()
	}
	f, err := wizard.ReadInstaller(wizardtest.BundleFileVersion(t, "2026.12.0"))
	if err != nil {
		t.Fatal(err)
	}
	m.upgrade(f)
	<-started
	drainUI()
	m.onClose()
	mustContain(t, m.win, "Stop the upgrade?", "version 2026.11.0 is put back as it was")
	closeDialog(t, m.win, "Keep upgrading")
	if closed {
		t.Fatal("Keep upgrading closed the window")
	}
	// closed while Cancel's question is open: the same answer closes it
	tapButton(t, m.win, "Cancel")
	m.onClose()
	closeDialog(t, m.win, "Stop the upgrade")
	waitClosed(t, m.done)
	if early {
		t.Fatal("the window closed before the upgrade's installer ended")
	}
	if !closed {
		t.Fatal("the window did not close once the upgrade had stopped")
	}
	if got := m.health.Text; got != "Upgrade stopped. Version 2026.11.0 is kept as it was." {
		t.Errorf("after the stop the health line says %q", got)
	}
	if in, err := wizard.ReadInstalled(prefix); err != nil || in.Manifest.Version != "2026.11.0" {
		t.Errorf("the install after the stop: %+v, %v", in, err)
	}

	m2, _, _ := newMaintenance(t, &recorder{})
	waitClosed(t, m2.done)
	closed = false
	m2.win.SetOnClosed(func() { closed = true })
	m2.onClose()
	if !closed || m2.win.Canvas().Overlays().Top() != nil {
		t.Error("at rest the window does not close at once")
	}
}

// While a job runs, its bar and Cancel take the health line's place: the
// table keeps the height it has at rest, where a bar stacked above the
// footer cut its last line (audit BO 6).
func TestMaintenanceProgressKeepsTheTablesRoom(t *testing.T) {
	m, _, _ := newMaintenance(t, &recorder{})
	waitClosed(t, m.done)
	<-m.sized
	drainUI()
	table := func() (need, have float32) {
		m.win.Resize(fyne.NewSize(921, 481))
		m.win.Resize(fyne.NewSize(920, 480)) // the window's own size
		var sc *container.Scroll
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			if s, ok := o.(*container.Scroll); ok && sc == nil {
				sc = s
			}
			for _, c := range children(o) {
				walk(c)
			}
		}
		walk(m.win.Content())
		return sc.Content.MinSize().Height, sc.Size().Height
	}
	_, atRest := table()
	release := make(chan struct{})
	m.run("Repairing", func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
		<-release
		return nil
	}, func(error) {})
	m.busy.show(wizard.Progress{Label: "Verifying files", Item: "team: tornado-6.2.0-py_0.conda", Fraction: 0.5, BytesDone: 1300000, BytesTotal: 2600000})
	need, have := table()
	if have < atRest || need > have+0.5 {
		t.Errorf("during a repair the table needs %.0f px and gets %.0f (%.0f at rest)", need, have, atRest)
	}
	close(release)
	waitClosed(t, m.done)
}

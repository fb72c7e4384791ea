//go:build !nogui && !solaris

package gui

import (
	"context"
	"errors"
	"fyne.io/fyne/v2/widget"
	"onboard/app/launch"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
)

func newWizard(t *testing.T, e wizard.Engine, r *recorder, start wizard.StepID) *Wizard {
	t.Helper()
	a := test.NewTempApp(t)
	d := r.deps(t)
	d.StartStep = start
	wz := NewWizard(context.Background(), a, e, d)
	if wz.Err() != nil {
		t.Fatalf("wizard did not start: %v", wz.Err())
	}
	return wz
}

// walkToOptions goes Welcome → Licence → Location → Options with checks
// of every step on the way.
func walkToOptions(t *testing.T, wz *Wizard, e *wizardtest.Engine) {
	w := wz.Window()
	mustContain(t, w, "Welcome to Test Python 2026.11.0", "Environment\nPackages\nSize in the installer\n",
		"base\n1\n", "team\n2\n", "Total\n3\n", "This is a demo bundle", "Space needed on disk",
		"Test Python\nVersion 2026.11.0 installer\n", "Show the packages (3)")
	if strings.Contains(texts(w), "jupyterlab") {
		t.Fatal("the package list is open before it is asked for")
	}
	openDisclosure(t, w, "Show the packages (3)")
	mustContain(t, w, "Package\nVersion\nSize in the installer\njupyterlab\n1.0\n", "teamlib\n", "Package\nVersion\nSize in the installer\npybase\n")
	if !wz.back.Disabled() {
		t.Fatal("Back is enabled on Welcome")
	}
	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepLicence)
	mustContain(t, w, wizardtest.Licence)

	tapButton(t, w, "Next") // not accepted
	stepIs(t, wz, wizard.StepLicence)
	mustContain(t, w, "You need to accept the licence to install.") // as a sentence (audit Y2)
	test.Tap(findCheck(t, w, "I accept the licence"))
	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepLocation)

	def := filepath.Join(e.Home, "test-python")
	if wz.location.entry.Text != def {
		t.Fatalf("default prefix %q, want %q", wz.location.entry.Text, def)
	}
	settle(t, wz)
	mustContain(t, w, "This folder can be used.", "Space needed on disk: about ")
	statusIs(t, wz.location.status, theme.ConfirmIcon())
	wz.location.entry.SetText("relative/dir")
	settle(t, wz)
	mustContain(t, w, "This folder cannot be used: ", "not an absolute path")
	statusIs(t, wz.location.status, theme.ErrorIcon())
	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepLocation)
	wz.location.entry.SetText(filepath.Join(e.Home, "with space"))
	settle(t, wz)
	mustContain(t, w, "Warning: ", "has spaces")
	statusIs(t, wz.location.status, theme.WarningIcon())

	tapButton(t, w, "Back")
	stepIs(t, wz, wizard.StepLicence)
	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepLocation)
	wz.location.entry.SetText(def)
	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepOptions)
	s := wz.flow.State
	if !s.JupyterLauncher || !s.MaintenanceLauncher || s.ShellSetup || s.AllUsers {
		t.Fatalf("option defaults: %+v", s)
	}
	if findButton(t, w, "Install") == nil {
		t.Fatal("no Install button")
	}
	settle(t, wz)
	mustContain(t, w, "Test Python 2026.11.0 will be installed in ", "Shortcuts in "+wizard.LauncherMenu(runtime.GOOS)+": Jupyter Lab, Test Python Maintenance.")
}

func TestWizardWalkAndInstall(t *testing.T) {
	e := wizardtest.NewEngine(t)
	r := &recorder{}
	wz := newWizard(t, e, r, wizard.StepWelcome)
	w := wz.Window()
	walkToOptions(t, wz, e)
	tapButton(t, w, "Install")
	stepIs(t, wz, wizard.StepInstall)
	waitClosed(t, wz.install.done)

	if wz.Err() != nil {
		t.Fatalf("install failed: %v\n%s", wz.Err(), markup(w))
	}
	stepIs(t, wz, wizard.StepFinish)
	mustContain(t, w, "Test Python 2026.11.0 is installed in", "Start Jupyter", "Open notebooks folder")
	if wz.back.Visible() || wz.cancel.Visible() || wz.next.Text != "Close" {
		t.Error("Finish shows Back or Cancel, or its button is not Close")
	}
	// the page is there to start Jupyter: that is its one primary
	// button, and Close a plain one (audit BO 4: the eye went to a blue
	// Close); Enter still closes, the safe default
	if b := findButton(t, w, "Start Jupyter"); b.Importance != widget.HighImportance || wz.next.Importance == widget.HighImportance {
		t.Errorf("Start Jupyter's importance %v, Close's %v; want Start Jupyter the one primary button", b.Importance, wz.next.Importance)
	}
	// a bundle without Jupyter: no Start Jupyter, and Close is primary
	wz.flow.State.Bundle.Manifest.Launchers, wz.finishStarts = nil, false
	delete(wz.views, wizard.StepFinish)
	wz.show()
	if strings.Contains(texts(w), "Start Jupyter") || !strings.Contains(texts(w), "Open install folder") || wz.next.Importance != widget.HighImportance {
		t.Errorf("Finish without Jupyter: Close's importance %v:\n%s", wz.next.Importance, texts(w))
	}
	if _, err := wizard.ReadInstalled(wz.flow.State.Prefix); err != nil {
		t.Fatalf("after the wizard: %v", err)
	}
}

func TestWizardErrorDialogAndGoingBack(t *testing.T) {
	e := wizardtest.NewEngine(t)
	wz := newWizard(t, &wizardtest.Failing{Engine: e, Err: wizardtest.ErrDiskFull}, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	walkToOptions(t, wz, e)
	tapButton(t, w, "Install")
	waitClosed(t, wz.install.done)
	mustContain(t, w, "The install failed", "needs 1.2 GB, 300 MB free",
		"What to do", "Free some space or choose another disk", wz.log.Path)
	if n := len(w.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d dialogs, want exactly one", n)
	}
	if installer.ExitCode(wz.Err()) != installer.ExitTarget {
		t.Fatalf("session error %v", wz.Err())
	}
	if wz.install.bar.Value != 0 { // rolled back: not "almost done"
		t.Fatalf("the bar shows %.2f after a failure", wz.install.bar.Value)
	}
	if wz.install.stage.Importance != widget.DangerImportance { // in the colour of a failure (audit Y2)
		t.Errorf("the failure's line has importance %v", wz.install.stage.Importance)
	}
	if h := wz.install.heading.Text; h != "The install failed" {
		t.Errorf("the heading after a failure: %q", h)
	}
	closeDialog(t, w, "Close")
	// the dialog closed, the page still says why and what to do (audit
	// BC 1: "The install failed" twice, and nothing of the cause)
	mustContain(t, w, "needs 1.2 GB, 300 MB free", "What to do: Free some space or choose another disk", "Then click Retry")
	if strings.Count(texts(w), "The install failed") != 1 {
		t.Errorf("the page says 'The install failed' more than once:\n%s", texts(w))
	}
	tapButton(t, w, "Back")
	tapButton(t, w, "Back")
	stepIs(t, wz, wizard.StepLocation)
	other := filepath.Join(e.Home, "elsewhere")
	wz.location.entry.SetText(other)
	tapButton(t, w, "Next")
	tapButton(t, w, "Install")
	waitClosed(t, wz.install.done)
	if wz.flow.State.Prefix != other {
		t.Fatalf("prefix %q", wz.flow.State.Prefix)
	}
	mustContain(t, w, "Retry")
	// the failure's sentences wrap: the window needs no more width than
	// it opened with
	if min := w.Content().MinSize().Width; min > 820 {
		t.Fatalf("after a failure the window needs %.0f px, wider than its 820", min)
	}
}

// The system's words for a failure are a small line of their own under
// the message, which reads as one cause and ends as a sentence: the
// dialog's sentence ended in "(write …: no space left on device)".
func TestWizardErrorDialogSaysTheSystemsWordsApart(t *testing.T) {
	e := wizardtest.NewEngine(t)
	full := &installer.TargetError{Path: "/x", Reason: "the disk became full; the folder is as it was before",
		Advice: "free some space and try again", Detail: `write "/x/lib/a.so": no space left on device`}
	wz := newWizard(t, &wizardtest.Failing{Engine: e, Err: full}, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	walkToOptions(t, wz, e)
	tapButton(t, w, "Install")
	waitClosed(t, wz.install.done)
	said := textsOf(w.Canvas().Overlays().List()...)
	for _, want := range []string{"Cannot install into \"/x\": the disk became full; the folder is as it was before.\n",
		"The system said: write \"/x/lib/a.so\": no space left on device\n"} {
		if !strings.Contains(said, want) {
			t.Errorf("the dialog does not say %q:\n%s", want, said)
		}
	}
	if strings.Count(said, "no space left on device") != 1 {
		t.Errorf("the system's words are not said once, apart:\n%s", said)
	}
	// the page under it says the folder is unchanged once: its message
	// says so, and the page added it again (audit BO 5)
	closeDialog(t, w, "Close")
	if page := texts(w); strings.Count(page, "as it was before") != 1 {
		t.Errorf("the page says the folder is as it was %d times:\n%s", strings.Count(page, "as it was before"), page)
	}
}

// A bundle error (exit 3) is the installer file's: no folder, option or
// retry helps, so none is offered.
func TestWizardBundleErrorOffersNoRetry(t *testing.T) {
	e := wizardtest.NewEngine(t)
	bad := &installer.BundleError{Reason: "package x-1.0-0.conda is damaged"}
	wz := newWizard(t, &wizardtest.Failing{Engine: e, Err: bad}, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	walkToOptions(t, wz, e)
	tapButton(t, w, "Install")
	waitClosed(t, wz.install.done)
	mustContain(t, w, "The install failed", "x-1.0-0.conda is damaged", "Download the installer again")
	closeDialog(t, w, "Close")
	mustContain(t, w, "This installer file cannot be used, so nothing was changed.")
	if !wz.next.Disabled() || !wz.back.Disabled() || strings.Contains(texts(w), "Retry") {
		t.Fatalf("Retry or Back offered for a damaged installer:\n%s", texts(w))
	}
}

func TestWizardCancelRollsBack(t *testing.T) {
	e := wizardtest.NewBlocking(wizardtest.NewEngine(t))
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	walkToOptions(t, wz, e.Engine)
	tapButton(t, w, "Install")
	waitClosed(t, e.Started)
	mustContain(t, w, "Unpacking packages in the base environment", "Part 1 of 2", "Package: jupyterlab 1.0")
	// a heading in the other steps' style, the stage a line under it
	// (audit AU 9)
	if h := wz.install.heading; h.Text != "Installing Test Python 2026.11.0" || h.SizeName != theme.SizeNameSubHeadingText || wz.install.stage.TextStyle.Bold {
		t.Errorf("the Install page's heading %q (size %q), its stage bold: %v", h.Text, h.SizeName, wz.install.stage.TextStyle.Bold)
	}
	if s := texts(w); regexp.MustCompile(`B of [0-9]`).MatchString(s) || strings.Contains(s, "B/s") {
		t.Fatalf("the install page shows bytes beside a bar weighed by time:\n%s", s)
	}
	if !wz.back.Disabled() || !wz.next.Disabled() {
		t.Fatal("Back or Next enabled while installing")
	}
	tapButton(t, w, "Cancel")
	mustContain(t, w, "Cancel the install?")
	tapButton(t, w, "Cancel the install")
	waitClosed(t, wz.install.done)
	if !errors.Is(wz.Err(), context.Canceled) {
		t.Fatalf("session error %v, want cancelled", wz.Err())
	}
	// a cancel asked for is said on the page, with no dialog to dismiss,
	// and the bar no longer looks half done
	if w.Canvas().Overlays().Top() != nil {
		t.Fatalf("a dialog after a cancel:\n%s", texts(w))
	}
	mustContain(t, w, "What the install had written was removed: the folder is as it was before.", "Install again")
	if h := wz.install.heading.Text; h != "The install was cancelled" {
		t.Errorf("the heading after a cancel: %q", h)
	}
	// the sentence takes two lines, and the bar moves down for them: it
	// was drawn over the second (audit N)
	drv := fyne.CurrentApp().Driver()
	st, bar := wz.install.stage, wz.install.bar
	if bottom, top := drv.AbsolutePositionForObject(st).Y+st.MinSize().Height, drv.AbsolutePositionForObject(bar).Y; bottom > top+0.5 {
		t.Fatalf("the heading's text ends at %.0f, below the bar's top %.0f (the heading %.0f high, %.0f wide)", bottom, top, st.MinSize().Height, st.Size().Width)
	}
	if wz.install.bar.Value != 0 {
		t.Fatalf("the bar shows %.2f after the cancel", wz.install.bar.Value)
	}
	wz.flush()
	if !strings.Contains(wz.install.details.Text, "extracting jupyterlab-1.0-0.conda") {
		t.Fatalf("details pane: %q", wz.install.details.Text)
	}
	tapButton(t, w, "Back")
	stepIs(t, wz, wizard.StepOptions)
}

// A field focused on one page keeps no focus on the next: Esc on the
// Install page, after the folder was typed on Location, went to the hidden
// field and did not cancel.
func TestEscCancelsAfterTheFolderWasTyped(t *testing.T) {
	e := wizardtest.NewBlocking(wizardtest.NewEngine(t))
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	key := func(k fyne.KeyName) { // as the driver does: to the widget that has focus, if one has
		ev := &fyne.KeyEvent{Name: k}
		if f := w.Canvas().Focused(); f != nil {
			f.TypedKey(ev)
		} else {
			w.Canvas().OnTypedKey()(ev)
		}
		drainUI()
	}
	walkToOptions(t, wz, e.Engine)
	tapButton(t, w, "Back")
	stepIs(t, wz, wizard.StepLocation)
	w.Canvas().Focus(wz.location.entry) // the folder typed in
	key(fyne.KeyReturn)
	stepIs(t, wz, wizard.StepOptions)
	key(fyne.KeyReturn) // Install
	waitClosed(t, e.Started)
	drainUI()
	key(fyne.KeyEscape)
	mustContain(t, w, "Cancel the install?")
	tapButton(t, w, "Cancel the install")
	waitClosed(t, wz.install.done)
}

// The install goes on while "Cancel the install?" is open. When it ends
// first, the question closes (its answer would do nothing, and it said
// everything would be removed) and the window says the install is kept.
func TestCancelQuestionClosesWhenTheInstallEnds(t *testing.T) {
	e := wizardtest.NewBlocking(wizardtest.NewEngine(t))
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	walkToOptions(t, wz, e.Engine)
	tapButton(t, w, "Install")
	waitClosed(t, e.Started)
	tapButton(t, w, "Cancel")
	mustContain(t, w, "Cancel the install?")
	close(e.Release)
	waitClosed(t, wz.install.done)
	drainUI()
	stepIs(t, wz, wizard.StepFinish)
	if s := texts(w); strings.Contains(s, "Cancel the install?") || !strings.Contains(s, "The install finished before it could be cancelled, so it is kept.") {
		t.Fatalf("after the install ended under the question:\n%s", s)
	}
}

func TestWizardFinish(t *testing.T) {
	e := wizardtest.NewEngine(t) // a home of its own, where the notebooks folder is made
	r := &recorder{}
	wz := newWizard(t, e, r, wizard.StepFinish)
	w := wz.Window()
	prefix := wz.flow.State.Prefix
	notebooks, _ := launch.DefaultNotebookDir()
	mustContain(t, w, "Test Python 2026.11.0 is installed in "+prefix, wizard.LogPath(prefix),
		"Your notebooks are saved in "+notebooks+".", "Once started, Jupyter keeps running after you close this window.",
		"To work in the team environment in a terminal, open Test Python Maintenance and click Terminal on its team row.")
	tapButton(t, w, "Start Jupyter")
	// while it starts: said as news, not in the colour of an error
	if wz.message.Text != "Starting Jupyter…" || wz.message.Importance == widget.DangerImportance {
		t.Fatalf("while Jupyter starts the window says %q, importance %v", wz.message.Text, wz.message.Importance)
	}
	if got := <-r.launched; got != prefix+"|team" {
		t.Fatalf("launched %v", got)
	}
	for wz.message.Text == "Starting Jupyter…" { // its end clears the news
		runNextUI(t)
	}
	wz.say("refused")
	if wz.message.Importance != widget.DangerImportance {
		t.Fatal("a refusal after the news is not in the colour of an error")
	}
	// the folder opened is the notebooks', made when missing (audit BC 6)
	tapButton(t, w, "Open notebooks folder")
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.urls) != 1 || r.urls[0] != fileURL(notebooks).String() {
		t.Fatalf("opened %v, want %s", r.urls, fileURL(notebooks))
	}
	if fi, err := os.Stat(notebooks); err != nil || !fi.IsDir() {
		t.Fatalf("the notebooks folder was not made: %v", err)
	}
	if findButton(t, w, "Close").Disabled() || !wz.back.Disabled() {
		t.Fatal("Finish: Close must be enabled and Back disabled")
	}
}

func TestWizardWithoutBundle(t *testing.T) {
	e := wizardtest.NewEngine(t)
	e.BundlePath = filepath.Join(t.TempDir(), "missing.zip")
	a := test.NewTempApp(t)
	wz := NewWizard(context.Background(), a, e, (&recorder{}).deps(t))
	if installer.ExitCode(wz.Err()) != installer.ExitBundle {
		t.Fatalf("error %v, want a bundle error", wz.Err())
	}
	mustContain(t, wz.Window(), "Starting the installer failed", "missing.zip", "What to do", "Download the installer again")
	findButton(t, wz.Window(), "Close")
}

func TestWizardKeyboard(t *testing.T) {
	e := wizardtest.NewEngine(t)
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	key := func(k fyne.KeyName) {
		// as the driver does: to the widget that has focus, if one has
		if f := w.Canvas().Focused(); f != nil {
			f.TypedKey(&fyne.KeyEvent{Name: k})
		} else {
			w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
		}
		drainUI()
	}
	key(fyne.KeyReturn)
	stepIs(t, wz, wizard.StepLicence)
	key(fyne.KeyEnter) // the keypad's Enter too; the licence is not accepted yet
	stepIs(t, wz, wizard.StepLicence)
	mustContain(t, w, "You need to accept the licence to install.") // as a sentence (audit Y2)

	// Tab reaches the licence check box, and Space ticks it.
	c := w.Canvas()
	accept := findCheck(t, w, "I accept the licence")
	for i := 0; i < 10 && c.Focused() != accept; i++ {
		c.FocusNext()
	}
	if c.Focused() != accept {
		t.Fatal("Tab never reaches the licence check box")
	}
	accept.TypedRune(' ')
	if !wz.flow.State.LicenceAccepted {
		t.Fatal("Space on the focused check box did not accept the licence")
	}
	// Enter with the check box focused is still Next (Fyne gives it the key)
	key(fyne.KeyReturn)
	stepIs(t, wz, wizard.StepLocation)

	// Enter in the folder field is Next as well.
	wz.location.entry.OnSubmitted(wz.location.entry.Text)
	drainUI()
	stepIs(t, wz, wizard.StepOptions)

	// Tab reaches Back, and Enter presses it (Fyne's button takes only
	// Space); Esc there is still Cancel.
	back := findButton(t, w, "Back")
	for i := 0; i < 20 && (c.Focused() == nil || asButton(c.Focused().(fyne.CanvasObject)) != back); i++ {
		c.FocusNext()
	}
	if c.Focused() == nil || asButton(c.Focused().(fyne.CanvasObject)) != back {
		t.Fatal("Tab never reaches Back")
	}
	key(fyne.KeyReturn)
	stepIs(t, wz, wizard.StepLocation)

	key(fyne.KeyEscape)
	mustContain(t, w, "Quit the installer?")
	key(fyne.KeyEscape) // the question's Esc is its "Keep going", not the wizard's
	if w.Canvas().Overlays().Top() != nil {
		t.Fatalf("Esc left the question open:\n%s", texts(w))
	}
	stepIs(t, wz, wizard.StepLocation)
}

// The Location step shows the plan's verdict as the folder is typed: an
// older install there is an upgrade, a newer one is refused before
// Install, this version is nothing to do; the Options step says what
// Install would do and which launchers it makes, as the boxes change.
func TestWizardShowsThePlanAsYouType(t *testing.T) {
	e := wizardtest.NewEngine(t)
	older, newer := filepath.Join(e.Home, "older"), filepath.Join(e.Home, "newer")
	wizardtest.InstallVersions(t, map[string]string{older: "2026.10.0", newer: "2027.1.0"})
	wz := newWizard(t, e, &recorder{}, wizard.StepLocation)
	w := wz.Window()
	settle(t, wz)
	statusIs(t, wz.location.status, theme.ConfirmIcon())

	wz.location.entry.SetText(older)
	settle(t, wz)
	mustContain(t, w, "This folder can be used. Install will upgrade Test Python 2026.10.0 here to 2026.11.0.")
	// a warning, not a tick: what a person put inside the packages'
	// folders is not kept
	statusIs(t, wz.location.status, theme.WarningIcon())

	wz.location.entry.SetText(newer)
	settle(t, wz)
	mustContain(t, w, "This folder cannot be used: ", "newer than this installer's 2026.11.0", "What to do: use the newer installer")
	statusIs(t, wz.location.status, theme.ErrorIcon())
	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepLocation)
	mustContain(t, w, "newer than this installer's 2026.11.0") // Next says why too

	// typing fast: only the last folder's verdict is shown
	for _, p := range []string{filepath.Join(e.Home, "a b"), "rel", older} {
		wz.location.entry.SetText(p)
	}
	settle(t, wz)
	mustContain(t, w, "Install will upgrade Test Python 2026.10.0 here")
	if strings.Contains(texts(w), "not an absolute path") || strings.Contains(texts(w), "has spaces") {
		t.Fatalf("an older answer is shown:\n%s", texts(w))
	}

	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepOptions)
	settle(t, wz)
	// what is not kept is said again before Install
	mustContain(t, w, "Install will upgrade Test Python 2026.10.0 here to 2026.11.0.", "Shortcuts in "+wizard.LauncherMenu(runtime.GOOS)+": Jupyter Lab, Test Python Maintenance.",
		"Note: files put inside the packages' own folders since the install")
	statusIs(t, wz.options.status, theme.WarningIcon())
	findCheck(t, w, "Add Test Python Maintenance to "+wizard.LauncherMenu(runtime.GOOS))
	mustContain(t, w, "To verify, repair or uninstall later.")
	test.Tap(findCheck(t, w, "Add Jupyter Lab to "+wizard.LauncherMenu(runtime.GOOS)))
	settle(t, wz)
	mustContain(t, w, "Shortcuts in "+wizard.LauncherMenu(runtime.GOOS)+": Test Python Maintenance.")
	test.Tap(findCheck(t, w, "Make the conda command work in new terminal windows"))
	settle(t, wz)
	mustContain(t, w, "Terminal set-up: a few lines added to "+filepath.Join(e.Home, ".bashrc")+" (uninstalling removes them).")
	if _, err := os.Stat(filepath.Join(e.Home, ".bashrc")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("planning the shell set-up wrote .bashrc: %v", err)
	}
}

// A package's prelink messages are shown below the licence, named with
// their package, and the box accepts both, as conda asks before it
// installs the package.
func TestLicenceStepShowsThePackagesMessages(t *testing.T) {
	e := wizardtest.NewEngine(t)
	e.BundlePath = wizardtest.BundleFileWithMessage(t, wizardtest.Version)
	wz := newWizard(t, e, &recorder{}, wizard.StepLicence)
	w := wz.Window()
	mustContain(t, w, wizardtest.Licence, "Messages from the packages", "eula 1.0: terms.txt\n"+wizardtest.Message)
	if strings.Contains(texts(w), "I accept the licence\n") {
		t.Fatal("the box names only the licence")
	}
	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepLicence)
	test.Tap(findCheck(t, w, "I accept the licence and the packages' messages"))
	tapButton(t, w, "Next")
	stepIs(t, wz, wizard.StepLocation)
}

// --prefix DIR is the folder the Location step starts with, as in the
// console wizard (a leading ~ is the home folder); the GUI used to start
// at the default folder and install there.
func TestWizardStartsAtThePrefixGiven(t *testing.T) {
	e := wizardtest.NewEngine(t)
	a := test.NewTempApp(t)
	d := (&recorder{}).deps(t)
	d.Prefix = "~/wanted"
	wz := NewWizard(context.Background(), a, e, d)
	if wz.Err() != nil {
		t.Fatal(wz.Err())
	}
	home, _ := os.UserHomeDir()
	if got := wz.flow.State.Prefix; got != filepath.Join(home, "wanted") {
		t.Fatalf("Location starts at %q; want the --prefix given", got)
	}
}

// Where the shell set-up would change nothing (Windows), Options does not
// offer it; a set-up asked for anyway (a --config) is not passed on.
func TestOptionsOfferTheShellSetupOnlyWhereItDoesSomething(t *testing.T) {
	old := wizard.ShellSetupOffered
	t.Cleanup(func() { wizard.ShellSetupOffered = old })
	for _, offered := range []bool{true, false} {
		wizard.ShellSetupOffered = func() bool { return offered }
		wz := newWizard(t, wizardtest.NewEngine(t), &recorder{}, wizard.StepOptions)
		shown := strings.Contains(texts(wz.Window()), "Make the conda command work in new terminal windows")
		wz.flow.State.ShellSetup = true
		if shown != offered || wz.flow.State.Options(nil, nil).ShellSetup != offered {
			t.Errorf("offered %v: the box is shown %v, the set-up passed on %v", offered, shown, wz.flow.State.Options(nil, nil).ShellSetup)
		}
	}
}

// countingEngine counts the plans the engine makes.
type countingEngine struct {
	*wizardtest.Engine
	plans atomic.Int32
}

func (c *countingEngine) Plan(ctx context.Context, o installer.Options) (*installer.InstallPlan, error) {
	c.plans.Add(1)
	return c.Engine.Plan(ctx, o)
}

// Next checks the step with the plan the page shows, not a new one made on
// the UI thread, where the window froze while the disk (or Wine) answered;
// a plan older than planReuse is made again.
func TestNextReusesThePlanShown(t *testing.T) {
	e := &countingEngine{Engine: wizardtest.NewEngine(t)}
	wz := newWizard(t, e, &recorder{}, wizard.StepLocation)
	settle(t, wz)
	shown := e.plans.Load()
	if shown == 0 {
		t.Fatal("the Location step planned nothing")
	}
	tapButton(t, wz.Window(), "Next")
	stepIs(t, wz, wizard.StepOptions)
	settle(t, wz)
	if n := e.plans.Load(); n != shown {
		t.Fatalf("Next and Options planned %d more times the choices already planned", n-shown)
	}
	r := wz.eng.(*reusedPlans)
	r.now = func() time.Time { return time.Now().Add(planReuse) }
	tapButton(t, wz.Window(), "Install")
	waitClosed(t, wz.install.done)
	if e.plans.Load() == shown {
		t.Fatal("a plan older than planReuse was used")
	}
}

// A button reached with Tab shows a ring in the foreground colour: Fyne's
// own mark on a primary button (Next) changed its colour by 5 units of 255.
func TestFocusedButtonShowsARing(t *testing.T) {
	e := wizardtest.NewEngine(t)
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	var next *keyButton
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok && b.Text == "Next" {
			next = b
		}
		for _, c := range children(o) {
			walk(c)
		}
	}
	walk(w.Canvas().Content())
	if next == nil {
		t.Fatal("no Next button")
	}
	ring := test.WidgetRenderer(next).(*ringRenderer).ring
	if _, _, _, a := ring.StrokeColor.RGBA(); a != 0 {
		t.Fatal("a ring before the focus")
	}
	w.Canvas().Focus(next)
	if _, _, _, a := ring.StrokeColor.RGBA(); a == 0 || ring.StrokeWidth < 2 {
		t.Fatal("no ring on the focused Next")
	}
	w.Canvas().Unfocus()
	if _, _, _, a := ring.StrokeColor.RGBA(); a != 0 {
		t.Fatal("the ring stays after the focus left")
	}
}

func TestItemText(t *testing.T) {
	for item, want := range map[string]string{
		"tornado-6.2.0-py_debian_cfe07cbf.conda": "Package: tornado 6.2.0",
		"python-3.12.0-demo_0":                   "Package: python 3.12.0", // linking names the dist
		"_libgcc_mutex-0.1-main.tar.bz2":         "Package: _libgcc_mutex 0.1",
		"zlib":                                   "Package: zlib",
		"":                                       "",
	} {
		if got := itemText(item); got != want {
			t.Errorf("itemText(%q) = %q, want %q", item, got, want)
		}
	}
}

// Welcome says that the folder it offers holds an older version, which
// this upgrades (audit N: only Location and Options said so).
func TestWizardWelcomeSaysUpgrade(t *testing.T) {
	e := wizardtest.NewEngine(t)
	prefix, _ := e.DefaultPrefix(nil, false)
	wizardtest.InstallVersion(t, prefix, "2026.10.0")
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	mustContain(t, wz.Window(), "Welcome to Test Python 2026.11.0", "Test Python 2026.10.0 is installed in "+prefix+": this upgrades it to 2026.11.0.")
}

// Tab reaches Welcome's "Show the packages": Enter opens and closes it,
// and Esc there is Cancel. Fyne's accordion header, which it was, took
// Space alone and dropped Enter and Esc (audit N).
func TestWizardDisclosureKeys(t *testing.T) {
	e := wizardtest.NewEngine(t)
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	w, c := wz.Window(), wz.Window().Canvas()
	show := findButton(t, w, "Show the packages (3)")
	for i := 0; i < 20 && (c.Focused() == nil || asButton(c.Focused().(fyne.CanvasObject)) != show); i++ {
		c.FocusNext()
	}
	if c.Focused() == nil || asButton(c.Focused().(fyne.CanvasObject)) != show {
		t.Fatal("Tab never reaches Show the packages")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	drainUI()
	mustContain(t, w, "jupyterlab\n")
	stepIs(t, wz, wizard.StepWelcome)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	drainUI()
	if strings.Contains(texts(w), "jupyterlab") {
		t.Fatal("Enter did not close the package list")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	drainUI()
	mustContain(t, w, "Quit the installer?")
}

// The Welcome table's packages add up when two envs share a package; its
// size counts the shared file once, and a line says why (audit Y2: "3,
// shared files once" under 2 + 2 read as a wrong sum).
func TestWelcomeTotalsAddUpWithASharedPackage(t *testing.T) {
	sum := wizard.Summary{Subdir: "linux-64", Files: 3, ArchiveBytes: 3 << 20,
		Envs: []wizard.EnvSummary{{Name: "base", Packages: 2, Bytes: 2 << 20}, {Name: "team", Packages: 2, Bytes: 2 << 20}}}
	const note = "Packages used by more than one environment are counted once in the total."
	got := textsOf(envTable(sum))
	if !strings.Contains(got, "Total\n4\n3.1 MB\n") || !strings.Contains(got, note) {
		t.Errorf("the table:\n%s\nwant the total of 4 packages, 3.1 MB, and why the size is less than the sum", got)
	}
	sum.Files = 4 // nothing shared: no such line
	if got := textsOf(envTable(sum)); strings.Contains(got, note) {
		t.Errorf("without a shared package the table says:\n%s", got)
	}
	// shared, but the sizes shown add up (2.1 kB + 1.1 MB = 1.1 MB): the
	// line would contradict the table (audit AU 12)
	sum = wizard.Summary{Subdir: "linux-64", Files: 3, ArchiveBytes: 1100 << 10,
		Envs: []wizard.EnvSummary{{Name: "base", Packages: 2, Bytes: 2 << 10}, {Name: "team", Packages: 2, Bytes: 1100 << 10}}}
	if got := textsOf(envTable(sum)); strings.Contains(got, note) {
		t.Errorf("where the figures add up the table says:\n%s", got)
	}
}

// Location opens with its folder field focused, so the folder can be
// typed at once; Esc in the field still asks to quit (audit Y2).
func TestLocationFieldHasTheFocus(t *testing.T) {
	e := wizardtest.NewEngine(t)
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	w := wz.Window()
	wz.flow.GoTo(wizard.StepLocation)
	wz.show()
	if f := w.Canvas().Focused(); f != wz.location.entry {
		t.Fatalf("focused on Location: %T, want the folder field", f)
	}
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	drainUI()
	mustContain(t, w, "Quit the installer?")
	closeDialog(t, w, "Keep going")
	wz.flow.GoTo(wizard.StepOptions)
	wz.show()
	if f := w.Canvas().Focused(); f != nil {
		t.Errorf("focused on Options: %T, want nothing (keys go to the window)", f)
	}
}

//go:build !nogui && !solaris

package gui

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/internal/humanize"
	"onboard/internal/launchname"
)

// wrapped returns a word-wrapped label.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// statusLine is a word-wrapped label with a theme icon before it: the icon,
// not a text symbol such as a check mark, says good, warning or bad, since
// Fyne's bundled font has no such symbols (they would draw as boxes where
// no system font has them, as under Wine).
type statusLine struct {
	icon  *widget.Icon
	label *widget.Label
	box   *fyne.Container
}

// Status kinds: what a statusLine's icon and colour say.
const (
	statusNone = iota
	statusGood
	statusWarning
	statusBad
)

func newStatusLine(text string) *statusLine {
	s := &statusLine{icon: widget.NewIcon(nil), label: wrapped(text)}
	s.icon.Hide()
	s.box = container.NewBorder(nil, nil, s.icon, nil, s.label)
	return s
}

// set shows text with the icon and colour of kind.
func (s *statusLine) set(kind int, text string) {
	switch kind {
	case statusGood:
		s.icon.SetResource(theme.ConfirmIcon())
		s.label.Importance = widget.SuccessImportance
	case statusWarning:
		s.icon.SetResource(theme.WarningIcon())
		s.label.Importance = widget.WarningImportance
	case statusBad:
		s.icon.SetResource(theme.ErrorIcon())
		s.label.Importance = widget.DangerImportance
	default:
		s.icon.SetResource(nil)
		s.label.Importance = widget.MediumImportance
	}
	if kind == statusNone {
		s.icon.Hide()
	} else {
		s.icon.Show()
	}
	s.label.SetText(text)
}

func bold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// pageHeading is a step's heading, in one style on every step: Welcome's
// was large and the others' body text in bold (audit Y2). It wraps: a
// long team name must not widen the window past the screen.
func pageHeading(text string) *widget.Label {
	l := bold(text)
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (w *Wizard) welcomeView() fyne.CanvasObject {
	s := w.flow.State
	sum := wizard.Summarize(s.Bundle, s.Subdir)
	// the space it takes comes first, in view: below the packages it was
	// under the fold, and the table's compressed size read as the size
	// (audit AU 1)
	box := container.NewVBox(pageHeading(fmt.Sprintf("Welcome to %s %s", sum.Name, sum.Version)),
		wrapped("This installs your team's Python platform on this computer, without downloading anything."),
		wrapped(sum.SpaceNeeded()+"."))
	if l, warn := wizard.WelcomeInstalled(&s.Bundle.Manifest, s.Prefix); l != "" {
		there := wrapped(l)
		there.Importance = widget.HighImportance
		if warn {
			there.Importance = widget.WarningImportance
		}
		box.Add(there)
	}
	if sum.Demo {
		demo := wrapped("This is a demo bundle: small stand-in packages, not a real Python.")
		demo.Importance = widget.WarningImportance
		box.Add(demo)
	}
	box.Add(bold("What will be installed"))
	box.Add(envTable(sum))
	if n := sum.EnvsNote(); n != "" {
		box.Add(wrapped(n))
	}
	box.Add(newDisclosure(fmt.Sprintf("Show the packages (%d)", packageCount(sum)),
		newLazy(func() fyne.CanvasObject { return packageList(sum) }), w.onKey).box)
	return container.NewVScroll(box)
}

// envTable lists the environments with their package counts and sizes.
func envTable(sum wizard.Summary) fyne.CanvasObject {
	head := func(t string) *widget.Label {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	right := func(t string) *widget.Label {
		return widget.NewLabelWithStyle(t, fyne.TextAlignTrailing, fyne.TextStyle{})
	}
	headRight := func(t string) *widget.Label {
		return widget.NewLabelWithStyle(t, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	}
	cells := []fyne.CanvasObject{head("Environment"), headRight("Packages"), headRight("Size in the installer")}
	for _, e := range sum.Envs {
		cells = append(cells, widget.NewLabel(e.Title()), right(fmt.Sprint(e.Packages)), right(humanize.Bytes(e.Bytes)))
	}
	// the packages add up (2 + 2 = 4: "3, shared files once" read as a
	// wrong sum, audit Y2); the size counts a file two envs share once
	cells = append(cells, head("Total"), headRight(fmt.Sprint(packageCount(sum))), headRight(humanize.Bytes(sum.ArchiveBytes)))
	grid := container.NewGridWithColumns(3, cells...)
	// said only where the figures shown do not add up (audit AU 12: under
	// 2.1 kB + 1.1 MB = 1.1 MB it contradicted the table)
	var rows int64
	for _, e := range sum.Envs {
		rows += e.Bytes
	}
	if packageCount(sum) == sum.Files || humanize.Bytes(rows) == humanize.Bytes(sum.ArchiveBytes) {
		return grid
	}
	return container.NewVBox(grid, wrapped("Packages used by more than one environment are counted once in the total."))
}

func packageCount(sum wizard.Summary) (n int) {
	for _, e := range sum.Envs {
		n += e.Packages
	}
	return n
}

// packageList is every package of every env under its headings: name,
// version, size in the installer. The cells are given to each grid at once: a grid grown by Add lays itself
// out again at each, which for the 750 packages of a big env took 1.8 s
// (6,000: two minutes) where this takes 0.1 s.
func packageList(sum wizard.Summary) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, e := range sum.Envs {
		cells := make([]fyne.CanvasObject, 0, 3*len(e.List)+3)
		cells = append(cells, widget.NewLabelWithStyle("Package", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabelWithStyle("Version", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabelWithStyle("Size in the installer", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		for _, p := range e.List {
			cells = append(cells, widget.NewLabel(p.Name), widget.NewLabel(p.Version),
				widget.NewLabelWithStyle(humanize.Bytes(p.Size), fyne.TextAlignTrailing, fyne.TextStyle{}))
		}
		rows = append(rows, bold(e.Title()), container.NewGridWithColumns(3, cells...))
	}
	return container.NewVBox(rows...)
}

// lazy builds its content the first time it is shown: the package list
// of a big env costs nothing until it is asked for.
type lazy struct {
	widget.BaseWidget
	build func() fyne.CanvasObject
}

func newLazy(build func() fyne.CanvasObject) *lazy {
	l := &lazy{build: build}
	l.ExtendBaseWidget(l)
	return l
}

func (l *lazy) CreateRenderer() fyne.WidgetRenderer { return &lazyRenderer{l: l} }

// lazyRenderer builds the content when it is first asked for its size or
// layout while the widget is shown (a closed accordion item is hidden).
type lazyRenderer struct {
	l   *lazy
	obj fyne.CanvasObject
}

func (r *lazyRenderer) content() fyne.CanvasObject {
	if r.obj == nil && r.l.Visible() {
		r.obj = r.l.build()
	}
	return r.obj
}

func (r *lazyRenderer) MinSize() fyne.Size {
	if c := r.content(); c != nil {
		return c.MinSize()
	}
	return fyne.Size{}
}

func (r *lazyRenderer) Layout(size fyne.Size) {
	if c := r.content(); c != nil {
		c.Resize(size)
	}
}

func (r *lazyRenderer) Objects() []fyne.CanvasObject {
	if r.obj == nil {
		return nil
	}
	return []fyne.CanvasObject{r.obj}
}

func (r *lazyRenderer) Refresh() {
	if c := r.content(); c != nil {
		c.Refresh()
	}
}

func (r *lazyRenderer) Destroy() {}

// messageBlocks are the prelink messages of pkgs, each headed by its
// package and file.
func messageBlocks(pkgs []bundle.Package) []textBlock {
	var bs []textBlock
	for _, p := range pkgs {
		for _, m := range p.PrelinkMessages {
			bs = append(bs, textBlock{text: ""}, textBlock{text: fmt.Sprintf("%s %s: %s", p.Name, p.Version, m.File), bold: true},
				textBlock{text: strings.TrimRight(m.Text, "\n")})
		}
	}
	return bs
}

func (w *Wizard) licenceView() fyne.CanvasObject {
	s := w.flow.State
	blocks := []textBlock{{text: strings.TrimRight(s.Licence, "\n")}}
	what := "I accept the licence"
	if len(s.Messages) > 0 {
		blocks = append(blocks, textBlock{text: ""}, textBlock{text: "Messages from the packages", bold: true},
			textBlock{text: "Some of the packages ask you to read this before they are installed:"})
		blocks = append(blocks, messageBlocks(s.Messages)...)
		what = "I accept the licence and the packages' messages"
	}
	accept := w.newCheck(what, func(on bool) {
		s.LicenceAccepted = on
		if on {
			w.say("")
		}
	})
	accept.SetChecked(s.LicenceAccepted)
	return container.NewBorder(pageHeading("Please read the licence"), accept, nil, nil, newLongText(blocks...))
}

// keyCheck is a check box that passes Enter and Esc on to the window
// (Next, Cancel). Fyne gives every key to the widget that has focus, and a
// check box, focused once it is clicked, drops them: after "I accept the
// licence" Enter did nothing.
type keyCheck struct {
	widget.Check
	onKey func(*fyne.KeyEvent)
}

// newCheck is a check box of the wizard's window.
func (w *Wizard) newCheck(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{onKey: w.onKey}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey passes Enter and Esc to the window.
func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		c.onKey(ev)
	default:
		c.Check.TypedKey(ev)
	}
}

// keyEntry is a text field that passes Esc on to the window (Cancel): the
// Location step's field has the focus as the step opens, so that the
// folder can be typed at once, and Esc there did nothing.
type keyEntry struct {
	widget.Entry
	onKey func(*fyne.KeyEvent)
}

func newKeyEntry(onKey func(*fyne.KeyEvent)) *keyEntry {
	e := &keyEntry{onKey: onKey}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey passes Esc to the window; Enter is the field's OnSubmitted.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		e.onKey(ev)
		return
	}
	e.Entry.TypedKey(ev)
}

// newButton is a button of the wizard's window: Esc on it is Cancel.
func (w *Wizard) newButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := newButton(label, icon, tapped)
	b.onEsc = w.onKey
	return b
}

// locationPage is the Location step's widgets.
type locationPage struct {
	entry  *keyEntry
	status *statusLine
	plans  *planner
}

func (w *Wizard) locationView() fyne.CanvasObject {
	s := w.flow.State
	lp := &locationPage{entry: newKeyEntry(w.onKey), status: newStatusLine("")}
	lp.plans = newPlanner(w, w.showLocationPlan)
	w.location = lp
	lp.entry.SetText(s.Prefix)
	lp.entry.OnChanged = func(text string) {
		s.Prefix = wizard.ExpandHome(strings.TrimSpace(text))
		lp.plans.schedule(planDelay)
	}
	lp.entry.OnSubmitted = func(string) { w.onNext() } // Enter in the field is Next too
	browse := w.newButton("Browse…", nil, w.browse)
	return container.NewVBox(
		pageHeading("Where should "+s.Bundle.Manifest.Name+" be installed?"),
		wrapped("A short path without spaces works best. A folder inside your home folder needs no administrator rights."), // audit AU 15
		container.NewBorder(nil, nil, nil, browse, lp.entry),
		lp.status.box,
	)
}

// validateLocation shows, soon and without blocking the window, whether
// the folder can be used and what Install would do there (the engine's
// plan).
func (w *Wizard) validateLocation() {
	if w.location != nil {
		w.location.plans.schedule(0)
	}
}

// showLocationPlan shows a plan's verdict on the Location step.
func (w *Wizard) showLocationPlan(p *installer.InstallPlan, err error) {
	v := wizard.Describe(p, err)
	w.location.status.set(statusOf(v), v.Text())
	if err == nil && w.flow.Current().ID == wizard.StepLocation {
		w.say("")
	}
}

// browse picks a parent folder; the product's folder name is kept.
func (w *Wizard) browse() {
	dialog.ShowFolderOpen(func(uri fyne.ListableURI, err error) {
		if err != nil || uri == nil {
			return
		}
		name := lastElem(w.flow.State.Prefix)
		w.location.entry.SetText(joinPath(uri.Path(), name))
	}, w.win)
}

// maxCheckRunes is the longest check box label the Options page fits in
// a small screen (640 wide): a check box's label does not wrap.
const maxCheckRunes = 68

// checkLabel is label, or short when label, which names the bundle's
// product or shortcuts, is too long for one line.
func checkLabel(label, short string) string {
	if utf8.RuneCountInString(label) > maxCheckRunes {
		return short
	}
	return label
}

// purpose is a line of small print under a check, in line with its text:
// what the option is for, where the check says what it does.
func purpose(text string) fyne.CanvasObject {
	l := wrapped(text)
	l.SizeName = theme.SizeNameCaptionText
	return container.New(layout.NewCustomPaddedLayout(-2*theme.Padding(), 0, theme.IconInlineSize()+theme.Padding(), 0), l)
}

// optionsPage is the Options step's widgets.
type optionsPage struct {
	status *statusLine
	plans  *planner
}

func (w *Wizard) optionsView() fyne.CanvasObject {
	s := w.flow.State
	op := &optionsPage{status: newStatusLine("")}
	op.plans = newPlanner(w, w.showOptionsPlan)
	w.options = op
	check := func(label string, value bool, set func(bool)) *keyCheck {
		c := w.newCheck(label, nil)
		c.SetChecked(value)
		c.OnChanged = func(on bool) { // set after SetChecked: no plan while the page is built
			set(on)
			op.plans.schedule(0)
		}
		return c
	}
	m := &s.Bundle.Manifest
	menu := wizard.LauncherMenu(runtime.GOOS)
	jupyter := "the Jupyter shortcut"
	if len(m.Launchers) > 1 {
		jupyter = "the Jupyter shortcuts"
	}
	// by their names, as the menu shows them, where the line fits; the
	// plan line below names them all in any case
	jup := check(checkLabel("Add "+wizard.JupyterShortcuts(m)+" to "+menu, "Add "+jupyter+" to "+menu), s.JupyterLauncher, func(on bool) { s.JupyterLauncher = on })
	// where it goes, as the Jupyter line says; what it is for in a line
	// of small print under it (audit BC 11)
	maint := check(checkLabel("Add "+launchname.Maintenance(m.Name)+" to "+menu, "Add the Maintenance shortcut to "+menu), s.MaintenanceLauncher, func(on bool) { s.MaintenanceLauncher = on })
	shell := check("Make the conda command work in new terminal windows", s.ShellSetup, func(on bool) { s.ShellSetup = on })
	all := check("Install for all users of this computer", s.AllUsers, w.setAllUsers)
	box := container.NewVBox(pageHeading("Options"), jup, maint, purpose("To verify, repair or uninstall later."), shell, all)
	if len(m.Launchers) == 0 {
		jup.Hide() // a bundle without Jupyter: no shortcut to add
	}
	if !s.ShellSetupOffered {
		shell.Hide() // Windows: nothing to set up; the maintenance window's Terminal has conda
	}
	if !s.AllUsersAllowed {
		all.Disable()
		box.Add(wrapped("Installing for all users needs administrator rights; run the installer as an administrator to choose it."))
	}
	box.Add(widget.NewSeparator())
	box.Add(op.status.box)
	box.Add(wrapped("Click Install to start. It works offline."))
	return container.NewVScroll(box) // as the other pages: the buttons stay on a small screen
}

// planOptions shows, soon, what Install would do with the options.
func (w *Wizard) planOptions() {
	if w.options != nil {
		w.options.plans.schedule(0)
	}
}

// showOptionsPlan shows a plan's verdict on the Options step: what
// Install would do, and the launchers it would create.
func (w *Wizard) showOptionsPlan(p *installer.InstallPlan, err error) {
	v := wizard.Describe(p, err)
	lines := append([]string{v.Action}, v.Launchers...)
	switch {
	case err != nil:
		lines = append(lines, v.Details...)
	case v.Replaces:
		lines = append(lines, v.Notes()...) // what is kept and what is not, said again before Install
	}
	w.options.status.set(statusOf(v), strings.Join(lines, "\n"))
	if err == nil && w.flow.Current().ID == wizard.StepOptions {
		w.say("")
	}
}

// setAllUsers switches to the matching default folder when the person has
// not typed a folder of their own.
func (w *Wizard) setAllUsers(on bool) {
	s := w.flow.State
	if s.SetAllUsers(on, w.eng.DefaultPrefix) && w.location != nil {
		w.location.entry.SetText(s.Prefix)
	}
}

func (w *Wizard) finishView() fyne.CanvasObject {
	s := w.flow.State
	m := s.Bundle.Manifest
	env := wizard.JupyterEnv(&m, s.Subdir)
	notebooks, _ := launch.DefaultNotebookDir()
	// one primary button on the page, Start Jupyter, what the page is
	// there for (audit BO 4: a blue Close drew the eye, and Start Jupyter
	// was grey); Close is plain, and Enter still presses it. Its verb is
	// the text's ("Start Jupyter now"), and the folder is named.
	// icons as the maintenance window's buttons have: with none, on the
	// page's near-white they read as bold words (audit BC 6)
	launch := w.newButton("Start Jupyter", theme.MediaPlayIcon(), func() { w.launch(s.Prefix, env) })
	launch.Importance = widget.HighImportance
	open := w.newButton("Open install folder", theme.FolderOpenIcon(), func() { w.openFolder("Open install folder", s.Prefix) })
	logText := "Log: " + wizard.LogPath(s.Prefix)
	if w.result != nil && w.result.LogPath != "" {
		logText = "Log: " + w.result.LogPath
	}
	done := wizard.Done(m.Name, m.Version, s.Prefix, w.result)
	logLine := wrapped(logText)
	logLine.Selectable = true
	later := wizard.StartLater(&m, wizard.FinishChoices{JupyterLauncher: s.JupyterLauncher, MaintenanceLauncher: s.MaintenanceLauncher,
		ShellSetup: s.ShellSetup, Env: env, Prefix: s.Prefix, GOOS: runtime.GOOS, Notebooks: notebooks})
	if len(later) == 0 {
		// a bundle without Jupyter: no button that would start none
		return container.NewVScroll(container.NewVBox(pageHeading("Done"), wrapped(done), container.NewHBox(open), logLine))
	}
	// a paragraph each, the buttons under the first, whose verb they
	// carry; the notebooks' folder and the log's path can be selected
	// and copied. As the other pages: a long product name's text
	// scrolls, the buttons stay on a small screen.
	// the folder a person looks for next is their notebooks', not the
	// install's, which they have nothing to do in (audit BC 6)
	if notebooks != "" {
		open = w.newButton("Open notebooks folder", theme.FolderOpenIcon(), func() {
			if err := os.MkdirAll(notebooks, 0o755); err != nil && w.log != nil {
				w.log.Logf("could not make the notebooks folder %s: %v", notebooks, err)
			}
			w.openFolder("Open notebooks folder", notebooks)
		})
	}
	w.finishStarts = true
	box := container.NewVBox(pageHeading("Done"), wrapped(done), wrapped(later[0]), container.NewHBox(launch, open))
	for _, p := range later[1:] {
		l := wrapped(p)
		l.Selectable = true
		box.Add(l)
	}
	box.Add(logLine)
	return container.NewVScroll(box)
}

// launch starts Jupyter without blocking the window.
func (w *Wizard) launch(prefix, env string) {
	w.note("Starting Jupyter…")
	go func() {
		err := w.deps.Launch(w.ctx, prefix, env)
		runOnUI(func() {
			w.say("")
			showLaunchResult(w.app, w.win, err, wizard.LogPath(prefix))
		})
	}()
}

// openFolder opens path in a file manager; where none opens, a dialog
// titled as the button says where it is.
func (w *Wizard) openFolder(title, path string) {
	if err := w.deps.OpenURL(fileURL(path)); err != nil {
		if w.log != nil {
			w.log.Logf("could not open the folder %s: %v", path, err)
		}
		showFolder(w.app, w.win, title, path)
	}
}

//go:build !nogui && !solaris

package gui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

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
	"onboard/platform"
)

// Maintenance is the window of an existing install: its state and health,
// Launch Jupyter, Verify, Repair, Uninstall, and the Help menu.
type Maintenance struct {
	ctx  context.Context
	app  fyne.App
	win  fyne.Window
	eng  wizard.Engine
	deps Deps
	in   *wizard.Installed

	health     *widget.Label
	status     *fyne.Container // the health line and m.details
	details    *widget.Button  // "Show the problems…", when the last checks found some
	rows       []*envRow
	maintSize  *widget.Label // under the table: what .onboard takes, not counted in base's size
	busy       *busyBar
	buttons    []*widget.Button  // disabled while an operation runs
	adminOnly  []*widget.Button  // Repair, Uninstall: off for a user who may not change a shared install
	last       *wizard.LastCheck // the last checks, of the install and of each env; never nil
	lastErr    error
	log        *wizard.Log
	done       chan struct{} // closed when the last operation finished (tests)
	sized      chan struct{} // closed when the sizes are measured (tests)
	helpMenu   *fyne.Menu
	jobItems   []*fyne.MenuItem // the Help menu's operations: off while one runs
	repairItem *fyne.MenuItem   // Help → Repair all: off for a shared install
	job        *job             // the operation that runs, nil at rest (UI thread)
	cancelBtn  *widget.Button   // the job's Cancel
	progress   *fyne.Container  // the bar and Cancel, in the health line's place while a job runs
	atRest     *fyne.Container  // the health line and the notes above it, hidden while a job runs
}

// NewMaintenance builds the maintenance window for the install in.
func NewMaintenance(ctx context.Context, a fyne.App, e wizard.Engine, in *wizard.Installed, d Deps) *Maintenance {
	d = d.withDefaults(a)
	m := &Maintenance{ctx: ctx, app: a, eng: e, deps: d, in: in, done: closedChan(), last: &wizard.LastCheck{}}
	if c := wizard.ReadLastCheck(in.Prefix); c != nil {
		m.last = c
	}
	m.win = a.NewWindow(in.Manifest.Name + " Maintenance") // as its launcher is named (audit Y2)
	m.win.Resize(fyne.NewSize(920, 480))
	m.win.SetMainMenu(m.mainMenu())
	m.win.SetContent(m.content())
	m.win.SetCloseIntercept(m.onClose)
	return m
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// Window returns the maintenance window.
func (m *Maintenance) Window() fyne.Window { return m.win }

func (m *Maintenance) content() fyne.CanvasObject {
	man := m.in.Manifest
	m.health = wrapped("")
	details := newButton("Show the problems…", theme.ListIcon(), m.showProblems)
	m.details = &details.Button
	m.busy = newBusyLine()
	cancel := newButton("Cancel", theme.CancelIcon(), func() { m.askStop(nil) })
	m.cancelBtn = &cancel.Button
	verify := newButton("Verify all", theme.SearchIcon(), m.verify)
	repair := newButton("Repair all", theme.ViewRefreshIcon(), m.repair)
	uninstall := newButton("Uninstall…", theme.DeleteIcon(), m.askUninstall)
	// in view, not in Help alone: the one action a newcomer needs the
	// day after, which Finish names (audit AU 7)
	stop := newButton("Stop Jupyter", theme.MediaStopIcon(), m.stopJupyter)
	m.buttons = []*widget.Button{&verify.Button, &repair.Button, &uninstall.Button}
	m.adminOnly = []*widget.Button{&repair.Button, &uninstall.Button}
	table := m.envTable()
	m.showHealthRows()
	top := container.NewVBox(banner(nil, man.Name, fmt.Sprintf("Version %s for %s, installed in %s", man.Version, platform.SubdirWords(m.in.Subdir), m.in.Prefix)),
		widget.NewSeparator())
	m.status = container.NewBorder(nil, nil, nil, details, m.health)
	status := fyne.CanvasObject(m.status)
	if env, root, clone := wizard.ClonedMaintenanceApp(m.deps.Executable); clone && root == m.in.Prefix {
		status = container.NewVBox(wrapped(wizard.ClonedAppNote(env, root)), status)
	}
	if ok, why := m.deps.MayModify(m.in.Prefix); !ok {
		// a shared install: Repair and Uninstall stay off, and say why
		m.buttons = slices.DeleteFunc(m.buttons, func(b *widget.Button) bool { return slices.Contains(m.adminOnly, b) })
		for _, b := range m.adminOnly {
			b.Disable()
		}
		m.repairItem.Disabled = true
		status = container.NewVBox(wrapped(why), status)
	} else {
		m.adminOnly = nil
	}
	// one status line, above; the bar and Cancel in the health line's
	// place, which holds them in its height: the table keeps its room and
	// the buttons their places (audit BO 6)
	m.atRest = container.NewStack(status)
	m.progress = container.NewBorder(nil, nil, nil, cancel, container.NewVBox(layout.NewSpacer(), m.busy.bar, layout.NewSpacer()))
	m.progress.Hide()
	bottom := container.NewVBox(m.busy.box, widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, container.NewHBox(stop, verify, repair, uninstall), container.NewStack(m.atRest, m.progress)))
	if !m.anyJupyter() {
		stop.Hide()
	}
	// both ways: on a small or scaled screen the window can be made
	// narrower than the table, which then scrolls
	return container.NewBorder(top, container.NewPadded(bottom), nil, nil,
		container.NewPadded(container.NewScroll(table)))
}

// envRow is one environment in the maintenance window's table.
type envRow struct {
	env     string
	size    *widget.Label
	health  *widget.Label
	icon    *widget.Icon
	checked *widget.Label
}

// columns of the environments table, as shares of its width.
var envColumns = []float32{0.14, 0.10, 0.18, 0.16, 0.42}

// envTable lists the environments: size, health, time of the last check,
// and per env Jupyter (when it has it), a terminal with it activated,
// Verify and Repair of that env alone (Verify all and Repair below act on
// the whole install, launchers included).
func (m *Maintenance) envTable() fyne.CanvasObject {
	head := func(t string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	grid := container.New(&columnsLayout{shares: envColumns},
		head("Environment"), head("Size on disk"), head("Health"), head("Last checked"), head(""))
	for _, env := range m.in.Envs() {
		r := &envRow{env: env, size: widget.NewLabel("…"), health: widget.NewLabel(""), icon: widget.NewIcon(nil),
			checked: widget.NewLabel("")}
		m.rows = append(m.rows, r)
		jup := newButton("Start Jupyter", theme.MediaPlayIcon(), func() { m.launchEnv(env) })
		var jupCell fyne.CanvasObject = jup
		if !m.hasJupyter(env) {
			// said in words, in the button's room: a disabled button was a
			// grey box at 1.2:1 that did not say why (audit Y2)
			none := widget.NewLabelWithStyle("no Jupyter", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
			jupCell = container.New(layout.NewGridWrapLayout(jup.MinSize()), none)
		} else {
			m.buttons = append(m.buttons, &jup.Button)
		}
		term := newButton("Terminal", theme.ComputerIcon(), func() { m.openTerminal(env) })
		ver := newButton("Verify", nil, func() { m.verifyEnv(env) })
		rep := newButton("Repair", nil, func() { m.repairEnv(env) })
		m.buttons = append(m.buttons, &term.Button, &ver.Button, &rep.Button) // a terminal too waits for a repair or upgrade
		m.adminOnly = append(m.adminOnly, &rep.Button)
		grid.Add(widget.NewLabelWithStyle(envTitle(env), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		grid.Add(r.size)
		grid.Add(container.NewBorder(nil, nil, r.icon, nil, r.health))
		grid.Add(r.checked)
		grid.Add(container.NewHBox(jupCell, term, ver, rep))
	}
	// the maintenance app and its bundle, said apart: counted in base
	// they made it read as the big environment (audit BC 9)
	m.maintSize = wrapped("")
	m.maintSize.SizeName = theme.SizeNameCaptionText
	m.maintSize.Hide()
	m.sized = make(chan struct{})
	go m.measureSizes(append([]*envRow(nil), m.rows...), m.sized)
	// which row is where one works, as Welcome said it (audit AU 13);
	// under the rows, which keep their places
	box := container.NewVBox(grid)
	if note := wizard.Summarize(&bundle.Bundle{Manifest: m.in.Manifest}, m.in.Subdir).WorkNote(); note != "" {
		box.Add(wrapped(note))
	}
	box.Add(m.maintSize)
	return box
}

func envTitle(env string) string {
	if env == "base" {
		return "base"
	}
	return env
}

// anyJupyter tells whether an env of the install has Jupyter.
func (m *Maintenance) anyJupyter() bool {
	return slices.ContainsFunc(m.in.Envs(), m.hasJupyter)
}

// hasJupyter tells whether env has Jupyter (launch.HasJupyter).
func (m *Maintenance) hasJupyter(env string) bool {
	return launch.HasJupyter(m.in.Prefix, env, m.in.Manifest.Launchers, runtime.GOOS)
}

// measureSizes fills the Size column of rows in the background, and
// closes done when it has handed the last size to the UI.
func (m *Maintenance) measureSizes(rows []*envRow, done chan struct{}) {
	defer close(done)
	for _, r := range rows {
		n, err := wizard.EnvSize(m.in.Prefix, r.env)
		text := humanize.Bytes(n)
		if err != nil {
			text = "unknown"
		}
		runOnUI(func() { r.size.SetText(text) })
	}
	if n, err := wizard.MaintenanceSize(m.in.Prefix); err == nil && n > 0 {
		text := fmt.Sprintf("Besides the environments, %s and the copy of the installer it repairs from take %s.",
			launchname.Maintenance(m.in.Manifest.Name), humanize.Bytes(n))
		runOnUI(func() { m.maintSize.SetText(text); m.maintSize.Show() })
	}
}

// showHealthRows shows each env's last check in the table, and offers
// the list of their problems when any has some.
func (m *Maintenance) showHealthRows() {
	m.details.Hide()
	for _, r := range m.rows {
		ec, ok := m.last.Env(r.env)
		checked := "never"
		if ok {
			checked = ec.Time.Local().Format("2006-01-02 15:04")
		}
		r.checked.SetText(checked)
		switch {
		case !ok:
			r.icon.SetResource(theme.QuestionIcon())
			r.health.SetText("not checked")
			r.health.Importance = widget.LowImportance
		case ec.Removed:
			r.icon.SetResource(theme.InfoIcon())
			r.health.SetText("removed with conda")
			r.health.Importance = widget.LowImportance
		case ec.Remade:
			r.icon.SetResource(theme.InfoIcon())
			r.health.SetText("yours, made with conda")
			r.health.Importance = widget.LowImportance
		case ec.Problems > 0:
			m.details.Show()
			r.icon.SetResource(theme.ErrorIcon())
			r.health.SetText(humanize.Count(ec.Problems, "problem"))
			r.health.Importance = widget.DangerImportance
		default:
			r.icon.SetResource(theme.ConfirmIcon())
			r.health.SetText("healthy")
			r.health.Importance = widget.SuccessImportance
		}
		r.health.Refresh()
	}
	if m.status != nil {
		m.status.Refresh() // lays the line out again, with or without m.details
	}
}

// showProblems lists the problems the last check of each env found, by
// env, in a dialog whose text can be selected and copied.
func (m *Maintenance) showProblems() {
	var b strings.Builder
	for _, env := range m.in.Envs() {
		ec, ok := m.last.Env(env)
		if !ok || ec.Problems == 0 {
			continue
		}
		fmt.Fprintf(&b, "In %s (%s, %s):\n", envTitle(env), humanize.Count(ec.Problems, "problem"), ec.Time.Local().Format("2006-01-02 15:04"))
		for _, l := range ec.Lines {
			b.WriteString("  " + l + "\n")
		}
		switch more := ec.Problems - len(ec.Lines); {
		case len(ec.Lines) == 0:
			b.WriteString("  (not listed here: click Verify to see them)\n")
		case more > 0:
			fmt.Fprintf(&b, "  … and %d more (the verify command lists every one)\n", more)
		}
		b.WriteString("\n")
	}
	text := widget.NewLabel(strings.TrimSpace(b.String()))
	text.Selectable, text.Wrapping = true, fyne.TextWrapWord
	hint := "Repair puts these back from the installer's packages. Files you made yourself are not touched."
	if len(m.adminOnly) > 0 {
		hint = "Ask an administrator to repair this install."
	}
	body := container.NewBorder(wrapped(hint), nil, nil, nil, container.NewVScroll(text))
	d := dialog.NewCustom("Problems found", "Close", body, m.win)
	d.Resize(fyne.NewSize(760, 440))
	present(m.win, d, false)
}

func (m *Maintenance) mainMenu() *fyne.MainMenu {
	repair := fyne.NewMenuItem("Repair all", m.repair)
	verify := fyne.NewMenuItem("Verify all", m.verify)
	newer := fyne.NewMenuItem("Check for a newer installer…", m.pickInstaller)
	m.jobItems = []*fyne.MenuItem{verify, repair, newer}
	m.repairItem = repair
	// in the window's order (Verify all, Repair all; the terminal menu's
	// too), and Stop Jupyter only where there is a Jupyter to stop, as
	// the button (review BF 6)
	items := []*fyne.MenuItem{verify, repair}
	if m.anyJupyter() {
		items = append(items, fyne.NewMenuItem("Stop Jupyter", m.stopJupyter))
	}
	items = append(items,
		fyne.NewMenuItem("Open log", m.openLog),
		fyne.NewMenuItem("Report a problem", m.reportProblem),
		newer,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("About", m.about))
	m.helpMenu = fyne.NewMenu("Help", items...)
	return fyne.NewMainMenu(withFileMenu(runtime.GOOS, m.helpMenu)...)
}

// withFileMenu puts a File menu with Quit before menus, outside macOS
// (whose application menu has Quit). Fyne adds Quit to the first menu
// when none has it, so the Help menu ended with Quit.
func withFileMenu(goos string, menus ...*fyne.Menu) []*fyne.Menu {
	if goos == "darwin" {
		return menus
	}
	quit := fyne.NewMenuItem("Quit", nil) // nil: Fyne's own, which closes the windows
	quit.IsQuit = true
	return append([]*fyne.Menu{fyne.NewMenu("File", quit)}, menus...)
}

// CheckHealth verifies the install in the background, as the window opens.
func (m *Maintenance) CheckHealth() { m.verify() }

// logf is the window's session log, opened on first use.
func (m *Maintenance) logf() installer.Logf {
	if m.log == nil {
		l, err := wizard.OpenLog(m.deps.LogDir)
		if err != nil {
			return nil
		}
		m.log = l
	}
	return m.log.Logf
}

func (m *Maintenance) verify() { m.verifyEnv("") }

// verifyEnv checks env ("" = the whole install).
func (m *Maintenance) verifyEnv(env string) {
	var h *wizard.Health
	what := "Verifying every installed file"
	if env != "" {
		what = "Verifying the files of " + env
	}
	// a check changes nothing: it stops without asking
	stop := stopWords{stopping: "Stopping the check",
		stopped: "Verify stopped before it finished: the table shows the last finished check."}
	m.runJob(jobSpec{what: what, stop: stop, op: func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
		var err error
		h, err = m.eng.Verify(ctx, m.in.Prefix, env, r, logf)
		return err
	}, after: func(err error) { m.showHealth("Verify", env, h, err) }})
}

// showHealth shows the outcome of what (Verify or Repair) of env ("" =
// the whole install), and records it in PREFIX/.onboard/last-check.json
// for the next time the window opens.
func (m *Maintenance) showHealth(what, env string, h *wizard.Health, err error) {
	m.lastErr = err
	if h != nil {
		last, serr := wizard.RecordCheck(m.in.Prefix, strings.ToLower(what), time.Now(), h)
		m.last = last
		if serr != nil {
			m.logf()("could not record the last check: %v", serr)
		}
	}
	m.showHealthRows()
	subject := "Health"
	if env != "" {
		subject = "Health of " + env
	}
	switch {
	case h != nil && h.OK:
		// the rows' word and the text menu's, "healthy": it was "Health:
		// good." under rows that said "healthy" (audit BO 11)
		healthy := "Healthy. "
		if env != "" {
			healthy = envTitle(env) + " is healthy. "
		}
		m.health.Importance = widget.SuccessImportance
		m.health.SetText(healthy + paragraph(h.Summary) + ".")
	case h != nil:
		m.health.Importance = widget.DangerImportance
		how := "Click Repair all to put it right."
		if env != "" {
			how = "Click Repair on its row to put it right."
		}
		m.health.SetText(fmt.Sprintf("%s: %s. %s", subject, h.Summary, how))
	default:
		m.health.Importance = widget.WarningImportance
		m.health.SetText(subject + ": unknown, because the " + strings.ToLower(what) + " did not finish.")
		showProblem(m.win, wizard.Explain(what, err, m.in.LogPath()).WithHelpMenu())
	}
}

func (m *Maintenance) repair() { m.repairEnv("") }

// repairEnv repairs env ("" = the whole install).
func (m *Maintenance) repairEnv(env string) {
	var h *wizard.Health
	what := "Repairing"
	if env != "" {
		what = "Repairing " + env
	}
	m.runJob(jobSpec{what: what, stop: repairStop(env), op: func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
		var err error
		h, err = m.eng.Repair(ctx, m.in.Prefix, env, r, logf)
		return err
	}, after: func(err error) {
		m.showHealth("Repair", env, h, err)
		if err != nil {
			return
		}
		msg := "Nothing needed repair."
		if len(h.Fixed) > 0 {
			msg = "Put back:\n• " + strings.Join(h.Fixed, "\n• ")
		}
		present(m.win, inform(m.win, "Repair finished", msg), false)
	}})
}

// repairStop says what stopping a repair of env ("" = the whole install)
// does: each package is put back under a journal of its own, so what it
// finished stays, and the one it was at is rolled back
// (installer/maintain).
func repairStop(env string) stopWords {
	again := "click Repair all"
	if env != "" {
		again = "click Repair on its row"
	}
	return stopWords{title: "Stop the repair?", msg: "What it has put back so far is kept; run Repair again to finish.",
		yes: "Stop the repair", no: "Keep repairing", stopping: "Stopping the repair",
		stopped: "Repair stopped. What it had put back is kept; " + again + " to finish."}
}

func (m *Maintenance) askUninstall() {
	msg := fmt.Sprintf("This removes %s and everything in %s, with its shortcuts. Your files outside that folder, such as your notebooks, are not touched.", m.in.Manifest.Name, m.in.Prefix)
	if w := m.in.UserFilesWarning(); w != "" {
		msg += "\n\n" + w
	}
	if w := m.in.RunningWarning(); w != "" {
		msg += "\n\n" + w
	}
	confirm(m.win, "Uninstall?", msg, "Uninstall", "Keep it", true, func(yes bool) {
		if yes {
			m.uninstall()
		}
	})
}

func (m *Maintenance) uninstall() {
	m.runJob(jobSpec{what: "Uninstalling", labels: wizard.UninstallLabels, stop: uninstallStop, op: func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
		return m.eng.Uninstall(ctx, m.in.Prefix, r, logf)
	}, after: func(err error) {
		if err != nil {
			showProblem(m.win, wizard.Explain("Uninstall", err, m.in.LogPath()).WithHelpMenu())
			return
		}
		for _, b := range m.buttons {
			b.Disable()
		}
		m.health.Importance = widget.MediumImportance
		m.health.SetText(m.in.Manifest.Name + " was removed from " + m.in.Prefix + ".")
		presentThen(m.win, inform(m.win, "Uninstalled", m.in.Manifest.Name+" was removed."), m.app.Quit)
	}})
}

// uninstallStop says what stopping an uninstall does: it stops only
// while the packages' removal scripts run, before anything is removed;
// from the shortcuts on it finishes (installer/uninstall), and Cancel
// goes away.
var uninstallStop = stopWords{title: "Stop the uninstall?", msg: "Nothing has been removed yet: the install is kept as it is.",
	yes: "Stop the uninstall", no: "Keep uninstalling", stopping: "Stopping the uninstall",
	stopped: "Uninstall stopped. Nothing was removed.",
	late:    "The uninstall is removing the files and can no longer be stopped. This window closes when it is done.",
	stoppable: func(p wizard.Progress) bool {
		return p.Stage == "" || p.Stage == installer.StageScripts
	}}

func (m *Maintenance) launch() { m.launchEnv(m.in.JupyterEnv()) }

// launchEnv starts Jupyter in env without blocking the window.
func (m *Maintenance) launchEnv(env string) {
	m.busy.done("Starting Jupyter in " + env + "…")
	go func() {
		err := m.deps.Launch(m.ctx, m.in.Prefix, env)
		runOnUI(func() {
			m.busy.done("")
			var ee *launch.EnvError
			if errors.As(err, &ee) && ee.Removed == "" && len(m.adminOnly) == 0 { // adminOnly: Repair is off for this user
				// damage Repair puts right: offered here, in the window
				// whose Repair the hint would send the person to
				p := wizard.Explain("Starting Jupyter", err, "")
				p.Hint = "Repair " + env + ", then start Jupyter again."
				askProblem(m.win, p, "Repair "+env, func() { m.repairEnv(env) })
				return
			}
			showLaunchResult(m.app, m.win, err, m.in.LogPath())
		})
	}()
}

// openTerminal opens a terminal window with env activated.
func (m *Maintenance) openTerminal(env string) {
	dir := wizard.EnvDir(m.in.Prefix, env)
	state, err := platform.HostUserState(m.in.Prefix)
	if err == nil {
		err = platform.EnsurePrivateDir(state.Dir)
	}
	if err != nil {
		showProblem(m.win, wizard.Explain("Opening a terminal", err, "").WithHelpMenu())
		return
	}
	req := platform.TerminalRequest{EnvName: env, StateDir: state.Dir,
		Vars:  activatedVars(os.Environ(), launch.Activate(os.Environ(), dir, env, runtime.GOOS)),
		Conda: platform.CondaActivation(m.in.Prefix, runtime.GOOS, fileExists)}
	if err := m.deps.OpenTerminal(req); err != nil {
		showProblem(m.win, wizard.Explain("Opening a terminal", err, "").WithHelpMenu())
		return
	}
	m.busy.done("Opened a terminal with " + env + " activated.")
}

// activatedVars is what activation changed: the variables of after that
// differ from before.
func activatedVars(before, after []string) map[string]string {
	old := map[string]string{}
	for _, kv := range before {
		k, v, _ := strings.Cut(kv, "=")
		old[k] = v
	}
	out := map[string]string{}
	for _, kv := range after {
		k, v, _ := strings.Cut(kv, "=")
		if ov, ok := old[k]; !ok || ov != v {
			out[k] = v
		}
	}
	return out
}

// stopJupyter stops this user's Jupyter server of the install (with its
// kernels); other users' servers are theirs.
func (m *Maintenance) stopJupyter() {
	// every env's: a row's Start Jupyter starts one in its own env, and
	// launch jupyter --env one in the user's own
	stopped, err := launch.StopAll(m.in.Prefix)
	for _, s := range stopped {
		installer.LogfOrNop(m.logf())("stopped Jupyter (%s)", s) // the pid and port, for IT
	}
	if err != nil {
		p := wizard.Explain("Stopping Jupyter", err, launch.LogPath(m.in.Prefix, m.in.JupyterEnv()))
		if len(stopped) > 0 {
			p.Message += ". " + launch.StoppedSentence(stopped)
		}
		showProblem(m.win, p)
		return
	}
	present(m.win, inform(m.win, "Stop Jupyter", launch.StoppedSentence(stopped)), false)
}

func (m *Maintenance) openLog() {
	if err := m.deps.OpenURL(fileURL(m.in.LogPath())); err != nil {
		m.logf()("could not open the log %s: %v", m.in.LogPath(), err)
		showFile(m.app, m.win, "The install's log", m.in.LogPath())
	}
}

// reportProblem copies a diagnostic summary to the clipboard.
func (m *Maintenance) reportProblem() {
	text := wizard.Diagnostics(m.deps.Version, platform.Detect(), m.in, m.last.Health, m.lastErr)
	m.app.Clipboard().SetContent(text)
	logs := "the install's log:\n" + m.in.LogPath()
	if m.log != nil {
		logs = "two logs: the install's and this window's (its checks and repairs):\n" + m.in.LogPath() + "\n" + m.log.Path
	}
	summary := selectable(text) // wrapped: the install's path is at the end of a long line
	top := container.NewVBox(
		wrapped("This summary was copied to the clipboard. Paste it into a message to your platform team, and attach " + logs))
	// the summary takes the rest of the dialog, scrolled
	body := container.NewBorder(top, nil, nil, nil, container.NewVScroll(summary))
	d := dialog.NewCustom("Report a problem", "Close", body, m.win)
	d.Resize(fyne.NewSize(660, 440))
	present(m.win, d, false)
}

func (m *Maintenance) about() {
	man := m.in.Manifest
	ver := "version " + m.deps.Version
	if m.deps.Version == "dev" {
		ver = "a development build"
	}
	text := fmt.Sprintf("%s %s\nInstalled in %s\n\nInstalled and maintained by onboard (%s).", man.Name, man.Version, m.in.Prefix, ver)
	if man.Demo {
		text += "\n\nThis is the demo bundle."
	}
	present(m.win, inform(m.win, "About", text), false)
}

// pickInstaller asks for an installer file (or bundle .zip) to compare with
// the install.
func (m *Maintenance) pickInstaller() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		m.checkInstaller(path)
	}, m.win)
	d.Resize(fyne.NewSize(760, 480))
	d.Show() // its own keys: the file name field takes Enter
}

// checkInstaller reads the installer at path and offers the upgrade when
// it carries a newer version of this bundle.
func (m *Maintenance) checkInstaller(path string) {
	f, err := wizard.ReadInstaller(path)
	if err != nil {
		showProblem(m.win, wizard.Explain("Reading the installer", err, "").WithHelpMenu())
		return
	}
	verdict, msg := wizard.CompareInstaller(m.in, f)
	if verdict != wizard.UpgradeNewer {
		present(m.win, inform(m.win, "No upgrade", msg), false)
		return
	}
	body := msg + "\n\nUpgrade now? " + wizard.UpgradeKeeps + " If the upgrade fails, the current install is put back."
	answer := func(yes bool) {
		if yes {
			m.upgrade(f)
		}
	}
	title := "Upgrade to " + f.Manifest.Version + "?"
	msgs := wizard.UpgradeMessages(m.in, f)
	if len(msgs) == 0 {
		confirm(m.win, title, body, "Upgrade", "Not now", false, answer)
		return
	}
	// Packages new to the install ask, as conda does, that their
	// messages are read before they are installed.
	top := container.NewVBox(wrapped(body), widget.NewSeparator(), bold("Messages from the new packages"),
		wrapped("Some of the packages the new version adds ask you to read this before they are installed. Upgrading accepts it:"))
	d := dialog.NewCustomConfirm(title, "Upgrade", "Not now", container.NewBorder(top, nil, nil, nil, newLongText(messageBlocks(msgs)[1:]...)), answer, m.win)
	d.Resize(fyne.NewSize(640, 480))
	present(m.win, d, false)
}

// upgrade runs the installer f on this install, showing its progress. This
// program moves its own file out of the install first where the OS cannot
// move a folder a program runs from (wizard.LeaveForUpgrade), and this
// user's Jupyter servers of the install are stopped: they run from it too.
func (m *Maintenance) upgrade(f *wizard.InstallerFile) {
	var res *installer.Result
	self, prefix, envs, must := m.deps.Executable, m.in.Prefix, m.in.Envs(), m.deps.MustLeave
	rel := &wizard.Relocation{From: self, To: self}
	plan := wizard.PlanInstall(&f.Manifest, m.in.Subdir)
	// the installer rolls its install back when stopped, and the engine
	// puts the current one back (wizard.RunUpgrade)
	stop := stopWords{title: "Stop the upgrade?", msg: "What it has installed so far is removed, and version " + m.in.Manifest.Version + " is put back as it was.",
		yes: "Stop the upgrade", no: "Keep upgrading", stopping: "Stopping the upgrade",
		stopped: "Upgrade stopped. Version " + m.in.Manifest.Version + " is kept as it was."}
	m.runJob(jobSpec{what: "Upgrading to " + f.Manifest.Version, plan: plan, stop: stop, op: func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
		logf = installer.LogfOrNop(logf)
		for _, env := range envs {
			if what, err := launch.Stop(prefix, env); err != nil {
				logf("upgrade: could not stop Jupyter in %s: %v", env, err)
			} else if what != "" {
				logf("upgrade: stopped Jupyter in %s (%s)", env, what)
			}
		}
		moved, err := wizard.LeaveForUpgrade(self, prefix, must)
		if err != nil {
			return err
		}
		rel = moved
		if rel.Moved() {
			logf("upgrade: this program moved out of the install, to %s", rel.To)
		}
		res, err = m.deps.RunUpgrade(ctx, wizard.UpgradeCommand(f, rel.To, prefix), r, logf)
		if err != nil && ctx.Err() != nil {
			// stopped: where the installer could not roll back itself (on
			// Windows it is killed, having no Ctrl-C to take), its journal
			// is recovered now, so that the version the window names is
			// back before the window goes on, as its question said (audit
			// BP: it waited for the next operation)
			if rec, rerr := installer.RecoverOutcome(context.WithoutCancel(ctx), prefix, logf); rerr != nil {
				logf("upgrade: recovering after the stop: %v", rerr)
			} else if msg := rec.Message(); msg != "" {
				logf("upgrade: %s", msg)
			}
		}
		if ferr := rel.Finish(); ferr != nil {
			logf("upgrade: %v", ferr)
			if err == nil {
				err = ferr
			}
		}
		return err
	}, settle: func() { m.deps.Executable = rel.To }, // where this program runs from now, stopped or not
		after: func(err error) {
			if err != nil {
				showProblem(m.win, wizard.Explain("The upgrade", err, m.in.LogPath()).WithHelpMenu())
				return
			}
			if in, rerr := wizard.ReadInstalled(m.in.Prefix); rerr == nil {
				m.in = in
			}
			m.rows = nil
			m.win.SetMainMenu(m.mainMenu()) // its Jupyter may be new (Stop Jupyter)
			m.win.SetContent(m.content())
			present(m.win, inform(m.win, "Upgraded", wizard.Done(m.in.Manifest.Name, res.Version, m.in.Prefix, res)), false)
			m.CheckHealth()
		}})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

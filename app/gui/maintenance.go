//go:build !nogui && !solaris

package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
	"onboard/installer"
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

	health    *statusLine
	busy      *busyBar
	buttons   []*widget.Button
	lastCheck *wizard.Health
	lastErr   error
	log       *wizard.Log
	done      chan struct{} // closed when the last operation finished (tests)
	helpMenu  *fyne.Menu
}

// NewMaintenance builds the maintenance window for the install in.
func NewMaintenance(ctx context.Context, a fyne.App, e wizard.Engine, in *wizard.Installed, d Deps) *Maintenance {
	d = d.withDefaults(a)
	m := &Maintenance{ctx: ctx, app: a, eng: e, deps: d, in: in, done: closedChan()}
	m.win = a.NewWindow(in.Manifest.Name)
	m.win.Resize(fyne.NewSize(680, 420))
	m.win.SetMainMenu(m.mainMenu())
	m.win.SetContent(m.content())
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
	title := bold(fmt.Sprintf("%s %s", man.Name, man.Version))
	title.SizeName = "headingText"
	m.health = newStatusLine("Health: not checked yet")
	m.busy = newBusyBar()
	launch := widget.NewButton("Launch Jupyter", m.launch)
	launch.Importance = widget.HighImportance
	m.buttons = []*widget.Button{launch,
		widget.NewButton("Verify", m.verify), widget.NewButton("Repair", m.repair),
		widget.NewButton("Uninstall", m.askUninstall)}
	row := container.NewHBox()
	for _, b := range m.buttons {
		row.Add(b)
	}
	return container.NewVBox(title,
		wrapped("Installed in: "+m.in.Prefix),
		wrapped(fmt.Sprintf("Environments: %s (%s)", strings.Join(m.in.Envs(), ", "), m.in.Subdir)),
		m.health.box, row, m.busy.box)
}

func (m *Maintenance) mainMenu() *fyne.MainMenu {
	m.helpMenu = fyne.NewMenu("Help",
		fyne.NewMenuItem("Repair environment…", m.repair),
		fyne.NewMenuItem("Verify installation…", m.verify),
		fyne.NewMenuItem("Open log", m.openLog),
		fyne.NewMenuItem("Report a problem", m.reportProblem),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("About", m.about))
	return fyne.NewMainMenu(m.helpMenu)
}

// CheckHealth verifies the install in the background, as the window opens.
func (m *Maintenance) CheckHealth() { m.verify() }

// run runs op in a goroutine with the buttons disabled and progress shown.
func (m *Maintenance) run(what string, op func(ctx context.Context, r installer.Reporter, logf installer.Logf) error, after func(error)) {
	for _, b := range m.buttons {
		b.Disable()
	}
	m.busy.done(what + "…")
	m.done = make(chan struct{})
	done := m.done
	tr := &wizard.Tracker{OnChange: func(p wizard.Progress) { runOnUI(func() { m.busy.show(p) }) }}
	go func() {
		err := op(m.ctx, tr, m.logf())
		runOnUI(func() {
			for _, b := range m.buttons {
				b.Enable()
			}
			m.busy.done("")
			after(err)
		})
		close(done)
	}()
}

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

func (m *Maintenance) verify() {
	var h *wizard.Health
	m.run("Verifying every installed file", func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
		var err error
		h, err = m.eng.Verify(ctx, m.in.Prefix, r, logf)
		return err
	}, func(err error) { m.showHealth("Verify", h, err) })
}

// showHealth shows the outcome of what (Verify or Repair).
func (m *Maintenance) showHealth(what string, h *wizard.Health, err error) {
	m.lastCheck, m.lastErr = h, err
	switch {
	case h != nil && h.OK:
		m.health.set(statusGood, "Health: good, "+h.Summary)
	case h != nil:
		m.health.set(statusBad, fmt.Sprintf("Health: damaged, %s. Click Repair to put it right.", h.Summary))
	default:
		m.health.set(statusWarning, "Health: unknown ("+strings.ToLower(what)+" did not finish)")
		showProblem(m.win, wizard.Explain(what, err, m.in.LogPath()))
	}
}

func (m *Maintenance) repair() {
	var h *wizard.Health
	m.run("Repairing", func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
		var err error
		h, err = m.eng.Repair(ctx, m.in.Prefix, r, logf)
		return err
	}, func(err error) {
		m.showHealth("Repair", h, err)
		if err != nil {
			return
		}
		msg := "Nothing needed repair."
		if len(h.Fixed) > 0 {
			msg = fmt.Sprintf("Put back: %s.", strings.Join(h.Fixed, ", "))
		}
		dialog.ShowInformation("Repair finished", msg, m.win)
	})
}

func (m *Maintenance) askUninstall() {
	msg := fmt.Sprintf("This removes %s from %s, with its launchers. Your notebooks are not touched.", m.in.Manifest.Name, m.in.Prefix)
	dialog.ShowConfirm("Uninstall?", msg, func(yes bool) {
		if yes {
			m.uninstall()
		}
	}, m.win)
}

func (m *Maintenance) uninstall() {
	m.run("Uninstalling", func(ctx context.Context, r installer.Reporter, logf installer.Logf) error {
		return m.eng.Uninstall(ctx, m.in.Prefix, r, logf)
	}, func(err error) {
		if err != nil {
			showProblem(m.win, wizard.Explain("Uninstall", err, m.in.LogPath()))
			return
		}
		for _, b := range m.buttons {
			b.Disable()
		}
		m.health.set(statusNone, m.in.Manifest.Name+" was removed from "+m.in.Prefix+".")
		d := dialog.NewInformation("Uninstalled", m.in.Manifest.Name+" was removed.", m.win)
		d.SetOnClosed(m.app.Quit)
		d.Show()
	})
}

func (m *Maintenance) launch() {
	env := m.in.JupyterEnv()
	m.busy.done("Starting Jupyter…")
	go func() {
		err := m.deps.Launch(m.ctx, m.in.Prefix, env)
		runOnUI(func() {
			m.busy.done("")
			if err != nil {
				showProblem(m.win, wizard.Explain("Launching Jupyter", err, m.in.LogPath()))
			}
		})
	}()
}

func (m *Maintenance) openLog() {
	if err := m.deps.OpenURL(fileURL(m.in.LogPath())); err != nil {
		showProblem(m.win, wizard.Explain("Opening the log", err, m.in.LogPath()))
	}
}

// reportProblem copies a diagnostic summary to the clipboard.
func (m *Maintenance) reportProblem() {
	text := wizard.Diagnostics(m.deps.Version, platform.Detect(), m.in, m.lastCheck, m.lastErr)
	m.app.Clipboard().SetContent(text)
	body := container.NewVBox(
		wrapped("This summary was copied to the clipboard. Paste it into a message to your platform team, and attach the log:"),
		wrapped(m.in.LogPath()),
		container.NewVScroll(widget.NewLabel(text)))
	d := dialog.NewCustom("Report a problem", "Close", body, m.win)
	d.Resize(fyne.NewSize(600, 420))
	d.Show()
}

func (m *Maintenance) about() {
	man := m.in.Manifest
	text := fmt.Sprintf("%s %s\nInstalled in %s\n\nonboard %s installs and maintains it.", man.Name, man.Version, m.in.Prefix, m.deps.Version)
	if man.Demo {
		text += "\n\nThis is the demo bundle."
	}
	dialog.ShowInformation("About", text, m.win)
}

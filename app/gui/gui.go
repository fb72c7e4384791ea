//go:build !nogui && !solaris

// Package gui is onboard's Fyne interface: the install wizard and the
// maintenance window with its Help menu. It is a thin view over app/wizard:
// steps, state and engine calls live there. It never imports
// fyne.io/fyne/v2/app, so its tests run headless with CGO_ENABLED=0; the
// root package creates the real Fyne app and passes it in.
package gui

import (
	"context"
	"io"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/internal/selfexe"
	"onboard/platform"
)

// Deps is what the windows do outside the engine. Zero fields get defaults.
type Deps struct {
	// OpenURL opens a web page or a folder (file:// URL); default: the app's.
	OpenURL func(u *url.URL) error
	// Launch starts Jupyter in an env of the install at prefix and opens the
	// browser. Default: an error saying launching is not available.
	Launch func(ctx context.Context, prefix, env string) error
	// Executable is this program's path (maintenance mode when it sits in
	// PREFIX/.onboard); default: os.Executable.
	Executable string
	// Version is onboard's own version, for About and Report a problem.
	Version string
	// LogDir is where session logs go; "" = the user's cache folder.
	LogDir string
	// StartStep opens the wizard at this step (the screenshots build);
	// 0 = Welcome.
	StartStep wizard.StepID
	// StartRepair starts a Repair once the check the maintenance window
	// opens with has ended, as a user would after seeing the damage (the
	// screenshots build).
	StartRepair bool
	// StartUninstall asks the uninstall question of the maintenance
	// window as it opens: `uninstall` started with no terminal to ask on
	// ("Apps & features" → Uninstall on Windows).
	StartUninstall bool
	// Prefix is an install to open the maintenance window on (--prefix, or
	// a macOS launcher's configuration); "" = find one.
	Prefix string
	// OpenTerminal opens a terminal with an env activated; default:
	// platform.OpenTerminal.
	OpenTerminal func(platform.TerminalRequest) error
	// RunUpgrade runs an installer's upgrade command; default:
	// wizard.RunUpgrade.
	RunUpgrade func(ctx context.Context, argv []string, r installer.Reporter, logf installer.Logf) (*installer.Result, error)
	// MayModify tells whether this user may repair and uninstall the
	// install at prefix, and why not; default: wizard.MayModify.
	MayModify func(prefix string) (bool, string)
	// Now is the clock of the progress shown (speed, time left); nil =
	// time.Now. The screenshots build stops it while it holds an install
	// still, so that a picture shows the speed the install had.
	Now func() time.Time
	// MustLeave tells whether this program must move its file out of the
	// install at dir before an upgrade moves that aside (Windows, when it
	// runs from inside); default: selfexe.MustLeaveDir.
	MustLeave func(exe, dir string) bool
}

func (d Deps) withDefaults(a fyne.App) Deps {
	if d.OpenURL == nil {
		d.OpenURL = a.OpenURL
	}
	if d.MayModify == nil {
		d.MayModify = wizard.MayModify
	}
	if d.Launch == nil {
		d.Launch = func(context.Context, string, string) error {
			return wizard.ErrNoLauncher
		}
	}
	if d.Executable == "" {
		d.Executable, _ = os.Executable()
	}
	if d.Version == "" {
		d.Version = "dev"
	}
	if d.OpenTerminal == nil {
		d.OpenTerminal = platform.OpenTerminal
	}
	if d.RunUpgrade == nil {
		d.RunUpgrade = wizard.RunUpgrade
	}
	if d.MustLeave == nil {
		d.MustLeave = selfexe.MustLeaveDir
	}
	return d
}

// Run opens the maintenance window when an install exists (this program
// runs from PREFIX/.onboard, or the bundle's default prefix holds an
// install), else the install wizard, and runs the app until the window
// closes. It returns the error that ended the session, if any.
func Run(ctx context.Context, a fyne.App, e wizard.Engine, d Deps) error {
	d = d.withDefaults(a)
	useReadableTheme(a)
	var (
		w   fyne.Window
		res func() error
	)
	var logTo func() installer.Logf // the window's session log
	var product string              // the team's name for it, for the no-window message
	in := findInstalled(ctx, e, d)
	if in != nil {
		product = in.Manifest.Name
		m := NewMaintenance(ctx, a, e, in, d)
		w, res, logTo = m.Window(), func() error { return nil }, m.logf
		m.CheckHealth()
		if d.StartRepair {
			checked := m.done
			go func() { <-checked; runOnUI(m.repair) }()
		}
		if d.StartUninstall {
			runOnUI(m.askUninstall)
		}
	} else {
		wz := NewWizard(ctx, a, e, d)
		w, res = wz.Window(), wz.Err
		if b := wz.flow.State.Bundle; b != nil {
			product = b.Manifest.Name
		}
		logTo = func() installer.Logf {
			if wz.log == nil {
				return nil
			}
			return wz.log.Logf
		}
	}
	watch := &noWindowWatch{report: func(cause string) { exitNoWindow(product, d.Executable, cause, in != nil, logTo) }}
	defer routeFyneLog(logTo, watch.line)()
	w.SetMaster()
	w.Show()
	stop := context.AfterFunc(ctx, func() { runOnUI(a.Quit) })
	defer stop()
	a.Run()
	return res()
}

// routeFyneLog sends what Fyne logs (the standard log package: "Fyne
// error: Getting favorite locations" when the home has no Videos folder, a
// preferences file it cannot read) to the window's session log, not to the
// terminal: onboard prints no noise of Fyne's. The returned func undoes it.
func routeFyneLog(logTo func() installer.Logf, watch func(line string)) (undo func()) {
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(fyneLogWriter{logTo: logTo, fallback: out, watch: watch})
	log.SetFlags(0)
	return func() { log.SetOutput(out); log.SetFlags(flags) }
}

type fyneLogWriter struct {
	logTo    func() installer.Logf
	fallback io.Writer         // where the lines go with no log open
	watch    func(line string) // sees every line (noWindowWatch); nil = none
}

func (w fyneLogWriter) Write(p []byte) (int, error) {
	if w.watch != nil {
		for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
			w.watch(line)
		}
	}
	if logf := w.logTo(); logf != nil {
		for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
			logf("fyne: %s", line)
		}
		return len(p), nil
	}
	return w.fallback.Write(p)
}

// findInstalled returns the install the maintenance window opens on; nil
// opens the install wizard. The install is --prefix's, else the one
// wizard.FindWhere finds, the command line's rule: the maintenance app's
// own (a copy conda made in a clone of the base opens the install it came
// from, and says so), else the carried bundle's install in its default
// folder for this user or for all users. An installer that carries a
// newer version of the install it finds opens the wizard, whose plan is
// the upgrade: a person who runs the new installer means to upgrade (the
// maintenance app in an install always opens its window).
func findInstalled(ctx context.Context, e wizard.Engine, d Deps) *wizard.Installed {
	if d.Prefix != "" {
		if in, err := wizard.ReadInstalled(d.Prefix); err == nil {
			return in
		}
	}
	var carried *bundle.Manifest
	if b, err := e.FindBundle(ctx); err == nil {
		carried = &b.Manifest
		// Closed at once: a bundle appended to this program would hold its
		// file open, and on Windows an upgrade or uninstall must rename it.
		b.Close()
	}
	w := wizard.FindWhere(d.Executable, carried, e.DefaultPrefix)
	in, err := wizard.ReadInstalled(w.Prefix)
	if w.Own && err != nil {
		// its manifest lost: the window needs one, so the carried
		// bundle's install, if any, else the wizard (repair on the
		// command line puts the manifest back)
		w = wizard.FindWhere("", carried, e.DefaultPrefix)
		in, err = wizard.ReadInstalled(w.Prefix)
	}
	if w.Prefix == "" || err != nil {
		return nil
	}
	if !w.Own && w.CloneEnv == "" && carried != nil && wizard.CompareBundles(in.Manifest, *carried) == wizard.UpgradeNewer {
		return nil
	}
	return in
}

// fileURL returns a file:// URL for path.
func fileURL(path string) *url.URL {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
}

// runOnUI runs f on Fyne's UI goroutine. Every widget change made from a
// background goroutine goes through it; tests replace it with a queue that
// the test goroutine drains, so that UI work stays on one goroutine there
// too (the test driver's fyne.Do runs f in the caller).
var runOnUI = fyne.Do

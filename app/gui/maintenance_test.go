//go:build !nogui && !solaris

package gui

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
	"onboard/installer/bundle"
	prefixpkg "onboard/installer/prefix"
	"onboard/internal/humanize"
	"onboard/platform"
)

// installedPrefix returns a prefix with the test bundle installed by the
// real installer.Install.
func installedPrefix(t *testing.T, e *wizardtest.Engine) string {
	t.Helper()
	b, err := e.FindBundle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(t.TempDir(), "test-python")
	if _, err := e.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: wizardtest.Subdir()}); err != nil {
		t.Fatalf("install: %v", err)
	}
	return prefix
}

// damageOneFile deletes the first file of the first conda-meta record of
// prefix and returns its path.
func damageOneFile(t *testing.T, prefix string) string {
	t.Helper()
	recs, _ := filepath.Glob(filepath.Join(prefix, "conda-meta", "*.json"))
	for _, rp := range recs {
		raw, err := os.ReadFile(rp)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct{ Files []string }
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatal(err)
		}
		if len(rec.Files) > 0 {
			p := filepath.Join(prefix, filepath.FromSlash(rec.Files[0]))
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("no record with files in %s", prefix)
	return ""
}

func newMaintenance(t *testing.T, r *recorder) (*Maintenance, fyne.App, string) {
	t.Helper()
	e := wizardtest.NewEngine(t)
	prefix := installedPrefix(t, e)
	// The maintenance app runs from PREFIX/.onboard/onboard.
	exe := filepath.Join(prefix, ".onboard", "onboard")
	in, err := wizard.ReadInstalled(prefix)
	if err != nil {
		t.Fatalf("install not found from %s: %v", exe, err)
	}
	a := test.NewTempApp(t)
	d := r.deps(t)
	d.Executable = exe
	m := NewMaintenance(context.Background(), a, e, in, d)
	return m, a, prefix
}

func menuItem(t *testing.T, m *Maintenance, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.helpMenu.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no Help menu item %q", label)
	return nil
}

// The window's menus are File, with Quit, then Help (Fyne puts Quit in
// the first menu when none has it: Help ended with Quit); on macOS the
// application menu has Quit, and Help stands alone.
func TestMaintenanceMenusPutQuitInFile(t *testing.T) {
	m, _, _ := newMaintenance(t, &recorder{})
	menus := m.Window().MainMenu().Items
	if len(menus) != 2 || menus[0].Label != "File" || menus[1] != m.helpMenu {
		t.Fatalf("menus %v, want File and Help", menus)
	}
	file := menus[0].Items
	if last := file[len(file)-1]; !last.IsQuit || last.Label != "Quit" {
		t.Fatalf("File ends with %+v, want Quit", last)
	}
	for _, it := range m.helpMenu.Items {
		if it.IsQuit || it.Label == "Quit" {
			t.Fatal("Help holds Quit")
		}
	}
	if mac := withFileMenu("darwin", m.helpMenu); len(mac) != 1 || mac[0] != m.helpMenu {
		t.Fatalf("macOS menus %v, want Help alone", mac)
	}
}

func TestMaintenanceWindowAndHelpMenu(t *testing.T) {
	r := &recorder{}
	m, a, prefix := newMaintenance(t, r)
	w := m.Window()
	mustContain(t, w, "Test Python\nVersion 2026.11.0 for "+platform.SubdirWords(wizardtest.Subdir())+", installed in "+prefix,
		"Environment\nSize on disk\nHealth\nLast checked\n", "base\n", "team\n", "not checked\nnever\n",
		"Jupyter", "Terminal", "Verify all", "Repair", "Uninstall…",
		"You work in the team environment;") // which row is where one works (audit AU 13)
	waitClosed(t, m.sized) // the sizes, measured in the background
	drainUI()
	for _, row := range m.rows {
		if want, _ := wizard.EnvSize(prefix, row.env); row.size.Text != humanize.Bytes(want) || want == 0 {
			t.Fatalf("size of %s: %q, want %s", row.env, row.size.Text, humanize.Bytes(want))
		}
	}
	if n, _ := wizard.MaintenanceSize(prefix); n == 0 || !m.maintSize.Visible() ||
		m.maintSize.Text != "Besides the environments, Test Python Maintenance and the copy of the installer it repairs from take "+humanize.Bytes(n)+"." {
		t.Fatalf("the state folder's size (%d) under the table: %q", n, m.maintSize.Text)
	}

	m.CheckHealth()
	waitClosed(t, m.done)
	mustContain(t, w, "Healthy. ", "healthy\n")
	if strings.Contains(texts(w), "never") {
		t.Fatal("the last check's time is not shown")
	}
	// The time of the last check outlives the window.
	if c := wizard.ReadLastCheck(prefix); c == nil || !c.Health.OK || c.What != "verify" {
		t.Fatalf("last check %+v", c)
	}
	again := NewMaintenance(context.Background(), a, m.eng, m.in, m.deps)
	if !strings.Contains(texts(again.Window()), "healthy\n"+wizard.ReadLastCheck(prefix).Time.Local().Format("2006-01-02 15:04")) {
		t.Fatalf("a new window does not show the last check:\n%s", texts(again.Window()))
	}

	menuItem(t, m, "Verify all").Action()
	waitClosed(t, m.done)

	menuItem(t, m, "Open log").Action()
	if len(r.urls) != 1 || r.urls[0] != "file://"+filepath.ToSlash(filepath.Join(prefix, ".onboard", "install.log")) {
		t.Fatalf("opened %v", r.urls)
	}
	// with nothing to open it (no xdg-open): its path, with Copy, not
	// Go's error and advice to see the log it could not open
	open := m.deps.OpenURL
	m.deps.OpenURL = func(*url.URL) error { return errors.New(`exec: "xdg-open": executable file not found in $PATH`) }
	menuItem(t, m, "Open log").Action()
	mustContain(t, m.win, "The install's log", filepath.Join(prefix, ".onboard", "install.log"))
	if s := texts(m.win); strings.Contains(s, "executable file not found") || strings.Contains(s, "failed") {
		t.Fatalf("Open log with no opener:\n%s", s)
	}
	closeDialog(t, m.win, "Close")
	m.deps.OpenURL = open

	menuItem(t, m, "Report a problem").Action()
	clip := a.Clipboard().Content()
	for _, want := range []string{"onboard 1.2.3-test", "platform: ", "install: Test Python 2026.11.0 (io.onboard.test, " + wizardtest.Subdir(), prefix, "verify: "} {
		if !strings.Contains(clip, want) {
			t.Fatalf("clipboard lacks %q:\n%s", want, clip)
		}
	}
	mustContain(t, w, "copied to the clipboard", m.in.LogPath(), m.log.Path)
	// the summary is readable in the dialog: its box is not one line high
	var box *container.Scroll
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		if s, ok := o.(*container.Scroll); ok && strings.Contains(textsOf(s), "onboard 1.2.3-test") {
			box = s
		}
		for _, c := range children(o) {
			find(c)
		}
	}
	find(w.Canvas().Overlays().Top())
	if line := test.NewTempApp(t).Settings().Theme().Size("text"); box == nil || box.Size().Height < 8*line {
		t.Fatalf("the summary's box is too small to read: %+v", box)
	}
	closeDialog(t, w, "Close")

	menuItem(t, m, "About").Action()
	mustContain(t, w, "Installed and maintained by onboard (version 1.2.3-test).", "This is the demo bundle.")
	closeDialog(t, w, "Close")

	if !strings.Contains(textsOf(findColumns(t, w.Canvas().Content())), "base\n") || !rowHas(t, m, "base", "no Jupyter") || rowHas(t, m, "base", "Start Jupyter") {
		t.Fatal("base, which has no Jupyter, does not say so in its row, or offers a Jupyter button")
	}
	test.Tap(rowButton(t, m, "team", "Start Jupyter"))
	if got := <-r.launched; got != prefix+"|team" {
		t.Fatalf("launched %q", got)
	}
}

// withoutTeamJupyter installs the test bundle, removes the team env's
// jupyter program, and gives what a maintenance window of it is made of.
func withoutTeamJupyter(t *testing.T) (wizard.Engine, *wizard.Installed, Deps) {
	t.Helper()
	r := &recorder{}
	e := wizardtest.NewEngine(t)
	prefix := installedPrefix(t, e)
	if err := os.Remove(launch.Executable(wizard.EnvDir(prefix, "team"), runtime.GOOS)); err != nil {
		t.Fatal(err)
	}
	in, err := wizard.ReadInstalled(prefix)
	if err != nil {
		t.Fatal(err)
	}
	d := r.deps(t)
	d.Executable = filepath.Join(prefix, ".onboard", "onboard")
	return e, in, d
}

// The launcher's env whose jupyter was lost is no env without Jupyter:
// its row keeps Start Jupyter, whose dialog then offers Repair; it said
// "no Jupyter", as base does, and still did after a repair (audit AP 1).
func TestMaintenanceDamagedJupyterKeepsItsButton(t *testing.T) {
	e, in, d := withoutTeamJupyter(t)
	m := NewMaintenance(context.Background(), test.NewTempApp(t), e, in, d)
	if rowHas(t, m, "team", "no Jupyter") || !rowHas(t, m, "team", "Start Jupyter") {
		t.Fatal("the launcher's env, its jupyter lost, says it has no Jupyter")
	}
	if !rowHas(t, m, "base", "no Jupyter") {
		t.Fatal("base, which has no Jupyter and no launcher, does not say so")
	}
}

// An install without Jupyter (no launcher, no jupyter program) offers no
// Stop Jupyter: neither the button nor the Help menu, whose first items
// are in the buttons' order (review BF 6).
func TestMaintenanceWithoutJupyterOffersNoStop(t *testing.T) {
	e, in, d := withoutTeamJupyter(t)
	with := NewMaintenance(context.Background(), test.NewTempApp(t), e, in, d)
	if labels := menuLabels(with); !slices.Contains(labels, "Stop Jupyter") || labels[0] != "Verify all" || labels[1] != "Repair all" {
		t.Fatalf("with a Jupyter launcher, Help holds %q", labels)
	}
	if visibleButton(with.Window(), "Stop Jupyter") == nil {
		t.Fatal("with a Jupyter launcher, the window shows no Stop Jupyter")
	}
	in.Manifest.Launchers = nil
	m := NewMaintenance(context.Background(), test.NewTempApp(t), e, in, d)
	if labels := menuLabels(m); slices.Contains(labels, "Stop Jupyter") {
		t.Errorf("without Jupyter, Help offers %q", labels)
	}
	if visibleButton(m.Window(), "Stop Jupyter") != nil {
		t.Error("without Jupyter, the window shows Stop Jupyter")
	}
}

func menuLabels(m *Maintenance) []string {
	var out []string
	for _, it := range m.helpMenu.Items {
		out = append(out, it.Label)
	}
	return out
}

// Jupyter that cannot start in a damaged env offers Repair in its dialog,
// where the hint sent the person to "the Repair button of its maintenance
// window", the window they were in.
func TestMaintenanceJupyterOnADamagedEnvOffersRepair(t *testing.T) {
	r := &recorder{}
	m, _, prefix := newMaintenance(t, r)
	waitClosed(t, m.done)
	r.launchErr = &launch.EnvError{Prefix: prefix, Env: "team", Reason: "bin/jupyter-notebook is missing"}
	test.Tap(rowButton(t, m, "team", "Start Jupyter"))
	<-r.launched
	runUIUntil(t, m.win, "bin/jupyter-notebook is missing")
	mustContain(t, m.win, "bin/jupyter-notebook is missing", "Repair team, then start Jupyter again.")
	if s := texts(m.win); strings.Contains(s, "maintenance window") {
		t.Fatalf("the dialog sends the person to the window they are in:\n%s", s)
	}
	tapButton(t, m.win, "Repair team")
	waitClosed(t, m.done)
	drainUI()
	if s := texts(m.win); !strings.Contains(s, "team is healthy") && !strings.Contains(s, "Health of team") {
		t.Fatalf("Repair team did not run:\n%s", s)
	}
}

func TestMaintenanceOpensATerminalPerEnv(t *testing.T) {
	r := &recorder{}
	m, _, prefix := newMaintenance(t, r)
	test.Tap(rowButton(t, m, "team", "Terminal"))
	test.Tap(rowButton(t, m, "base", "Terminal"))
	if len(r.terminals) != 2 {
		t.Fatalf("terminals %+v", r.terminals)
	}
	team, base := r.terminals[0], r.terminals[1]
	envDir := filepath.Join(prefix, "envs", "team")
	if team.EnvName != "team" || team.StateDir != userStateDir(t, prefix) || team.Vars["CONDA_PREFIX"] != envDir ||
		!strings.HasPrefix(team.Vars["PATH"], filepath.Join(envDir, "bin")+string(os.PathListSeparator)) || team.Vars["CONDA_DEFAULT_ENV"] != "team" {
		t.Fatalf("team terminal %+v", team)
	}
	if base.Vars["CONDA_PREFIX"] != prefix || base.Vars["CONDA_DEFAULT_ENV"] != "base" {
		t.Fatalf("base terminal %+v", base)
	}
	if team.Conda != "" {
		t.Fatalf("a base without conda asked for conda's activation: %q", team.Conda)
	}
	if _, ok := team.Vars["HOME"]; ok {
		t.Fatal("variables that activation does not change are passed too")
	}
	mustContain(t, m.Window(), "Opened a terminal with base activated.")
	// A base with conda: its own activation (conda.sh, conda activate).
	condaSh := filepath.Join(prefix, "etc", "profile.d", "conda.sh")
	os.MkdirAll(filepath.Dir(condaSh), 0o755)
	os.WriteFile(condaSh, []byte("# conda\n"), 0o644)
	test.Tap(rowButton(t, m, "team", "Terminal"))
	if len(r.terminals) != 3 || r.terminals[2].Conda != condaSh || r.terminals[2].EnvName != "team" {
		t.Fatalf("with conda in the base: %+v", r.terminals)
	}

	r.termErr = &platform.NoTerminalError{Tried: []string{"xterm"}, Script: "/p/.onboard/terminal-team.sh"}
	test.Tap(rowButton(t, m, "team", "Terminal"))
	mustContain(t, m.Window(), "Opening a terminal failed", "No terminal program was found", "sudo apt-get install xterm")
}

func TestMaintenanceRepairAndUninstall(t *testing.T) {
	r := &recorder{}
	m, _, prefix := newMaintenance(t, r)
	w := m.Window()
	gone := damageOneFile(t, prefix)
	m.CheckHealth()
	waitClosed(t, m.done)
	mustContain(t, w, "1 problem found in 1 package", "Click Repair all to put it right.", "1 problem\n")
	// which problem: listed by env, in words, in this window and the next
	rel, _ := filepath.Rel(prefix, gone)
	for _, win := range []*Maintenance{m, NewMaintenance(context.Background(), m.app, m.eng, m.in, m.deps)} {
		tapButton(t, win.Window(), "Show the problems…")
		mustContain(t, win.Window(), "Problems found", "In base (1 problem, ", filepath.ToSlash(rel)+" is missing, of the package ")
		closeDialog(t, win.Window(), "Close")
	}

	menuItem(t, m, "Repair all").Action()
	waitClosed(t, m.done)
	if m.lastErr != nil {
		t.Fatalf("repair: %v", m.lastErr)
	}
	mustContain(t, w, "Repair finished")
	closeDialog(t, w, "Close")
	if _, err := os.Stat(gone); err != nil {
		t.Fatalf("repair did not put back %s: %v", gone, err)
	}
	m.CheckHealth()
	waitClosed(t, m.done)
	mustContain(t, w, "Healthy. ")
	if regexp.MustCompile(`(?m)^\d+ problems?$`).MatchString(texts(w)) {
		t.Fatalf("a row still shows problems:\n%s", texts(w))
	}
	if m.details.Visible() {
		t.Fatal("the problems are still offered after a healthy check")
	}

	// an env made with conda inside the install, and a file of the user's:
	// the question names them, since the uninstall deletes them too
	os.MkdirAll(filepath.Join(prefix, "envs", "mine", "conda-meta"), 0o755)
	os.WriteFile(filepath.Join(prefix, "envs", ".conda_envs_dir_test"), nil, 0o644) // conda's: not named
	os.WriteFile(filepath.Join(prefix, "notes.txt"), []byte("mine\n"), 0o644)       // and the user's own file
	tapButton(t, w, "Uninstall…")
	mustContain(t, w, "Uninstall?", prefix, "environments made with conda (mine) and your own files (notes.txt).")
	tapButton(t, w, "Uninstall")
	waitClosed(t, m.done)
	if texts := texts(w); strings.Contains(texts, "Uninstall failed") {
		t.Fatalf("uninstall failed:\n%s", texts)
	}
	if _, err := os.Stat(prefix); !os.IsNotExist(err) {
		t.Fatalf("prefix still there: %v", err)
	}
	mustContain(t, w, "was removed")
}

// A row's Verify and Repair act on that env alone (issue #14); its health
// and last check follow, and the other rows keep theirs.
func TestMaintenanceVerifiesAndRepairsOneEnv(t *testing.T) {
	r := &recorder{}
	m, _, prefix := newMaintenance(t, r)
	w := m.Window()
	row := func(env string) *envRow {
		for _, r := range m.rows {
			if r.env == env {
				return r
			}
		}
		t.Fatalf("no row %s", env)
		return nil
	}
	gone := damageOneFile(t, filepath.Join(prefix, "envs", "team"))

	test.Tap(rowButton(t, m, "base", "Verify"))
	waitClosed(t, m.done)
	mustContain(t, w, "base is healthy. ")
	if row("base").health.Text != "healthy" || row("team").health.Text != "not checked" || row("team").checked.Text != "never" {
		t.Fatalf("after verifying base: base %q, team %q %q", row("base").health.Text, row("team").health.Text, row("team").checked.Text)
	}
	baseChecked := wizard.ReadLastCheck(prefix).Envs["base"].Time

	test.Tap(rowButton(t, m, "team", "Verify"))
	waitClosed(t, m.done)
	mustContain(t, w, "Health of team: ", "Click Repair on its row to put it right.")
	if row("team").health.Text != "1 problem" || row("base").health.Text != "healthy" {
		t.Fatalf("after verifying team: team %q, base %q", row("team").health.Text, row("base").health.Text)
	}

	test.Tap(rowButton(t, m, "team", "Repair"))
	waitClosed(t, m.done)
	if m.lastErr != nil {
		t.Fatalf("repair of team: %v", m.lastErr)
	}
	mustContain(t, w, "Repair finished", "team is healthy. ")
	closeDialog(t, w, "Close")
	if _, err := os.Stat(gone); err != nil {
		t.Fatalf("the repair of team did not put back %s: %v", gone, err)
	}
	c := wizard.ReadLastCheck(prefix)
	if row("team").health.Text != "healthy" || c.Envs["team"].What != "repair" || !c.Envs["base"].Time.Equal(baseChecked) {
		t.Fatalf("after repairing team: row %q, last checks %+v", row("team").health.Text, c.Envs)
	}
}

func TestLaunchProblemRepairsAndRetries(t *testing.T) {
	a := test.NewTempApp(t)
	repaired, retried := false, false
	p := launch.Problem{
		Prefix: "/p", Env: "team", LogPath: "/p/.onboard/jupyter-team.log",
		Err: &launch.EnvError{Prefix: "/p", Env: "team", Reason: "/p/envs/team/bin/jupyter is missing"},
		Repair: func(ctx context.Context, r installer.Reporter, _ installer.Logf) error {
			r.Stage(installer.StageLink, 10)
			repaired = true
			return nil
		},
		Retry: func(context.Context) error { retried = true; return errors.New("still broken: port in use") },
	}
	lp := NewLaunchProblem(context.Background(), a, p)
	w := lp.Window()
	mustContain(t, w, "Starting Jupyter failed", "bin/jupyter is missing", "What to do", "Click Repair below: it puts the environment back, then starts Jupyter again.", p.LogPath)
	tapButton(t, w, "Repair")
	waitClosed(t, lp.done)
	if !repaired || !retried {
		t.Fatalf("repaired %v, retried %v", repaired, retried)
	}
	mustContain(t, w, "Still broken: port in use")
	if lp.err == nil || lp.repair.Disabled() {
		t.Fatal("after a failed retry the error must stay and Repair be offered again")
	}
}

// A package's menu shortcut that cannot start its command says so in a
// window named after the command, with Repair for a broken env.
func TestLaunchProblemOfAMenuShortcut(t *testing.T) {
	a := test.NewTempApp(t)
	p := launch.Problem{Prefix: "/p", Env: "team", What: "spyder",
		Err:    &launch.EnvError{Prefix: "/p", Env: "team", Reason: "its folder /p/envs/team is missing", What: "spyder"},
		Repair: func(context.Context, installer.Reporter, installer.Logf) error { return nil },
		Retry:  func(context.Context) error { return nil }}
	lp := NewLaunchProblem(context.Background(), a, p)
	w := lp.Window()
	if w.Title() != "spyder could not start" {
		t.Errorf("title %q; want the command's name", w.Title())
	}
	mustContain(t, w, "Starting spyder failed", "cannot start spyder", "envs/team is missing", "Click Repair below: it puts the environment back, then starts spyder again.")
}

func TestMaintenanceChecksForANewerInstaller(t *testing.T) {
	r := &recorder{}
	m, _, prefix := newMaintenance(t, r)
	w := m.Window()
	if menuItem(t, m, "Check for a newer installer…").Action == nil {
		t.Fatal("no action")
	}

	m.checkInstaller(wizardtest.BundleFileVersion(t, wizardtest.Version))
	mustContain(t, w, "No upgrade", "the version installed: nothing to upgrade")
	closeDialog(t, w, "Close")

	m.checkInstaller(filepath.Join(t.TempDir(), "not-there"))
	mustContain(t, w, "Reading the installer failed")
	closeDialog(t, w, "Close")

	// The upgrade runs the command the engine's install understands; here
	// it is carried out in-process by installer.Install on the new bundle
	// (wizard.RunUpgrade, which runs it as a program, has its own test).
	v2 := wizardtest.BundleFileVersion(t, "2026.12.0")
	var argv []string
	m.deps.RunUpgrade = func(ctx context.Context, a []string, rep installer.Reporter, logf installer.Logf) (*installer.Result, error) {
		argv = a
		b, err := bundle.Open(v2)
		if err != nil {
			return nil, err
		}
		defer b.Close()
		return installer.Install(ctx, installer.Options{Prefix: prefix, Bundle: b, Reporter: rep, Logf: logf})
	}
	m.checkInstaller(v2)
	mustContain(t, w, "Upgrade to 2026.12.0?", "carries Test Python 2026.12.0; 2026.11.0 is installed", "notebooks")
	tapButton(t, w, "Upgrade")
	waitClosed(t, m.done)
	drainUI()
	if strings.Join(argv[:4], " ") != m.deps.Executable+" install --bundle "+v2 || !strings.Contains(strings.Join(argv, " "), "--prefix "+prefix+" --json") {
		t.Fatalf("upgrade command %q", argv)
	}
	mustContain(t, w, "Upgraded", "Test Python is upgraded from 2026.11.0 to 2026.12.0 in "+prefix, "Version 2026.12.0 for ")
	closeDialog(t, w, "Close")
	waitClosed(t, m.done) // the health check after the upgrade
	mustContain(t, w, "Healthy. ")
}

// For a user who may not change a shared install, Repair and Uninstall
// are off and the window says why; they stay off after a check.
func TestMaintenanceSharedInstallIsReadOnly(t *testing.T) {
	r := &recorder{}
	r.shared = "Repair and Uninstall are off for you: run sudo onboard repair"
	m, _, _ := newMaintenance(t, r)
	w := m.Window()
	mustContain(t, w, r.shared)
	check := func() {
		t.Helper()
		for label, off := range map[string]bool{"Repair all": true, "Uninstall…": true, "Verify all": false} {
			if findButton(t, w, label).Disabled() != off {
				t.Errorf("%s disabled = %v, want %v", label, !off, off)
			}
		}
		if rowButton(t, m, "team", "Repair").Disabled() != true || rowButton(t, m, "team", "Start Jupyter").Disabled() {
			t.Error("a shared install's row must offer Jupyter but not Repair")
		}
		if !menuItem(t, m, "Repair all").Disabled {
			t.Error("the Help menu still offers Repair")
		}
	}
	check()
	m.CheckHealth()
	waitClosed(t, m.done)
	mustContain(t, w, "Healthy. ")
	check()
}

// Help → Stop Jupyter stops only this user's server: with none
// recorded, it says so.
func TestMaintenanceStopJupyterWithNoneRunning(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	m, _, _ := newMaintenance(t, &recorder{})
	menuItem(t, m, "Stop Jupyter").Action()
	mustContain(t, m.Window(), "You had no Jupyter running.")
	closeDialog(t, m.Window(), "Close")
	// and in view, as a button by Verify all (audit AU 7), which Finish
	// names: "click Stop Jupyter"
	tapButton(t, m.Window(), "Stop Jupyter")
	mustContain(t, m.Window(), "You had no Jupyter running.")
}

// userStateDir is where this user's state of the install at prefix lives.
func userStateDir(t *testing.T, prefix string) string {
	t.Helper()
	s, err := platform.HostUserState(prefix)
	if err != nil {
		t.Fatal(err)
	}
	return s.Dir
}

// An env removed with conda (conda env remove) reads as such in its row,
// and the install as healthy: it is the user's change.
func TestMaintenanceShowsAnEnvRemovedWithConda(t *testing.T) {
	r := &recorder{}
	m, _, prefix := newMaintenance(t, r)
	team := filepath.Join(prefix, "envs", "team")
	home, _ := os.UserHomeDir()
	os.RemoveAll(team)
	if n, err := prefixpkg.Unregister(filepath.Join(home, ".conda", "environments.txt"), team); n != 1 || err != nil {
		t.Fatalf("unregister: %d, %v", n, err)
	}
	m.CheckHealth()
	waitClosed(t, m.done)
	mustContain(t, m.Window(), "Healthy. ", "removed with conda\n")
	if m.details.Visible() {
		t.Fatal("a removed env is offered as problems")
	}
}

// While an operation runs, the rows' buttons wait, Terminal included, and
// the bar names the env an upgrade is in.
func TestMaintenanceBusyBarAndButtons(t *testing.T) {
	r := &recorder{}
	m, _, _ := newMaintenance(t, r)
	release := make(chan struct{})
	m.health.SetText("Health: 1 problem. Click Repair all to put it right.")
	m.run("Upgrading to 2026.12.0", func(ctx context.Context, rep installer.Reporter, logf installer.Logf) error {
		<-release
		return nil
	}, func(error) {})
	if !rowButton(t, m, "team", "Terminal").Disabled() || !rowButton(t, m, "team", "Repair").Disabled() {
		t.Error("a row's Terminal or Repair is offered while an operation runs")
	}
	m.busy.show(wizard.Progress{Label: "Unpacking packages", Env: "team", Fraction: 0.3})
	if got := m.busy.status.Text; got != "Upgrading to 2026.12.0: unpacking packages in the team environment" {
		t.Errorf("the bar says %q", got)
	}
	// the percentage in the text's colour under the bar, not white on its
	// pale unfilled part (audit Y2)
	if got := m.busy.figures.Text; !strings.HasPrefix(got, "30%") || m.busy.bar.TextFormatter() != "" {
		t.Errorf("under the bar %q, on it %q; want 30%% under it and nothing on it", got, m.busy.bar.TextFormatter())
	}
	// the bar and Cancel take the health line's place: no "Click Repair
	// all" beside a disabled button (audit Y2), and the news said once,
	// on the status line, not again as "Upgrading…" (audit BO 6); the
	// health line comes back after
	if m.atRest.Visible() || !m.progress.Visible() || !m.busy.bar.Visible() {
		t.Errorf("while it runs: health line shown %v, bar shown %v", m.atRest.Visible(), m.progress.Visible() && m.busy.bar.Visible())
	}
	if n := strings.Count(texts(m.win), "Upgrading to 2026.12.0"); n != 1 {
		t.Errorf("the window says what runs %d times:\n%s", n, texts(m.win))
	}
	// the Help menu's operations wait too, and one started anyway does
	// not run beside it (audit Z)
	if it := menuItem(t, m, "Repair all"); !it.Disabled {
		t.Error("Help → Repair the whole install is offered while an operation runs")
	}
	running := m.done
	m.repair()
	if m.done != running {
		t.Error("a repair started beside the running operation")
	}
	close(release)
	waitClosed(t, m.done)
	drainUI()
	if got := m.health.Text; got != "Health: 1 problem. Click Repair all to put it right." {
		t.Errorf("after it the health line says %q", got)
	}
	if it := menuItem(t, m, "Repair all"); it.Disabled {
		t.Error("Help → Repair the whole install stays off after the operation")
	}
	if rowButton(t, m, "team", "Terminal").Disabled() {
		t.Error("Terminal stays off after the operation")
	}
}

// stagedUninstall is an engine whose uninstall reports the launchers'
// stage, then waits for release and fails (nothing is removed).
type stagedUninstall struct {
	wizard.Engine
	staged, release chan struct{}
}

func (e stagedUninstall) Uninstall(_ context.Context, _ string, r installer.Reporter, _ installer.Logf) error {
	r.Stage(installer.StageLaunchers, 0)
	close(e.staged)
	<-e.release
	return errors.New("stopped by the test")
}

// The uninstall's bar names what it does: it read "Uninstalling:
// creating launchers" while it removed them (audit AX U3).
func TestMaintenanceUninstallBarSaysItRemoves(t *testing.T) {
	r := &recorder{}
	m, _, _ := newMaintenance(t, r)
	waitClosed(t, m.done)
	e := stagedUninstall{Engine: m.eng, staged: make(chan struct{}), release: make(chan struct{})}
	m.eng = e
	m.uninstall()
	<-e.staged
	deadline := time.Now().Add(time.Minute)
	for m.busy.status.Text != "Uninstalling: removing the shortcuts" {
		if time.Now().After(deadline) {
			t.Fatalf("the bar says %q", m.busy.status.Text)
		}
		drainUI()
		time.Sleep(10 * time.Millisecond)
	}
	close(e.release)
	waitClosed(t, m.done)
	runUIUntil(t, m.win, "Uninstall failed")
}

package wizard_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/platform"
)

// verdictOf plans the state with the engine and describes the plan.
func verdictOf(t *testing.T, e wizard.Engine, st *wizard.State) (wizard.Verdict, error) {
	t.Helper()
	plan, err := wizard.CheckPlan(context.Background(), e, st.Options(nil, nil))
	return wizard.Describe(plan, err), err
}

// The Location and Options steps say what Install would do with the
// folder, before anything is installed: a new install, nothing to do, an
// upgrade, a refused downgrade; and Next refuses where Install would.
func TestStepsShowThePlansVerdict(t *testing.T) {
	e := wizardtest.NewEngine(t)
	st, err := wizard.NewState(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	f := wizard.NewFlow(e, st)
	st.LicenceAccepted = true
	f.Next(context.Background())
	f.Next(context.Background())

	v, err := verdictOf(t, e, st)
	if err != nil || v.Status != wizard.StatusGood || v.Line != "This folder can be used." || !strings.Contains(v.Action, "Test Python 2026.11.0 will be installed in ") {
		t.Fatalf("fresh: %+v, %v", v, err)
	}
	// " free)." or, when the kept copy's share of the installer's file
	// changes the rounded figure (which the test program's own size,
	// copied as the maintenance app, decides), " free), N less …"
	if !strings.HasPrefix(v.Details[0], "Space needed on disk: about ") || !strings.Contains(v.Details[0], " free)") {
		t.Fatalf("details %q", v.Details)
	}
	if got := strings.Join(v.Launchers, "\n"); got != "Shortcuts in "+wizard.LauncherMenu(runtime.GOOS)+": Jupyter Lab, Test Python Maintenance." {
		t.Fatalf("launchers %q", got)
	}
	st.ShellSetup = true
	if v, _ := verdictOf(t, e, st); len(v.Launchers) != 2 || v.Launchers[1] != "Terminal set-up: a few lines added to "+filepath.Join(e.Home, ".bashrc")+" (uninstalling removes them)." {
		t.Fatalf("with the shell set-up: %q", v.Launchers)
	}
	st.ShellSetup, st.JupyterLauncher, st.MaintenanceLauncher = false, false, false
	if v, _ := verdictOf(t, e, st); strings.Join(v.Launchers, "") != "No shortcuts in "+wizard.LauncherMenu(runtime.GOOS)+"." {
		t.Fatalf("without launchers: %q", v.Launchers)
	}
	st.Prefix = ""
	if v, err := verdictOf(t, e, st); !errors.Is(err, wizard.ErrNoFolder) || v.Status != wizard.StatusBad {
		t.Fatalf("no folder: %+v, %v", v, err)
	}
	if err := f.Next(context.Background()); !errors.Is(err, wizard.ErrNoFolder) || f.Current().ID != wizard.StepLocation {
		t.Fatalf("Next without a folder: %v at %s", err, f.Current().Title)
	}

	// an older version installed there: an upgrade
	st.Prefix = filepath.Join(e.Home, "test-python")
	installVersion(t, st.Prefix, "2026.10.0")
	v, err = verdictOf(t, e, st)
	// a warning: what a person put inside the packages' folders is not kept
	if err != nil || v.Status != wizard.StatusWarning || !v.Replaces || v.Line != "This folder can be used. Install will upgrade Test Python 2026.10.0 here to 2026.11.0." {
		t.Fatalf("upgrade: %+v, %v", v, err)
	}
	// a newer one: refused on the Location step, not after Install
	newer := filepath.Join(e.Home, "newer")
	installVersion(t, newer, "2027.1.0")
	st.Prefix = newer
	v, err = verdictOf(t, e, st)
	var te *installer.TargetError
	if !errors.As(err, &te) || te.Code != installer.TargetDowngrade || v.Status != wizard.StatusBad ||
		!strings.HasPrefix(v.Line, "This folder cannot be used: ") || !strings.Contains(v.Line, "newer than this installer's 2026.11.0") ||
		!strings.Contains(strings.Join(v.Details, "\n"), "What to do: use the newer installer") {
		t.Fatalf("downgrade: %+v, %v", v, err)
	}
	if err := f.Next(context.Background()); err == nil || f.Current().ID != wizard.StepLocation {
		t.Fatalf("Next over a newer install: %v at %s", err, f.Current().Title)
	}
	// this very version, installed by the wizard's engine: nothing to do
	st.Prefix = filepath.Join(e.Home, "same")
	if _, err := e.Install(context.Background(), st.Options(nil, nil)); err != nil {
		t.Fatal(err)
	}
	v, err = verdictOf(t, e, st)
	if err != nil || v.Status != wizard.StatusGood || v.Line != "Test Python 2026.11.0 is already installed in this folder, so Install will change nothing. To check its files, open Test Python Maintenance, which checks them as it opens (or run "+filepath.Join(st.Prefix, ".onboard", "onboard")+" verify)." {
		t.Fatalf("same version: %+v, %v", v, err)
	}
	if strings.Contains(v.Text(), "Space needed") { // Install writes nothing
		t.Fatalf("same version needs space:\n%s", v.Text())
	}
	if err := f.Next(context.Background()); err != nil || f.Current().ID != wizard.StepOptions {
		t.Fatalf("Next over the same version: %v at %s", err, f.Current().Title)
	}
	// Options: a choice that Install would refuse stops Next there too
	st.Prefix = newer
	if err := f.Next(context.Background()); err == nil || f.Current().ID != wizard.StepOptions {
		t.Fatalf("Install over a newer install: %v at %s", err, f.Current().Title)
	}
}

// installVersion installs the test bundle at version into prefix with the
// real engine.
func installVersion(t *testing.T, prefix, version string) {
	t.Helper()
	b, err := bundle.Open(wizardtest.BundleFileVersion(t, version))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	o := installer.Options{Prefix: prefix, Bundle: b, Subdir: wizardtest.Subdir()}
	if _, err := installer.Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
}

// The details a plan carries reach the verdict: the Windows path length
// against its limit, warnings, a run to recover; and a forced
// replacement is worth a warning.
func TestDescribeDetails(t *testing.T) {
	p := &installer.InstallPlan{Kind: installer.PlanFresh, Name: "Acme", Version: "2", Prefix: `C:\acme`, NeedBytes: 2e6, FreeBytes: -1,
		LongestPath: 187, PathLimit: 259, Recover: "install", Notes: []string{"the last install into this folder was interrupted; Install first rolls it back"}}
	v := wizard.Describe(p, nil)
	want := "This folder can be used.\nSpace needed on disk: about 2.0 MB.\nThe longest file path will be 207 characters; this system allows 259. A shorter folder name leaves more room.\nNote: the last install into this folder was interrupted; Install first rolls it back"
	p.LongestPath = 207
	if v := wizard.Describe(p, nil); v.Text() != want || v.Status != wizard.StatusWarning {
		t.Fatalf("verdict %v:\n%s\nwant:\n%s", v.Status, v.Text(), want)
	}
	// far from the limit, the figure is not shown (audit AP 12)
	if strings.Contains(v.Text(), "longest file path") {
		t.Fatalf("187 of 259 is shown:\n%s", v.Text())
	}
	// the Welcome step's figure counts the repair copy as du does; where
	// it is a link to the installer, the folder's figure says why it is less
	p = &installer.InstallPlan{Kind: installer.PlanFresh, Name: "Acme", Version: "2", Prefix: "/home/ann/acme", NeedBytes: 240e6, FreeBytes: 9e9, SharedBytes: 23e6}
	if d := wizard.Describe(p, nil).Details[0]; d != "Space needed on disk: about 240.0 MB (9.0 GB free), 23.0 MB less than the full size: the copy kept for repairs shares the installer's file here." {
		t.Fatalf("with the repair copy linked: %q", d)
	}
	p = &installer.InstallPlan{Kind: installer.PlanDowngrade, Name: "Acme", Version: "2", Installed: &installer.InstalledVersion{Name: "Acme", Version: "3"}}
	if v := wizard.Describe(p, nil); v.Status != wizard.StatusWarning || v.Action != "Install will replace the newer Acme 3 here with 2." {
		t.Fatalf("forced downgrade: %+v", v)
	}
}

// CheckPlan changes nothing, even on a folder that holds an install.
func TestCheckPlanWritesNothing(t *testing.T) {
	e := wizardtest.NewEngine(t)
	st, err := wizard.NewState(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	installVersion(t, st.Prefix, "2026.10.0")
	before := tree(t, e.Home)
	for i := 0; i < 3; i++ {
		if _, err := wizard.CheckPlan(context.Background(), e, st.Options(nil, nil)); err != nil {
			t.Fatal(err)
		}
	}
	if after := tree(t, e.Home); after != before {
		t.Fatalf("planning changed the home folder:\n%s\n---\n%s", before, after)
	}
}

func tree(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := d.Info()
		b.WriteString(p + " " + fi.Mode().String() + " " + fi.ModTime().String() + "\n")
		return nil
	})
	return b.String()
}

// A machine too old for the bundle's packages is told so before the
// first step, and the verdict of a plan blames the machine, not the
// folder.
func TestWizardRefusesAMachineTooOldForThePackages(t *testing.T) {
	if platform.HostTarget().OS != "linux" || platform.VirtualPackages(platform.Detect(), wizardtest.Subdir(), nil)["__glibc"] == "" {
		t.Skip("needs a Linux with glibc")
	}
	e := wizardtest.NewEngine(t)
	e.BundlePath = wizardtest.BundleFileNeeding(t, "__glibc >=2.99")
	_, err := wizard.NewState(context.Background(), e)
	var oe *installer.OldSystemError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "libnew 15.1 needs __glibc >=2.99") {
		t.Fatalf("NewState = %v; want an *OldSystemError naming libnew", err)
	}
	v := wizard.Describe(&installer.InstallPlan{}, err)
	if v.Status != wizard.StatusBad || !strings.HasPrefix(v.Line, "This computer cannot run the bundle: libnew 15.1 needs __glibc >=2.99; this machine has glibc ") {
		t.Errorf("verdict %+v", v)
	}
	t.Setenv("CONDA_OVERRIDE_GLIBC", "2.99")
	if _, err := wizard.NewState(context.Background(), e); err != nil {
		t.Errorf("with the override: %v", err)
	}
}

// A reinstall says why: --force on a complete install, or an install
// there that is incomplete or for another platform.
func TestReinstallSaysWhy(t *testing.T) {
	p := &installer.InstallPlan{Kind: installer.PlanReinstall, Name: "T", Version: "1", Prefix: "/x", Proceed: true}
	if v := wizard.Describe(p, nil); !strings.Contains(v.Action, "incomplete or for another platform") {
		t.Errorf("reinstall: %q", v.Action)
	}
	p.Forced = true
	if v := wizard.Describe(p, nil); !strings.Contains(v.Action, "as --force asks") || strings.Contains(v.Action, "incomplete") {
		t.Errorf("forced reinstall: %q", v.Action)
	}
}

// The end of an install says what it replaced: an upgrade said only "is
// installed", as if the folder had been empty (audit N).
func TestDoneSaysWhatTheInstallReplaced(t *testing.T) {
	old := func(name, version string) *installer.Result {
		return &installer.Result{Changed: true, Replaced: &installer.InstalledVersion{Name: name, Version: version}}
	}
	for _, c := range []struct {
		res  *installer.Result
		want string
	}{
		{nil, "Acme 2026.12.0 is installed in /p."},
		{&installer.Result{Changed: true}, "Acme 2026.12.0 is installed in /p."},
		// what even a silent run says (audit AV 3), as a sentence of its own
		{&installer.Result{Changed: true, Warnings: []string{"your own environments envs/team were left in \"/p.onboard-old-1\""}},
			"Acme 2026.12.0 is installed in /p. Note: Your own environments envs/team were left in \"/p.onboard-old-1\"."},
		{&installer.Result{}, "Acme 2026.12.0 was already installed in /p, so nothing was changed. To check its files, open Acme Maintenance, which checks them as it opens (or run /p/.onboard/onboard verify)."},
		{old("Acme", "2026.9.0"), "Acme is upgraded from 2026.9.0 to 2026.12.0 in /p."},
		{old("Acme", "2027.1.0"), "Acme is downgraded from 2027.1.0 to 2026.12.0 in /p."},
		{old("Acme", "2026.12.0"), "Acme 2026.12.0 is installed again in /p."},
		{old("Other", "1.0"), "Acme 2026.12.0 is installed in /p, in place of Other 1.0."},
	} {
		if got := wizard.Done("Acme", "2026.12.0", "/p", c.res); got != c.want {
			t.Errorf("Done(%+v) = %q, want %q", c.res, got, c.want)
		}
	}
}

// The Finish step names the launchers the install made, and only those:
// it promised "the launcher in your applications menu" and "the
// maintenance window" with both options unticked (audit AP 3); a bundle
// without Jupyter gets no line on it.
func TestStartLaterNamesOnlyTheLaunchersMade(t *testing.T) {
	m := &bundle.Manifest{Name: "Acme", Launchers: []bundle.Launcher{{Name: "JupyterLab", Env: "team", Command: []string{"jupyter", "lab"}}}}
	for _, c := range []struct {
		jupyter, maint, shell bool
		want, not             []string
	}{
		{true, true, false, []string{"Start Jupyter now with the button below, or later from JupyterLab in your applications menu.", "open Acme Maintenance from your applications menu",
			"Your notebooks are saved in /home/ann/notebooks.", "open Acme Maintenance and click Terminal on its team row"}, []string{"conda activate"}},
		{false, true, false, []string{"Start Jupyter now with the button below.", "open Acme Maintenance"}, []string{"JupyterLab in"}},
		{true, false, false, []string{"run /p/.onboard/onboard and click Stop Jupyter."}, []string{"Acme Maintenance", "terminal"}},
		{true, true, true, []string{"To work in the team environment in a terminal, open a new terminal window and type: conda activate team"}, []string{"click Terminal"}},
	} {
		ps := wizard.StartLater(m, wizard.FinishChoices{JupyterLauncher: c.jupyter, MaintenanceLauncher: c.maint, ShellSetup: c.shell,
			Env: "team", Prefix: "/p", GOOS: "linux", Notebooks: "/home/ann/notebooks"})
		got := strings.Join(ps, "\n")
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("jupyter %v, maintenance %v, shell %v: %q lacks %q", c.jupyter, c.maint, c.shell, got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("jupyter %v, maintenance %v, shell %v: %q has %q", c.jupyter, c.maint, c.shell, got, n)
			}
		}
		// a paragraph each: how to start it first (the buttons go under
		// it), and "keeps running" only of a Jupyter once started (audit BC 5)
		if !strings.HasPrefix(ps[0], "Start Jupyter now") || strings.Contains(ps[0], "keeps running") || !strings.Contains(got, "Once started, Jupyter keeps running") {
			t.Errorf("paragraphs %q", ps)
		}
	}
	if got := wizard.StartLater(&bundle.Manifest{Name: "Acme"}, wizard.FinishChoices{JupyterLauncher: true, MaintenanceLauncher: true, Prefix: "/p", GOOS: "linux"}); got != nil {
		t.Errorf("a bundle without Jupyter: %q", got)
	}
}

// The console's last lines: the launcher only when one was made, the
// command otherwise, where notebooks go, and how to stop Jupyter; it said
// "with the launcher" after "Launchers: none" (audit AU 3).
// The console says how to work in the env in a terminal, as the window's
// Finish does (review BF 7): conda activate after the terminal set-up,
// else the install's own activate script, quoted as the shell reads it.
func TestConsoleTerminal(t *testing.T) {
	if got := wizard.ConsoleTerminal(true, "team", "/p", "linux"); got != "To work in the team environment in a terminal, open a new terminal window and type: conda activate team" {
		t.Errorf("with the terminal set-up: %q", got)
	}
	if runtime.GOOS != "windows" {
		if got := wizard.ConsoleTerminal(false, "team", "/home/ann/My Acme", "linux"); got != "To work in the team environment in a terminal, type: source '/home/ann/My Acme/bin/activate' team" {
			t.Errorf("without: %q", got)
		}
	}
	if got := wizard.ConsoleTerminal(false, "", "/p", "linux"); got != "" {
		t.Errorf("no env: %q", got)
	}
}

func TestStartLaterLinesOfTheConsole(t *testing.T) {
	m := &bundle.Manifest{Name: "Acme", Launchers: []bundle.Launcher{{Name: "JupyterLab", Env: "team", Command: []string{"jupyter", "lab"}}}}
	got := strings.Join(wizard.StartLaterLines(false, m, "/home/ann/My Acme", "linux", "/home/ann/Notebooks"), "\n")
	// quoted for a POSIX shell: in single quotes, which expand nothing
	want := `Start Jupyter with: '/home/ann/My Acme/.onboard/onboard' launch jupyter --prefix '/home/ann/My Acme'
Your notebooks are saved in /home/ann/Notebooks.
Jupyter keeps running after this ends; stop it with: '/home/ann/My Acme/.onboard/onboard' launch jupyter --stop --prefix '/home/ann/My Acme'`
	if got != want && runtime.GOOS != "windows" {
		t.Errorf("no launcher:\n%s\nwant:\n%s", got, want)
	}
	if got := wizard.StartLaterLines(true, m, "/p", "linux", ""); len(got) != 2 || !strings.HasPrefix(got[0], "Start Jupyter later from JupyterLab in your applications menu, or with: /p/.onboard/onboard launch jupyter --prefix /p") {
		t.Errorf("with the launcher: %q", got)
	}
	if got := wizard.StartLaterLines(true, &bundle.Manifest{Name: "Acme"}, "/p", "linux", ""); got != nil {
		t.Errorf("a bundle without Jupyter: %q", got)
	}
}

// The Options step offers the bundle's Jupyter shortcuts by the names
// the menu shows.
func TestJupyterShortcutsNamesThemAsTheMenuDoes(t *testing.T) {
	for _, c := range []struct {
		names []string
		want  string
	}{
		{nil, ""},
		{[]string{"JupyterLab"}, "JupyterLab"},
		{[]string{"JupyterLab", "Jupyter Notebook"}, "JupyterLab and Jupyter Notebook"},
		{[]string{"A", "B", "C"}, "A, B and C"},
	} {
		m := &bundle.Manifest{Name: "Acme"}
		for _, n := range c.names {
			m.Launchers = append(m.Launchers, bundle.Launcher{Name: n, Env: "team"})
		}
		if got := wizard.JupyterShortcuts(m); got != c.want {
			t.Errorf("%q: %q; want %q", c.names, got, c.want)
		}
	}
}

// The wizards' Location step says what its person can do: no --force or
// --prefix, which they have not, and no 'onboard' on the PATH; a damaged
// install is put back by its own program, named by its path (audit AX
// R17). The command line keeps the engine's hint.
func TestLocationHintsNameNoCommandLineOption(t *testing.T) {
	err := &installer.TargetError{Path: "/p", Reason: "its .onboard/manifest.json is damaged", Code: installer.TargetDamaged,
		Advice: "run 'onboard repair', or pass --force to install over it"}
	v := wizard.Describe(nil, err)
	want := "What to do: choose another folder, or put the install's records back first: run " + state.AppPath("/p") + " repair --prefix /p in a terminal"
	if len(v.Details) != 1 || v.Details[0] != want {
		t.Errorf("damaged: %q; want %q", v.Details, want)
	}
	if h := installer.HintFor(err); !strings.Contains(h, "--force") {
		t.Errorf("the command line's hint changed: %q", h)
	}
	v = wizard.Describe(nil, &installer.TargetError{Path: "/p", Reason: "not writable"})
	if len(v.Details) != 1 || v.Details[0] != "What to do: choose another folder" {
		t.Errorf("refused: %q", v.Details)
	}
}

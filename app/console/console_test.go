package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
	"onboard/installer/bundle"
)

func run(t *testing.T, ctx context.Context, e wizard.Engine, input string, launch func(context.Context, string, string) error) (string, error) {
	t.Helper()
	var out bytes.Buffer
	c := IO{In: strings.NewReader(input), Out: &out, IsTerminal: func() bool { return true }}
	err := Run(ctx, c, e, Options{Launch: launch, LogDir: t.TempDir()})
	return out.String(), err
}

func contains(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Fatalf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestRefusesWithoutTerminal(t *testing.T) {
	e := wizardtest.NewEngine(t)
	err := Run(context.Background(), IO{In: strings.NewReader("\n"), Out: &bytes.Buffer{}, IsTerminal: func() bool { return false }}, e, Options{})
	if !errors.Is(err, ErrNotTerminal) || installer.ExitCode(err) != installer.ExitUsage {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(err.Error(), "onboard install --silent") {
		t.Fatalf("message does not point at the silent install: %v", err)
	}
}

func TestWalkValidationAndBack(t *testing.T) {
	e := wizardtest.NewEngine(t)
	def := filepath.Join(e.Home, "test-python")
	file := filepath.Join(e.Home, "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	input := strings.Join([]string{
		"",         // Welcome
		"n",        // refuse the licence
		"maybe",    // not an answer
		"y",        // accept
		file,       // refused by the location check
		"b",        // back to the licence
		"y",        // accept again
		"",         // default folder
		"", "", "", // options: defaults
		"b",          // not yet: back to Location
		"",           // default folder
		"", "n", "y", // options: no maintenance launcher, shell set-up
		"n",          // not now: the options again (audit BO 9)
		"", "n", "y", // the same answers
		"", // Install now
	}, "\n") + "\n"
	out, err := run(t, context.Background(), e, input, nil)
	menu := wizard.LauncherMenu(runtime.GOOS)
	contains(t, out, "[1/6] Welcome", "Welcome to Test Python 2026.11.0", "• team: 2 packages",
		"This is a demo bundle", wizardtest.Licence, "✗ You need to accept the licence to install: type y to accept, q to quit, or b to go back.",
		"Please answer y or n", "✗ This folder cannot be used: cannot install into \""+file+"\": "+file+" is a file, not a folder",
		"✓ This folder can be used.\n  Space needed on disk: about ", "Ready: Test Python 2026.11.0 will be installed in "+def,
		"  Shortcuts in "+menu+": Jupyter Lab, Test Python Maintenance.\n", "  Shortcuts in "+menu+": Jupyter Lab.\n  Terminal set-up: a few lines added to ",
		"Add Jupyter Lab to "+menu+"? ", "Add Test Python Maintenance to "+menu+" (to verify, repair or uninstall later)? ",
		"Folder ["+def+"]", "[5/6] Install", "Installing into "+def,
		"Install now? (n: change the options) [Y/n] Not installed yet. The options again (b goes back to the folder, q quits):\n")
	if strings.Count(out, "[2/6] Licence") != 2 || strings.Count(out, "[3/6] Location") != 4 { // a refusal asks again on the step
		t.Fatalf("the walk went wrong:\n%s", out)
	}
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	contains(t, out, "[6/6] Finish", "is installed in "+def)
	// how to work in the env in a terminal, as the window's Finish says
	// (review BF 7), then the log last
	contains(t, out, "To work in the team environment in a terminal, open a new terminal window and type: conda activate team\nLog: ")
}

// The Location step says what Install would do with the folder typed: a
// newer install there is refused before Install, with what to do; an
// older one is an upgrade, which Options confirms.
func TestLocationShowsThePlan(t *testing.T) {
	e := wizardtest.NewEngine(t)
	def, older := filepath.Join(e.Home, "test-python"), filepath.Join(e.Home, "older")
	wizardtest.InstallVersions(t, map[string]string{def: "2027.1.0", older: "2026.10.0"})
	out, err := run(t, context.Background(), e, "\ny\n\n"+older+"\n\n\n\nq\n", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want the quit", err)
	}
	contains(t, out, "✗ This folder cannot be used: cannot install into \""+def+"\": it holds Test Python 2027.1.0, newer than this installer's 2026.11.0",
		"  What to do: use the newer installer",
		"⚠ This folder can be used. Install will upgrade Test Python 2026.10.0 here to 2026.11.0.",
		"Ready: Install will upgrade Test Python 2026.10.0 here to 2026.11.0.",
		"Shortcuts in "+wizard.LauncherMenu(runtime.GOOS)+": Jupyter Lab, Test Python Maintenance.\n  Note: files put inside the packages' own folders since the install")
	if strings.Count(out, "[3/6] Location") != 2 {
		t.Fatalf("the refused folder did not keep the wizard at Location:\n%s", out)
	}
}

func TestErrorBlockRetryAndBack(t *testing.T) {
	e := &wizardtest.Failing{Engine: wizardtest.NewEngine(t), Err: wizardtest.ErrDiskFull}
	other := filepath.Join(e.Home, "other")
	input := "\ny\n\n\n\n\n\nr\nb\n" + other + "\n\n\n\n\nq\n"
	out, err := run(t, context.Background(), e, input, nil)
	contains(t, out, "The install failed\n  cannot install into \"/x\": needs 1.2 GB, 300 MB free",
		"  What to do: free some space or choose another disk", "  Log: ", "Installing into "+other)
	if strings.Count(out, "The install failed") != 3 {
		t.Fatalf("want three failures (first, retry, other folder):\n%s", out)
	}
	if installer.ExitCode(err) != installer.ExitTarget {
		t.Fatalf("err %v, want the install's target error", err)
	}
}

// An installer file that cannot be used is no retry or other folder away:
// the console says so and ends with the error, as the window offers
// neither (wizard.NextAfterFailure); it asked "r = retry, b = back".
// The system's words for a failure are a line of their own under the
// message, as in the window.
func TestErrorBlockSaysTheSystemsWordsApart(t *testing.T) {
	full := &installer.TargetError{Path: "/x", Reason: "the disk became full; the folder is as it was before",
		Advice: "free some space and try again", Detail: `write "/x/lib/a.so": no space left on device`}
	e := &wizardtest.Failing{Engine: wizardtest.NewEngine(t), Err: full}
	out, _ := run(t, context.Background(), e, "\ny\n\n\n\n\n\nq\n", nil)
	contains(t, out, "The install failed\n  cannot install into \"/x\": the disk became full; the folder is as it was before\n"+
		"  The system said: write \"/x/lib/a.so\": no space left on device\n  What to do: free some space and try again")
}

func TestUnusableInstallerOffersNoRetry(t *testing.T) {
	e := &wizardtest.Failing{Engine: wizardtest.NewEngine(t), Err: &installer.BundleError{Path: "/dl/installer", Reason: "is damaged"}}
	out, err := run(t, context.Background(), e, "\ny\n\n\n\n\n\nr\n", nil)
	if installer.ExitCode(err) != installer.ExitBundle {
		t.Fatalf("err %v, want the bundle error\n%s", err, out)
	}
	contains(t, out, "This installer file cannot be used, so nothing was changed.")
	if strings.Contains(out, "r = retry") || strings.Count(out, "The install failed") != 1 {
		t.Fatalf("a retry was offered:\n%s", out)
	}
}

func TestCtrlCRollsBack(t *testing.T) {
	e := wizardtest.NewBlocking(wizardtest.NewEngine(t))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-e.Started; cancel() }()
	out, err := run(t, ctx, e, "\ny\n\n\n\n\n\n", nil)
	if !errors.Is(err, context.Canceled) || installer.ExitCode(err) != installer.ExitCancelled {
		t.Fatalf("err %v", err)
	}
	contains(t, out, "[1/2] base: Unpacking packages... ", "The install was cancelled\n  What it had changed was undone.")
}

// installStages reports the stages of installing plan as the engine does.
func installStages(tr *wizard.Tracker, plan *wizard.Plan) {
	for _, e := range plan.Envs {
		tr.Stage(installer.StageExtract, e.Bytes)
		for i := int64(0); i < 10; i++ {
			tr.Item("pkg")
			tr.Advance(e.Bytes / 10)
		}
		tr.Stage(installer.StageLink, 100)
		tr.Advance(100)
		tr.Stage(installer.StageMetadata, 2)
		tr.Advance(2)
	}
	tr.Finish("Installed")
}

func TestProgressLines(t *testing.T) {
	var out bytes.Buffer
	s := &session{out: &out}
	p := &printer{s: s}
	plan := wizard.PlanInstall(&wizardtest.Bundle(t).Manifest, wizardtest.Subdir())
	installStages(&wizard.Tracker{Plan: plan, OnChange: p.show}, plan)
	p.end()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !strings.HasPrefix(lines[0], "[1/2] base: Unpacking packages... 0%") || !strings.HasPrefix(lines[len(lines)-1], "[2/2] Installed 100%") {
		t.Fatalf("lines: %q", lines)
	}
	contains(t, out.String(), "[1/2] base: Unpacking packages", "[2/2] team: Unpacking packages", "[2/2] team: Installing packages")
	last := -1
	for _, l := range lines {
		var pct int
		if m := regexp.MustCompile(` (\d+)%`).FindStringSubmatch(l); m != nil {
			pct, _ = strconv.Atoi(m[1])
		}
		if pct < last {
			t.Fatalf("the percentage went back at %q:\n%s", l, out.String())
		}
		last = pct
	}
	if len(lines) > 30 {
		t.Fatalf("too many lines: %q", lines)
	}
	if strings.ContainsAny(out.String(), "\r\x1b") {
		t.Fatal("cursor tricks in the progress output of a file")
	}
}

func TestProgressBarRedrawsInPlace(t *testing.T) {
	var out bytes.Buffer
	s := &session{out: &out}
	p := &printer{s: s, tty: true, width: 60}
	plan := wizard.PlanInstall(&wizardtest.Bundle(t).Manifest, wizardtest.Subdir())
	installStages(&wizard.Tracker{Plan: plan, OnChange: p.show}, plan)
	p.end()
	text := out.String()
	if strings.Count(text, "\n") != 1 || !strings.HasSuffix(text, "\n") {
		t.Fatalf("the bar is not one line redrawn in place: %q", text)
	}
	frames := strings.Split(strings.TrimSuffix(text, "\n"), "\r")[1:]
	for _, f := range frames {
		if n := len([]rune(strings.TrimRight(f, " "))); n > 59 {
			t.Fatalf("frame wider than the terminal (%d): %q", n, f)
		}
	}
	last := strings.TrimRight(frames[len(frames)-1], " ")
	if !strings.HasPrefix(last, "[2/2] Installed [####################] 100%") {
		t.Fatalf("last frame %q", last)
	}
}

func TestFinishLaunchWithoutBrowserShowsTheURL(t *testing.T) {
	e := wizardtest.NewEngine(t)
	const url = "http://127.0.0.1:8888/?token=abc123"
	var launched []string
	l := func(_ context.Context, prefix, env string) error {
		launched = append(launched, prefix+" "+env)
		return &launch.NoBrowserError{URL: url, Err: exec.ErrNotFound}
	}
	out, err := run(t, context.Background(), e, "\ny\n\n\n\n\n\ny\n", l)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(launched) != 1 {
		t.Fatalf("launched %v\n%s", launched, out)
	}
	contains(t, out, "Jupyter is running", "no web browser could be opened here.", url,
		"Jupyter keeps running after this ends; stop it with: ")
	if strings.Contains(out, "failed") || strings.Contains(out, "Help") || strings.Contains(out, exec.ErrNotFound.Error()) {
		t.Fatalf("a running Jupyter reported as a failure, or a hint at a Help menu:\n%s", out)
	}
}

// A package's prelink messages are shown with the licence, and accepting
// the licence accepts them, as conda asks before it installs the package.
func TestLicenceShowsThePackagesMessages(t *testing.T) {
	e := wizardtest.NewEngine(t)
	e.BundlePath = wizardtest.BundleFileWithMessage(t, wizardtest.Version)
	out, err := run(t, context.Background(), e, strings.Repeat("\n", 1)+"n\ny\n"+strings.Repeat("\n", 5), nil)
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	contains(t, out, wizardtest.Licence+"\n\nThe following PRELINK MESSAGES are INCLUDED:\n\n  File terms.txt of eula 1.0:\n\n  "+wizardtest.Message+"\n",
		"Do you accept the licence and these messages?", "✗ You need to accept the licence and the packages' messages to install: type y", "[6/6] Finish")
	// asked again, not shown again at each answer (audit Y3)
	if strings.Count(out, "PRELINK MESSAGES") != 1 {
		t.Errorf("the licence and messages were shown again after the refusal:\n%s", out)
	}
}

// longLicence is an engine whose bundle's licence has n numbered lines.
type longLicence struct {
	*wizardtest.Engine
	n int
}

func (l longLicence) Licence(*bundle.Bundle) (string, error) {
	var b strings.Builder
	for i := 1; i <= l.n; i++ {
		fmt.Fprintf(&b, "licence line %d\n", i)
	}
	return b.String(), nil
}

// A licence longer than the terminal is shown a page at a time, as an
// installer's licence is shown by "more": Enter shows the next page, "a"
// the rest, "s" goes to the question, "b" back. One that fits is shown
// whole.
func TestLongLicenceIsPaged(t *testing.T) {
	e := longLicence{wizardtest.NewEngine(t), 60}
	walk := func(rows int, answers ...string) string {
		t.Helper()
		var out bytes.Buffer
		c := IO{In: strings.NewReader(strings.Join(answers, "\n") + "\nq\n"), Out: &out, IsTerminal: func() bool { return true }, Rows: func() int { return rows }}
		if err := Run(context.Background(), c, e, Options{LogDir: t.TempDir()}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want the quit at Location", err)
		}
		if !strings.Contains(out.String(), "[3/6] Location") {
			t.Fatalf("the licence was not accepted:\n%s", out.String())
		}
		return out.String()
	}
	// 20 rows: pages of 18 lines, the first starting with a blank line.
	out := walk(20, "", "", "s", "y")
	contains(t, out, "licence line 17\n-- 29% -- Enter: more, a: all the rest, s: skip to the question: licence line 18\n",
		"licence line 35\n-- 58% -- ", "\nDo you accept the licence? [y/N] ")
	if strings.Contains(out, "licence line 36\n") || strings.Count(out, "-- Enter: more") != 2 {
		t.Fatalf("s did not skip to the question:\n%s", out)
	}
	out = walk(20, "", "a", "y")
	if !strings.Contains(out, "licence line 60\n") || strings.Count(out, "-- Enter: more") != 1 {
		t.Fatalf("a did not show all the rest at once:\n%s", out)
	}
	out = walk(20, "", "", "", "", "y")
	if !strings.Contains(out, "licence line 60\n\nDo you accept") || strings.Count(out, "-- Enter: more") != 3 {
		t.Fatalf("paging to the end:\n%s", out)
	}
	out = walk(20, "", "b", "", "s", "y")
	if strings.Count(out, "[1/6] Welcome") != 2 {
		t.Fatalf("b at a page did not go back to Welcome:\n%s", out)
	}
	out = walk(80, "", "y")
	if !strings.Contains(out, "licence line 60\n") || strings.Contains(out, "-- Enter: more") {
		t.Fatalf("a licence that fits was paged:\n%s", out)
	}
}

// Ctrl-C (or SIGTERM) while the wizard waits for an answer ends it at
// once, exit 130, with nothing installed: before, the read went on waiting
// for an Enter and the signal did nothing.
func TestCtrlCWhileAsking(t *testing.T) {
	e := wizardtest.NewEngine(t)
	in, w := io.Pipe() // a terminal nobody answers
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, IO{In: in, Out: &bytes.Buffer{}, IsTerminal: func() bool { return true }}, e, Options{LogDir: t.TempDir()})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || installer.ExitCode(err) != installer.ExitCancelled {
			t.Fatalf("Run = %v (exit %d); want context.Canceled, exit 130", err, installer.ExitCode(err))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the wizard still waits for an answer after Ctrl-C")
	}
}

// --prefix is the folder the Location step starts with: with an older
// install there, an Enter takes it, and the plan is its upgrade.
func TestPrefixOptionStartsTheLocation(t *testing.T) {
	e := wizardtest.NewEngine(t)
	older := filepath.Join(e.Home, "older")
	wizardtest.InstallVersions(t, map[string]string{older: "2026.10.0"})
	var out bytes.Buffer
	c := IO{In: strings.NewReader("\ny\n\n\nq\n"), Out: &out, IsTerminal: func() bool { return true }}
	err := Run(context.Background(), c, e, Options{LogDir: t.TempDir(), Prefix: older})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want the quit", err)
	}
	contains(t, out.String(), "["+older+"]", "Install will upgrade Test Python 2026.10.0 here to 2026.11.0.")
}

// Quitting before Install (q, or the input's end) says that nothing was
// installed, as a cancellation (exit 130), and touches nothing; q after a
// failed install is that install's error.
func TestQuitBeforeInstallSaysNothingWasInstalled(t *testing.T) {
	e := wizardtest.NewEngine(t)
	for input, want := range map[string]string{
		"q\n":       ": Nothing was installed.\n", // a terminal echoes the q and its newline
		"\ny\nq\n":  ": Nothing was installed.\n",
		"\ny\n\n\n": "\nThe input ended before the wizard finished. Nothing was installed.\n",
	} {
		out, err := run(t, context.Background(), e, input, nil)
		var q *Quit
		if !errors.As(err, &q) || !errors.Is(err, context.Canceled) {
			t.Fatalf("input %q: err %v, want a Quit", input, err)
		}
		if !strings.HasSuffix(out, want) {
			t.Fatalf("input %q: output ends %q, want %q", input, out[max(0, len(out)-120):], want)
		}
		if _, err := os.Stat(filepath.Join(e.Home, "test-python")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("input %q: the default folder was made: %v", input, err)
		}
	}
}

// Where the shell set-up would change nothing (Windows), it is not asked.
func TestShellSetupAskedOnlyWhereItDoesSomething(t *testing.T) {
	old := wizard.ShellSetupOffered
	t.Cleanup(func() { wizard.ShellSetupOffered = old })
	for _, offered := range []bool{true, false} {
		wizard.ShellSetupOffered = func() bool { return offered }
		out, _ := run(t, context.Background(), wizardtest.NewEngine(t), "\ny\n\n\n\nq\n", nil)
		if asked := strings.Contains(out, "Make the conda command work in new terminal windows?"); asked != offered {
			t.Errorf("offered %v: asked %v\n%s", offered, asked, out)
		}
	}
}

// Welcome says that the folder it offers holds an older version, which
// this upgrades (audit N).
func TestWelcomeSaysUpgrade(t *testing.T) {
	e := wizardtest.NewEngine(t)
	def := filepath.Join(e.Home, "test-python")
	wizardtest.InstallVersion(t, def, "2026.10.0")
	out, _ := run(t, context.Background(), e, "q\n", nil)
	contains(t, out, "Welcome to Test Python 2026.11.0.\nThis installs your team's Python platform on this computer, without downloading anything.\nTest Python 2026.10.0 is installed in "+def+": this upgrades it to 2026.11.0.\n")
}

// "Install for all users?" answered yes moves the folder chosen by default
// to the all-users one, as the window does, and Ready says for whom (audit
// Y3: it installed for all users into the user's home, without a word).
func TestAllUsersMovesTheDefaultFolder(t *testing.T) {
	old := wizard.ShellSetupOffered
	t.Cleanup(func() { wizard.ShellSetupOffered = old })
	wizard.ShellSetupOffered = func() bool { return false }
	e := wizardtest.NewEngine(t)
	e.AllUsers = true
	all, _ := e.DefaultPrefix(nil, true)
	out, _ := run(t, context.Background(), e, strings.Join([]string{"", "y", "", "", "", "y", "q"}, "\n")+"\n", nil)
	contains(t, out, "Install for all users of this computer?", "Folder: "+all+" (the folder for the programs of all users)",
		"Ready: Test Python 2026.11.0 will be installed in "+all+", for all users of this computer.")
}

// The Location step says which folder a typed ~ or relative path is, as a
// shell reads them, and a folder the checks warn of (spaces in its path)
// is kept only when the person says so (audit Y3).
func TestLocationShowsTheFolderAndAsksOnAWarning(t *testing.T) {
	e := wizardtest.NewEngine(t)
	t.Chdir(e.Home)
	spaced := filepath.Join(e.Home, "with space")
	out, err := run(t, context.Background(), e, "\ny\n$HOME/y\n~root/x\n~/with space\nn\nrel\nq\n", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want the quit\n%s", err, out)
	}
	// what only a shell reads is refused, not taken as a folder's name
	// (audit AA: "$HOME/y" was a folder of that name in the current one)
	contains(t, out, "✗ This folder cannot be used: \"$HOME/y\" holds a variable, which only a shell reads.\n  What to do: type the folder's full path",
		"✗ This folder cannot be used: \"~root/x\" starts with ~name, which only a shell reads.")
	contains(t, out, "Folder: "+spaced+"\n⚠ This folder can be used, but read the warning below.",
		"  Warning: \""+spaced+"\" has spaces", "  What to do: choose a folder without spaces",
		"Use this folder all the same? [y/N] ",
		"Folder: "+filepath.Join(e.Home, "rel")+"\n✓ This folder can be used.")
	if strings.Count(out, "[3/6] Location") != 4 || strings.Count(out, "[4/6] Options") != 1 {
		t.Fatalf("a refused folder did not keep the wizard at Location:\n%s", out)
	}
}

// The folder offered is asked about too when the checks warn of it (a
// home folder with a space in its path; audit AA: it was taken without a
// word), and a warned folder the person kept is not asked about again
// when they come back to Location.
func TestLocationAsksOnAWarnedDefaultOnce(t *testing.T) {
	e := wizardtest.NewEngine(t)
	spaced := filepath.Join(e.Home, "with space")
	var out bytes.Buffer
	// a bare Enter at the question is no: the warned folder is not kept
	c := IO{In: strings.NewReader("\ny\n\n\n\ny\nb\n\nq\n"), Out: &out, IsTerminal: func() bool { return true }}
	err := Run(context.Background(), c, e, Options{Prefix: spaced, LogDir: t.TempDir()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want the quit\n%s", err, out.String())
	}
	o := out.String()
	contains(t, o, "Folder ["+spaced+"]: ", "  Warning: \""+spaced+"\" has spaces", "Use this folder all the same? [y/N] ")
	if n := strings.Count(o, "Use this folder all the same?"); n != 2 {
		t.Errorf("asked %d times; want twice (Enter, which is no, then yes), and not again on coming back:\n%s", n, o)
	}
	if strings.Count(o, "[3/6] Location") != 3 || strings.Count(o, "[4/6] Options") != 2 {
		t.Errorf("want Location three times (the bare Enter kept it there; b came back) and Options twice:\n%s", o)
	}
}

// The bar is full only when the work is: at 97% a cell is still empty
// (rounded, it was full from 97.5%).
func TestBarFullOnlyWhenDone(t *testing.T) {
	for _, tc := range []struct {
		p    wizard.Progress
		full bool
	}{
		{wizard.Progress{Label: "Installing", Fraction: 0.975, Percent: 97}, false},
		{wizard.Progress{Label: "Installing", Fraction: 0.999, Percent: 99}, false},
		{wizard.Progress{Label: "Installed", Fraction: 1, Percent: 100, Done: true}, true},
	} {
		line := barLine(tc.p, 120)
		if got := strings.Contains(line, "["+strings.Repeat("#", 20)+"]"); got != tc.full {
			t.Errorf("%q: full %v; want %v", line, got, tc.full)
		}
	}
}

// A warned folder kept is asked about again only when its warnings
// change, not its space figures (audit AG).
func TestWarnedKey(t *testing.T) {
	v := func(details ...string) wizard.Verdict { return wizard.Verdict{Details: details} }
	a := warnedKey("/x", v("Space needed on disk: about 1 GB (70 GB free).", "Warning: \"/x y\" has spaces"))
	if b := warnedKey("/x", v("Space needed on disk: about 1 GB (69 GB free).", "Warning: \"/x y\" has spaces")); a != b {
		t.Errorf("the free space changed the key: %q, %q", a, b)
	}
	if b := warnedKey("/x", v("Warning: \"/x y\" has spaces", "Warning: another")); a == b {
		t.Error("a new warning kept the key")
	}
	if b := warnedKey("/y", v("Warning: \"/x y\" has spaces")); a == b {
		t.Error("another folder kept the key")
	}
}

// Finish says where notebooks go, then asks; how to start Jupyter later
// comes after a no, how to stop it after a start, and the log's path last
// (audit BC 7: all of it came before the question, "keeps running" of a
// Jupyter not started).
func TestFinishSaysEachThingWhereItBelongs(t *testing.T) {
	e := wizardtest.NewEngine(t)
	l := func(context.Context, string, string) error { return nil }
	out, err := run(t, context.Background(), e, "\ny\n\n\n\n\n\n\n", l)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	q := strings.Index(out, "Start Jupyter now? [y/N]")
	nb, later := strings.Index(out, "Your notebooks are saved in "), strings.LastIndex(out, "Start Jupyter later from ")
	if q < 0 || nb < 0 || nb > q || later < q || strings.Contains(out, "keeps running") {
		t.Fatalf("a no at Finish:\n%s", out)
	}
	if lines := strings.Split(strings.TrimRight(out, "\n"), "\n"); !strings.HasPrefix(lines[len(lines)-1], "Log: ") {
		t.Errorf("the last line is %q; want the log's path", lines[len(lines)-1])
	}
	out, err = run(t, context.Background(), e, "\ny\n\n\n\n\n\ny\n", l)
	if err != nil || strings.Index(out, "Jupyter keeps running after this ends; stop it with: ") < strings.Index(out, "Start Jupyter now?") {
		t.Fatalf("a yes at Finish: %v\n%s", err, out)
	}
}

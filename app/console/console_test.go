package console

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
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
	input := strings.Join([]string{
		"",             // Welcome
		"n",            // refuse the licence
		"maybe",        // not an answer
		"y",            // accept
		"relative/dir", // refused by the location check
		"b",            // back to the licence
		"y",            // accept again
		"",             // default folder
		"", "", "",     // options: defaults
		"b",          // not yet: back to Location
		"",           // default folder
		"", "n", "y", // options: no maintenance launcher, shell set-up
		"", // Install now
	}, "\n") + "\n"
	out, err := run(t, context.Background(), e, input, nil)
	contains(t, out, "[1/6] Welcome", "Welcome to Test Python 2026.11.0", "environment team: 2 packages",
		"This is a demo bundle", wizardtest.Licence, "✗ "+wizard.ErrLicenceRefused.Error(),
		"Please answer y or n", "✗ cannot install into \"relative/dir\": \"relative/dir\" is not an absolute path",
		"Folder ["+def+"]", "[5/6] Install", "Installing into "+def)
	if strings.Count(out, "[2/6] Licence") != 3 || strings.Count(out, "[3/6] Location") != 4 {
		t.Fatalf("the walk went wrong:\n%s", out)
	}
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	contains(t, out, "[6/6] Finish", "is installed in "+def)
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

func TestCtrlCRollsBack(t *testing.T) {
	e := wizardtest.NewBlocking(wizardtest.NewEngine(t))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-e.Started; cancel() }()
	out, err := run(t, ctx, e, "\ny\n\n\n\n\n\n", nil)
	if !errors.Is(err, context.Canceled) || installer.ExitCode(err) != installer.ExitCancelled {
		t.Fatalf("err %v", err)
	}
	contains(t, out, "[2/7] Unpacking packages... 42%", "The install cancelled", "rolled back")
}

func TestProgressLines(t *testing.T) {
	var out bytes.Buffer
	s := &session{out: &out}
	tr := &wizard.Tracker{OnChange: (&printer{s: s}).show}
	tr.Stage(installer.StageLink, 1000)
	for i := 0; i < 10; i++ {
		tr.Advance(100)
		tr.Item("pkg")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != "[3/7] Installing packages... 0%" || lines[len(lines)-1] != "[3/7] Installing packages... 100%" {
		t.Fatalf("lines: %q", lines)
	}
	if len(lines) > 11 {
		t.Fatalf("too many lines: %q", lines)
	}
	if strings.ContainsAny(out.String(), "\r\x1b") {
		t.Fatal("cursor tricks in the progress output")
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
	contains(t, out, "Jupyter is running", "no web browser could be opened", url)
	if strings.Contains(out, "failed") || strings.Contains(out, "Help") {
		t.Fatalf("a running Jupyter reported as a failure, or a hint at a Help menu:\n%s", out)
	}
}

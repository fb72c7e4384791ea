package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
	"onboard/installer/state"
	"onboard/internal/proctest"
	"onboard/platform"
)

// The uninstall question ends when Ctrl-C or SIGTERM ends the context,
// with exit 130 and nothing removed, rather than waiting for an Enter.
// Before, it kept reading: the signal did nothing, and the end of the
// input then said "Nothing removed." with exit 0.
func TestUninstallQuestionEndsWithTheSignal(t *testing.T) {
	in, w := io.Pipe() // a terminal nobody answers
	defer w.Close()
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := confirm(ctx, Env{Stdin: in, Stdout: &out}, "Remove it? [y/N] ")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || installer.ExitCode(err) != installer.ExitCancelled {
			t.Fatalf("confirm = %v (exit %d); want context.Canceled, exit %d", err, installer.ExitCode(err), installer.ExitCancelled)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the question still waits after the signal")
	}
	// an answer still answers
	ok, err := confirm(context.Background(), Env{Stdin: bytes.NewBufferString("y\n"), Stdout: &out}, "Remove it? [y/N] ")
	if !ok || err != nil {
		t.Fatalf("confirm with y = %v, %v", ok, err)
	}
}

// A silent uninstall (IT's) prints nothing, but --log keeps what it did,
// and what is left to do by hand, in a file that outlives the install.
func TestSilentUninstallLogsToAFile(t *testing.T) {
	p := tinyPrefix(t)
	// an env the user made with conda goes too: the log names it, as the
	// question does (audit AK 5)
	if err := os.MkdirAll(filepath.Join(p, "envs", "mine", "conda-meta"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p, "envs", "mine", "conda-meta", "history"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "uninstall.log")
	out, errOut, err := runCLI(t, "", "uninstall", "--prefix", p, "--silent", "--log", log)
	if err != nil || errOut != "" {
		t.Fatalf("got %v, stderr %q", err, errOut)
	}
	b, _ := os.ReadFile(log)
	if !strings.Contains(string(b), "uninstall: removed \""+p+"\"") || !strings.Contains(string(b), "uninstalling the install in "+p) || out != "" {
		t.Errorf("the log holds:\n%s\nwant what is uninstalled and its removal of %s; stdout %q, want nothing", b, p, out)
	}
	if !strings.Contains(string(b), "environments made with conda (mine)") {
		t.Errorf("the log does not name the user's env it deleted:\n%s", b)
	}
}

// Repair and uninstall at a terminal print what they found and did, and
// nothing on stderr: the steps go to the install's log (repair) or to
// --log (uninstall), and the question and result name the product, its
// launchers and only the set-up it has (audit Y3).
func TestRepairAndUninstallSayResultsNotSteps(t *testing.T) {
	e := wizardtest.NewEngine(t)
	prefix := filepath.Join(e.Home, "inst")
	if _, stderr, err := runCLI(t, "", "install", "--bundle", e.BundlePath, "--prefix", prefix, "--subdir", wizardtest.Subdir()); err != nil {
		t.Fatalf("install: %v\n%s", err, stderr)
	}
	in, err := wizard.ReadInstalled(prefix)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := platform.LoadRecord(state.LaunchersPath(prefix))
	if err != nil || len(rec.Shell) != 0 {
		t.Fatalf("launcher record %+v, %v; want one without shell set-up", rec, err)
	}
	launchers := 0
	for _, f := range rec.Files {
		if strings.HasSuffix(f.Path, ".desktop") {
			launchers++
		}
	}
	if launchers == 0 {
		t.Fatal("the install made no launcher")
	}
	what := fmt.Sprintf("%s %s from %s, with its %d shortcuts", in.Manifest.Name, in.Manifest.Version, prefix, launchers)

	var damaged string // a file of a package
	metas, _ := filepath.Glob(filepath.Join(prefix, "conda-meta", "*.json"))
	var m struct{ Files []string }
	for _, f := range metas {
		if b, err := os.ReadFile(f); err == nil && json.Unmarshal(b, &m) == nil && len(m.Files) > 0 {
			damaged = filepath.Join(prefix, filepath.FromSlash(m.Files[0]))
			break
		}
	}
	if err := os.Remove(damaged); damaged == "" || err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runCLI(t, "", "repair", "--prefix", prefix)
	if err != nil || stderr != "" || !strings.Contains(out, "Repaired") {
		t.Fatalf("repair: %v\nstdout:\n%s\nstderr:\n%s\nwant its result on stdout and nothing on stderr", err, out, stderr)
	}
	if log, _ := os.ReadFile(state.LogPath(prefix)); !strings.Contains(string(log), "repair: ") {
		t.Errorf("the install's log holds no line of the repair:\n%s", log)
	}

	// a program that runs from the install (a kernel, a python started
	// in an activated shell) is named before the question: the uninstall
	// stops it (audit AE)
	var running string
	if runtime.GOOS == "linux" {
		c, _ := proctest.Start(t, proctest.Sleep(t, filepath.Join(prefix, "envs", "team", "bin", "sleep")), "300")
		running = fmt.Sprintf("It stops what still runs from it, and what is not saved there is lost: sleep (pid %d).\n", c.Process.Pid)
	}
	out, stderr, err = runCLI(t, "n\n", "uninstall", "--prefix", prefix)
	if installer.ExitCode(err) != installer.ExitCancelled || !IsReported(err) || !strings.Contains(out, running+"Remove "+what+"? [y/N] ") || !strings.Contains(out, "Nothing removed.") {
		t.Fatalf("uninstall answered n: %v (exit %d); want exit 130, said once, after %q\n%s", err, installer.ExitCode(err), running, out)
	}
	out, stderr, err = runCLI(t, "y\n", "uninstall", "--prefix", prefix)
	if err != nil || stderr != "" || !strings.HasSuffix(out, "Removed "+what+".\n") {
		t.Fatalf("uninstall: %v\nstdout:\n%s\nstderr:\n%s\nwant the question and \"Removed %s.\", and nothing on stderr", err, out, stderr, what)
	}
	if _, err := os.Stat(prefix); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the install is still there: %v", err)
	}
}

// A repair of a folder that holds no install changes nothing in it: the
// install's log is opened at its first line, not before (audit AA: an
// empty install.log was left beside "nothing was changed").
func TestRepairOfNoInstallMakesNoLog(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p")
	if err := os.MkdirAll(filepath.Join(p, ".onboard"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, "", "repair", "--prefix", p)
	if installer.ExitCode(err) != installer.ExitTarget {
		t.Fatalf("repair of no install: %v (exit %d); want exit 4", err, installer.ExitCode(err))
	}
	if _, err := os.Stat(state.LogPath(p)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the repair left %s: %v", state.LogPath(p), err)
	}
}

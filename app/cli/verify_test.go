package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/maintain"
	"onboard/installer/state"
)

// tinyPrefix makes a conda prefix with one package of one file.
func tinyPrefix(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "p")
	data := "hello\n"
	h := sha256.Sum256([]byte(data))
	rec := fmt.Sprintf(`{"name":"a","version":"1","build":"0","files":["share/a.txt"],
"paths_data":{"paths_version":1,"paths":[{"_path":"share/a.txt","path_type":"hardlink","sha256":%[1]q,"sha256_in_prefix":%[1]q,"size_in_bytes":6}]}}`,
		hex.EncodeToString(h[:]))
	for name, content := range map[string]string{"share/a.txt": data, "conda-meta/a-1-0.json": rec, "conda-meta/history": "",
		".onboard/manifest.json": `{"schema":1,"subdir":"linux-64"}`, ".nonadmin": ""} { // an install for one user has conda's marker
		if err := os.MkdirAll(filepath.Dir(filepath.Join(p, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// the maintenance app, which an install always writes (a stand-in)
	if err := os.WriteFile(state.AppPath(p), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	os.MkdirAll(filepath.Join(home, ".conda"), 0o755)
	os.WriteFile(filepath.Join(home, ".conda", "environments.txt"), []byte(p+"\n"), 0o644)
	return p
}

func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), err
}

func TestVerifyCommand(t *testing.T) {
	p := tinyPrefix(t)
	out, _, err := runCLI(t, "", "verify", "--prefix", p)
	if err != nil || !strings.Contains(out, "Healthy") {
		t.Fatalf("got %v, %q; want exit 0 and Healthy", err, out)
	}
	os.WriteFile(filepath.Join(p, "share", "a.txt"), []byte("HELLO\n"), 0o644)
	out, _, err = runCLI(t, "", "verify", "--prefix", p, "--json")
	if got := installer.ExitCode(err); got != installer.ExitFailed {
		t.Fatalf("got exit %d (%v); want 1", got, err)
	}
	var r struct {
		Event    string
		Healthy  bool
		Problems []maintain.Problem
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("got %q: %v; want one JSON object", out, err)
	}
	if r.Event != "result" || r.Healthy || len(r.Problems) != 1 || r.Problems[0].Kind != maintain.ProblemAltered || r.Problems[0].Path != "share/a.txt" {
		t.Fatalf("got %+v; want one altered share/a.txt", r)
	}
	// the maintenance window's "last checked" is the command line's too
	if c := wizard.ReadLastCheck(p); c == nil || c.What != "verify" || c.Health.OK || c.Envs["base"].Problems != 1 {
		t.Fatalf("last check after verify: %+v", c)
	}
	runCLI(t, "", "repair", "--prefix", p) // no bundle here to take the file from: it is left
	if c := wizard.ReadLastCheck(p); c == nil || c.What != "repair" || c.Envs["base"].What != "repair" {
		t.Fatalf("last check after repair: %+v", c)
	}
}

// verify and repair --env NAME act on one environment (issue #14).
func TestVerifyAndRepairOneEnvCommand(t *testing.T) {
	p := tinyPrefix(t)
	out, _, err := runCLI(t, "", "verify", "--prefix", p, "--env", "base")
	if err != nil || !strings.Contains(out, "Checked environment base of "+p) || !strings.Contains(out, "Healthy") {
		t.Fatalf("got %v, %q; want the base env checked and healthy", err, out)
	}
	_, _, err = runCLI(t, "", "verify", "--prefix", p, "--env", "nope")
	if installer.ExitCode(err) != installer.ExitUsage || !strings.Contains(err.Error(), `no environment named "nope"; it has base`) {
		t.Fatalf("got %v; want exit 2 naming the envs there are", err)
	}
	os.WriteFile(filepath.Join(p, "share", "a.txt"), []byte("HELLO\n"), 0o644)
	os.Remove(state.AppPath(p)) // an env's check leaves the app unchecked
	out, _, err = runCLI(t, "", "verify", "--prefix", p, "--env", "base")
	// the command names a program there is: this one, or the install's
	// maintenance app where it has one (there may be no onboard on PATH)
	self, _ := os.Executable()
	if installer.ExitCode(err) != installer.ExitFailed || !strings.Contains(out, "\nTo put it right, run: "+self+" repair --prefix "+p+" --env base\n") {
		t.Fatalf("got %v, %q; want exit 1 and the repair command for the env", err, out)
	}
	app := state.AppPath(p)
	os.MkdirAll(filepath.Dir(app), 0o755)
	os.WriteFile(app, []byte("#!/bin/sh\n"), 0o755)
	if out, _, _ = runCLI(t, "", "verify", "--prefix", p, "--env", "base"); !strings.Contains(out, "run: "+app+" repair --prefix ") {
		t.Fatalf("got %q; want the maintenance app %s named", out, app)
	}
	os.Remove(app)
	out, _, _ = runCLI(t, "", "repair", "--prefix", p, "--env", "base", "--json")
	var res struct {
		Event string
		maintain.RepairResult
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Event != "result" || res.Env != "base" || len(res.Before) != 1 {
		t.Fatalf("got %q (%v); want the repair of base as JSON, with the one problem found", out, err)
	}
	for _, cmd := range []string{"verify", "repair"} {
		help, _, _ := runCLI(t, "", cmd, "-h")
		if !strings.Contains(help, "-env") || !strings.Contains(help, "only this environment") {
			t.Fatalf("%s -h does not offer --env:\n%s", cmd, help)
		}
	}
}

// Asking for a command's flags (-h), as `onboard --help` says to, or for
// the bundle commands' usage (`onboard bundle help`) is no failure: exit 0,
// and nothing else runs.
func TestHelpOfACommandExitsZero(t *testing.T) {
	for _, args := range [][]string{{"verify", "-h"}, {"install", "-h"}, {"uninstall", "--help"}, {"launch", "run", "-h"}, {"help", "verify"}} {
		// on stdout, with the command's usage lines (audit Y3: Go's bare
		// "Usage of onboard verify:" on stderr; `help verify` printed the
		// general usage)
		help, _, err := runCLI(t, "", args...)
		name := args[0]
		if name == "help" {
			name = args[1]
		}
		if err != nil || !strings.Contains(help, "-prefix") || !strings.Contains(help, "Usage:\n  onboard "+name) || strings.Contains(help, "Usage of") {
			t.Errorf("%q: %v (exit %d), flags %q; want exit 0, the usage lines and the flags", args, err, installer.ExitCode(err), help)
		}
	}
	if _, _, err := runCLI(t, "", "help", "bogus"); installer.ExitCode(err) != installer.ExitUsage {
		t.Errorf("help bogus: %v; want exit 2", err)
	}
	// a flag it does not know, said as onboard says errors
	out, stderr, err := runCLI(t, "", "verify", "--bogus")
	if installer.ExitCode(err) != installer.ExitUsage || err.Error() != "unknown flag --bogus; 'onboard verify -h' lists its flags" || out+stderr != "" {
		t.Errorf("verify --bogus: %v, printed %q %q", err, out, stderr)
	}
	out, _, err = runCLI(t, "", "launch", "-h")
	if err != nil || !strings.Contains(out, "onboard launch jupyter") || !strings.Contains(out, "onboard launch run") {
		t.Errorf("launch -h: %v, %q; want exit 0 and the usage (audit BM 14)", err, out)
	}
	out, _, err = runCLI(t, "", "bundle", "help")
	if err != nil || !strings.Contains(out, "onboard bundle build") {
		t.Errorf("bundle help: %v, %q; want exit 0 and the usage", err, out)
	}
}

// Without --prefix, verify looks in the default folder of the bundle the
// program carries, the embedded demo's too; with nothing there it says so
// and asks for --prefix (exit 4, as for a --prefix with no install).
func TestVerifyNeedsPrefix(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	_, _, err := runCLI(t, "", "verify")
	if got := installer.ExitCode(err); got != installer.ExitTarget || !strings.Contains(err.Error(), "pass --prefix DIR") {
		t.Fatalf("got exit %d (%v); want 4 and --prefix named", got, err)
	}
}

func TestUninstallAsksFirst(t *testing.T) {
	tests := []struct {
		answer string
		gone   bool
	}{{"n\n", false}, {"\n", false}, {"y\n", true}, {"maybe\ny\n", true}, {"maybe\n", false}} // "maybe" asks again (audit Y3)
	for _, tt := range tests {
		t.Run(strings.TrimSpace(tt.answer), func(t *testing.T) {
			p := tinyPrefix(t)
			out, _, err := runCLI(t, tt.answer, "uninstall", "--prefix", p)
			if want := map[bool]int{true: installer.ExitOK, false: installer.ExitCancelled}[tt.gone]; installer.ExitCode(err) != want {
				t.Fatalf("got %v (%s); want exit %d", err, out, want) // a no cancels (audit Y3)
			}
			_, serr := os.Stat(p)
			if gone := os.IsNotExist(serr); gone != tt.gone {
				t.Fatalf("answer %q: got removed=%v; want %v", tt.answer, gone, tt.gone)
			}
		})
	}
}

// An uninstall of a folder that is gone says that nothing is installed
// there, exit 4 (audit Y3: "not an onboard install … stat …: no such
// file", and "remove it yourself").
func TestUninstallOfAFolderThatIsGone(t *testing.T) {
	gone := filepath.Join(t.TempDir(), "acme")
	_, _, err := runCLI(t, "", "uninstall", "--prefix", gone, "--silent")
	if got := installer.ExitCode(err); got != installer.ExitTarget || !strings.Contains(err.Error(), "nothing is installed there: the folder does not exist") || strings.Contains(err.Error(), "stat") {
		t.Fatalf("got exit %d (%v)", got, err)
	}
}

func TestUninstallRefusesOtherFolders(t *testing.T) {
	dir := t.TempDir()
	_, _, err := runCLI(t, "", "uninstall", "--prefix", dir, "--silent")
	if got := installer.ExitCode(err); got != installer.ExitTarget || !strings.Contains(err.Error(), "not an onboard install") {
		t.Fatalf("got exit %d (%v); want 4 and 'not an onboard install'", got, err)
	}
}

// An uninstall killed while it deleted the prefix (its manifest already
// gone) is finished by the next 'onboard uninstall', which says the
// prefix is removed instead of refusing it as not an onboard install.
func TestUninstallFinishesAnInterruptedOne(t *testing.T) {
	p := tinyPrefix(t)
	os.Remove(filepath.Join(p, ".onboard", "manifest.json"))
	if _, _, err := runCLI(t, "", "uninstall", "--prefix", p, "--silent"); installer.ExitCode(err) != installer.ExitTarget {
		t.Fatalf("without a journal the half-removed folder was not refused: %v", err)
	}
	head, _ := json.Marshal(map[string]any{"op": "uninstall", "prefix": p, "pid": 1, "started": "2026-12-02T00:00:00Z"})
	os.WriteFile(filepath.Join(filepath.Dir(p), ".p.onboard-journal"), append(head, '\n'), 0o644)
	out, errOut, err := runCLI(t, "", "uninstall", "--prefix", p, "--silent")
	if err != nil || out != "" || !strings.Contains(errOut, "the last uninstall was interrupted; it was finished") {
		t.Fatalf("got %v, %q, %q; want the uninstall finished and said", err, out, errOut)
	}
	if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 0 {
		t.Fatalf("left: %v", ents)
	}
}

// A maintenance app verify finds empty is not the program the hint tells
// the person to run for the repair (audit BM 5): this one is.
func TestVerifyOfAnEmptiedMaintenanceAppNamesThisProgram(t *testing.T) {
	p := tinyPrefix(t)
	os.WriteFile(state.AppPath(p), nil, 0o755)
	out, _, err := runCLI(t, "", "verify", "--prefix", p)
	self, _ := os.Executable()
	if installer.ExitCode(err) != installer.ExitFailed || !strings.Contains(out, "maintenance app") || !strings.Contains(out, "\nTo put it right, run: "+self+" repair --prefix "+p+"\n") {
		t.Fatalf("got %v, %q; want exit 1, the maintenance app named, and this program's repair", err, out)
	}
}

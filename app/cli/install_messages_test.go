package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/app/wizard/wizardtest"
)

// install shows a package's prelink messages before it installs, as
// conda install --yes prints them: on stderr, as a "messages" event with
// --json, and not at all with --silent; the install's log keeps them
// every way.
func TestInstallShowsPrelinkMessages(t *testing.T) {
	e := wizardtest.NewEngine(t)
	b := wizardtest.BundleFileWithMessage(t, wizardtest.Version)
	install := func(mode string) (string, string, string) {
		t.Helper()
		prefix := filepath.Join(e.Home, "inst"+mode)
		args := []string{"install", "--bundle", b, "--prefix", prefix, "--no-launcher", "--no-maintenance-launcher", "--subdir", wizardtest.Subdir()}
		if mode != "" {
			args = append(args, mode)
		}
		out, stderr, err := runCLI(t, "", args...)
		if err != nil {
			t.Fatalf("install %s: %v\n%s%s", mode, err, out, stderr)
		}
		logs, _ := filepath.Glob(filepath.Join(prefix, ".onboard", "*.log"))
		var log []byte
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			log = append(log, b...)
		}
		if !strings.Contains(string(log), "The following PRELINK MESSAGES are INCLUDED:") || !strings.Contains(string(log), "  "+wizardtest.Message) {
			t.Errorf("install %s: the log %q lacks the messages:\n%s", mode, logs, log)
		}
		return out, stderr, prefix
	}

	inspect, _, err := runCLI(t, "", "bundle", "inspect", b)
	if err != nil || !strings.Contains(inspect, "  prelink message: eula 1.0 (terms.txt)\n") {
		t.Errorf("bundle inspect: %v\n%s", err, inspect)
	}

	_, stderr, _ := install("")
	want := "The following PRELINK MESSAGES are INCLUDED:\n\n  File terms.txt of eula 1.0:\n\n  " + wizardtest.Message + "\n"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}

	out, _, _ := install("--json")
	var ev struct {
		Event    string
		Messages []struct{ Package, Version, File, Text string }
	}
	first, _, _ := strings.Cut(out, "\n")
	if err := json.Unmarshal([]byte(first), &ev); err != nil || ev.Event != "messages" || len(ev.Messages) != 1 ||
		ev.Messages[0].Package != "eula" || ev.Messages[0].Version != "1.0" || ev.Messages[0].File != "terms.txt" || ev.Messages[0].Text != wizardtest.Message+"\n" {
		t.Errorf("the first --json line is %s (%v), want the messages event", first, err)
	}

	out, stderr, _ = install("--silent")
	if out != "" || stderr != "" {
		t.Errorf("--silent printed:\n%s%s", out, stderr)
	}

	// Again over the first install: nothing to do, so nothing to accept.
	if _, stderr, _ = install(""); strings.Contains(stderr, "PRELINK") {
		t.Errorf("an install with nothing to do shows the messages:\n%s", stderr)
	}
}

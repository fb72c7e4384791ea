package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
)

// TestInstallJSONProgress installs a real bundle with --json and checks the
// events: the same model as the GUI and the console (numbered steps across
// every env, overall bytes, a percentage that never goes back and ends at
// 100), then the result.
func TestInstallJSONProgress(t *testing.T) {
	e := wizardtest.NewEngine(t)
	prefix := filepath.Join(e.Home, "inst")
	out, stderr, err := runCLI(t, "", "install", "--json", "--bundle", e.BundlePath, "--prefix", prefix,
		"--no-launcher", "--no-maintenance-launcher", "--subdir", wizardtest.Subdir())
	if err != nil || stderr != "" {
		t.Fatalf("install: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var steps []string
	lastPct, lastStep, lastBytes := -1, 0, int64(0)
	var last wizard.ProgressEvent
	for _, l := range lines[:len(lines)-1] {
		var ev wizard.ProgressEvent
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		if ev.Steps != 2 || ev.Step < lastStep || ev.Step > lastStep+1 || ev.BytesDone < lastBytes || ev.BytesTotal < ev.BytesDone {
			t.Fatalf("event %q after step %d, %d bytes", l, lastStep, lastBytes)
		}
		lastStep, lastBytes = ev.Step, ev.BytesDone
		switch ev.Event {
		case "stage":
			steps = append(steps, ev.Label+"/"+ev.Env)
		case "progress":
			if ev.Percent <= lastPct {
				t.Fatalf("percent %d after %d: %q", ev.Percent, lastPct, l)
			}
			lastPct = ev.Percent
		case "item":
			if ev.Name == "" {
				t.Fatalf("item without a name: %q", l)
			}
		default:
			t.Fatalf("unknown event %q", l)
		}
		last = ev
	}
	if last.Event != "progress" || last.Percent != 100 || last.Step != 2 || last.BytesDone == 0 || last.BytesDone != last.BytesTotal {
		t.Fatalf("the last progress event is %+v, want 100%% at step 2, its bytes all done", last)
	}
	want := "Unpacking packages/base Installing packages/base"
	if got := strings.Join(steps, " "); !strings.HasPrefix(got, want) || !strings.Contains(got, "Unpacking packages/team") {
		t.Fatalf("stages %q, want them to start %q and reach team", got, want)
	}
	if !strings.HasPrefix(lines[len(lines)-1], `{"event":"result"`) {
		t.Fatalf("last line %q", lines[len(lines)-1])
	}
}

// An install run again on a healthy install says so once, in its result:
// no "Installed 100%" progress line for what it did not do (audit Y3).
func TestInstallAgainSaysNothingWasInstalled(t *testing.T) {
	e := wizardtest.NewEngine(t)
	prefix := filepath.Join(e.Home, "inst")
	args := []string{"install", "--bundle", e.BundlePath, "--prefix", prefix, "--no-launcher", "--no-maintenance-launcher", "--subdir", wizardtest.Subdir()}
	if _, stderr, err := runCLI(t, "", args...); err != nil || !strings.Contains(stderr, "Installed") {
		t.Fatalf("install: %v; stderr:\n%s\nwant its progress to end Installed", err, stderr)
	}
	out, stderr, err := runCLI(t, "", args...)
	if err != nil || strings.Contains(stderr, "Installed") || !strings.Contains(out, "is already installed in "+prefix) {
		t.Fatalf("install again: %v\nstdout:\n%s\nstderr:\n%s\nwant 'is already installed' and no Installed line", err, out, stderr)
	}
}

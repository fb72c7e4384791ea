package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"onboard/installer"
	"onboard/installer/maintain"
)

// A repair stopped by Ctrl-C after it fixed something says what it fixed
// and that it was not checked again, not "Repaired: verify finds no
// problems now" followed by "what was begun was undone" (audit AI 3).
func TestRepairStoppedSaysWhatItKept(t *testing.T) {
	res := &maintain.RepairResult{Prefix: "/p",
		Before: []maintain.Problem{{Env: "base", Package: "python-3.12.0-0", Kind: maintain.ProblemMissing}},
		Fixed:  []maintain.Fix{{Env: "base", Package: "python-3.12.0-0", Action: "re-extracted the damaged files"}}}
	var out bytes.Buffer
	writeRepairText(Env{Stdout: &out}, res)
	if got := out.String(); strings.Contains(got, "Repaired") || !strings.Contains(got, "fixed  base: python-3.12.0-0") || !strings.Contains(got, "not checked again") && !strings.Contains(got, "before the repair was checked again") {
		t.Errorf("the text of a stopped repair:\n%s", got)
	}
	err := error(cancelledRepair{fmt.Errorf("repair: %w", context.Canceled)})
	if installer.ExitCode(err) != installer.ExitCancelled {
		t.Errorf("exit code %d; want %d", installer.ExitCode(err), installer.ExitCancelled)
	}
	if h := installer.HintFor(err); strings.Contains(h, "what was begun was undone") || !strings.Contains(h, "is kept") {
		t.Errorf("hint %q", h)
	}
	// stopped before its first fix: nothing was repaired, which it says
	// (audit BM 10: "before the repair was checked again" read as done)
	stopped := *res
	stopped.Fixed = nil
	out.Reset()
	writeRepairText(Env{Stdout: &out}, &stopped)
	if got := out.String(); !strings.Contains(got, "Stopped before anything was repaired.") || strings.Contains(got, "checked again") {
		t.Errorf("the text of a repair stopped before its first fix:\n%s", got)
	}
	res.After = &maintain.Report{Healthy: true}
	out.Reset()
	writeRepairText(Env{Stdout: &out}, res)
	if !strings.Contains(out.String(), "Repaired: verify finds no problems now.") {
		t.Errorf("the text of a repair checked again:\n%s", out.String())
	}
}

// A repair given the installer of a healthy install whose kept copy of
// the bundle was lost puts the copy back and says so, not "nothing to
// repair" (audit BM 6).
func TestRepairTextOfAKeptBundlePutBack(t *testing.T) {
	res := &maintain.RepairResult{Prefix: "/p", After: &maintain.Report{Healthy: true},
		Fixed: []maintain.Fix{{Env: "base", Action: "put back .onboard/bundle.zip, the copy of the bundle kept for repairs, from /d/i.zip"}}}
	var out bytes.Buffer
	writeRepairText(Env{Stdout: &out}, res)
	if got := out.String(); strings.Contains(got, "nothing to repair") || !strings.Contains(got, "/p is healthy.") || !strings.Contains(got, "fixed  base: (environment): put back .onboard/bundle.zip") {
		t.Errorf("the text:\n%s", got)
	}
}

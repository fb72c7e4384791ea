package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
)

// The repair offered when Jupyter cannot start (the terminal's question,
// the window's Repair) records the check, as the maintenance window's and
// the command line's repairs do: the window went on showing the problems
// it had fixed (audit BN 2).
func TestLaunchRepairRecordsTheCheck(t *testing.T) {
	e := wizardtest.NewEngine(t)
	prefix := filepath.Join(e.Home, "inst")
	if out, stderr, err := runCLI(t, "", "install", "--bundle", wizardtest.BundleFile(t), "--prefix", prefix,
		"--no-launcher", "--no-maintenance-launcher", "--subdir", wizardtest.Subdir()); err != nil {
		t.Fatalf("install: %v\n%s%s", err, out, stderr)
	}
	if _, _, err := runCLI(t, "", "verify", "--prefix", prefix); err != nil {
		t.Fatalf("verify: %v", err)
	}
	before := wizard.ReadLastCheck(prefix)
	if before == nil || before.What != "verify" {
		t.Fatalf("the last check after verify: %+v", before)
	}
	p := launchProblem(prefix, "base", errors.New("jupyter is missing"), Env{Stdout: os.Stdout, Stderr: os.Stderr})
	if p.Repair == nil {
		t.Fatal("no repair offered")
	}
	if err := p.Repair(context.Background(), nil, nil); err != nil {
		t.Fatalf("repair: %v", err)
	}
	if after := wizard.ReadLastCheck(prefix); after == nil || after.What != "repair" || !after.Time.After(before.Time) {
		t.Fatalf("the last check after the launch's repair: %+v; want that repair", after)
	}
}

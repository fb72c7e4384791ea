//go:build !windows

package wizard_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"onboard/app/wizard"
	"onboard/installer"
)

// stageSignal closes staged at the first stage the installer reports.
type stageSignal struct{ staged chan struct{} }

func (s *stageSignal) Stage(installer.Stage, int64) {
	select {
	case <-s.staged:
	default:
		close(s.staged)
	}
}
func (s *stageSignal) Advance(int64) {}
func (s *stageSignal) Item(string)   {}

// fakeInstaller writes a script that reports a stage, then waits; on an
// interrupt it runs onInt (as onboard rolls its install back on Ctrl-C).
func fakeInstaller(t *testing.T, onInt string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "installer")
	script := "#!/bin/sh\ntrap '" + onInt + "' INT\n" +
		`echo '{"event":"stage","stage":"link","total":1}'` + "\nwhile :; do sleep 0.05; done\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// A stopped upgrade interrupts its installer, which rolls back and puts
// the old install back before RunUpgrade returns; it was killed (audit
// BO 3), and a killed one left that to the next run's recovery.
func TestRunUpgradeStoppedLetsTheInstallerRollBack(t *testing.T) {
	mark := filepath.Join(t.TempDir(), "rolled-back")
	bin := fakeInstaller(t, `echo done > "`+mark+`"; echo "{\"event\":\"error\",\"error\":\"cancelled\",\"exit_code\":130}"; exit 130`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &stageSignal{staged: make(chan struct{})}
	go func() { <-r.staged; cancel() }()
	_, err := wizard.RunUpgrade(ctx, []string{bin}, r, t.Logf)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a stopped upgrade returned %v; want context.Canceled", err)
	}
	if _, err := os.Stat(mark); err != nil {
		t.Fatalf("the installer was not let roll back: %v", err)
	}
}

// An upgrade that finished as it was being stopped is reported as
// finished: the new version is installed.
func TestRunUpgradeFinishedWhileStoppedIsFinished(t *testing.T) {
	bin := fakeInstaller(t, `echo "{\"event\":\"result\",\"version\":\"2026.12.0\",\"prefix\":\"/x\"}"; exit 0`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &stageSignal{staged: make(chan struct{})}
	go func() { <-r.staged; cancel() }()
	res, err := wizard.RunUpgrade(ctx, []string{bin}, r, t.Logf)
	if err != nil || res == nil || res.Version != "2026.12.0" {
		t.Fatalf("RunUpgrade gave %+v, %v; want the installer's result", res, err)
	}
}

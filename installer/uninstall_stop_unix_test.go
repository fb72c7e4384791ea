//go:build unix

package installer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"onboard/installer/internal/testkit"
	"onboard/installer/state"
	"onboard/installer/uninstall"
	"onboard/internal/condatest"
)

// An uninstall stopped while the last env's pre-unlink scripts run (the
// maintenance window's Stop, Ctrl-C) removes nothing: the scripts are
// killed with the stop, and the uninstall went on and removed the whole
// install, where the window's question said nothing had been removed yet
// (audit BP 1).
func TestUninstallStoppedDuringTheLastScriptsRemovesNothing(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	slow := testkit.Program("slow", "1.0")
	slow.Files = append(slow.Files, condatest.File{Path: "bin/.slow-pre-unlink.sh",
		Data: []byte("#!/bin/sh\ntouch \"$PREFIX/unlinking\"\nsleep 300\n"), Mode: 0o755})
	b := testkit.BundleOfSpecs(t, "name = \"Acme\"\nid = \"org.acme\"\nversion = \"2026.12.0\"\n", "", testkit.Program("python", "3.12.1"), slow)
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- uninstall.Run(ctx, prefix, uninstall.Options{EnvironmentsTxt: "-"}) }()
	marker := filepath.Join(prefix, "envs", "team", "unlinking")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pre-unlink script did not start")
		}
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the uninstall did not end after the stop")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("uninstall stopped during the scripts: %v; want it cancelled", err)
	}
	if _, err := os.Stat(state.ManifestPath(prefix)); err != nil {
		t.Fatalf("the stopped uninstall removed the install: %v", err)
	}
}

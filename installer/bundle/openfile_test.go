//go:build linux || darwin || freebsd

package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A pipe given as a bundle or installer is refused at once: inspect,
// attach and discovery used to block in open(2) for good, where neither
// Ctrl-C nor SIGTERM ended them.
func TestAPipeIsRefusedAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "bundle.zip")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan string, 4)
	go func() {
		_, err := Open(fifo)
		done <- "Open: " + errString(err)
		done <- "IsSplitInstaller: " + map[bool]string{true: "true", false: "false"}[IsSplitInstaller(fifo)]
		_, _, err = BinaryTarget(fifo)
		done <- "BinaryTarget: " + errString(err)
		_, err = PlainSize(fifo)
		done <- "PlainSize: " + errString(err)
	}()
	for i := 0; i < 4; i++ {
		select {
		case got := <-done:
			t.Log(got)
		case <-time.After(10 * time.Second):
			t.Fatal("a pipe given as a bundle or installer blocked")
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// A bundle cut short (or with a damaged end record) is named as damaged,
// not as a file that "holds no bundle".
func TestACutBundleIsCalledDamaged(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	data, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.zip")
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	if _, err := Open(cut); err == nil || !strings.Contains(err.Error(), "damaged or cut short") {
		t.Fatalf("Open of a cut bundle: %v", err)
	}
	other := filepath.Join(dir, "other")
	os.WriteFile(other, []byte("#!/bin/sh\necho not a bundle\n"), 0o755)
	if _, err := Open(other); err == nil || !strings.Contains(err.Error(), "holds no bundle") {
		t.Fatalf("Open of a file that is no bundle: %v", err)
	}
}

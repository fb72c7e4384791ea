//go:build windows

package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// A downloaded installer (the mark of the web) is copied, not hard-linked,
// into the install: its maintenance app would carry the mark.
func TestMarkOfTheWebIsNotShared(t *testing.T) {
	var dir string
	if os.Getenv("ONBOARD_WINE") != "" { // Wine's RemoveAll fails on t.TempDir's clean-up
		dir, _ = os.MkdirTemp("", "motw")
	} else {
		dir = t.TempDir()
	}
	exe := filepath.Join(dir, "setup.exe")
	if err := os.WriteFile(exe, []byte("MZ"), 0o755); err != nil {
		t.Fatal(err)
	}
	if !MayShare(exe) {
		t.Fatal("a file without the mark is not shared")
	}
	if err := os.WriteFile(exe+":Zone.Identifier", []byte("[ZoneTransfer]\r\nZoneId=3\r\n"), 0o644); err != nil {
		t.Skipf("no alternate data streams here: %v", err)
	}
	if MayShare(exe) {
		t.Error("a file with the mark of the web is shared")
	}
}

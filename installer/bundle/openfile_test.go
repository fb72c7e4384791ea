package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
)

func TestDemoBundle(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b", "b.zip")
	for _, p := range []string{a, b} {
		if err := Make(context.Background(), p); err != nil {
			t.Fatalf("Make: %v", err)
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatalf("two demo bundles differ (%d and %d bytes); want identical", len(da), len(db))
	}
	bd, err := bundle.OpenBytes(da, "test")
	if err != nil {
		t.Fatalf("OpenBytes: %v", err)
	}
	m := bd.Manifest
	if !m.Demo || m.Name != Name || strings.Join(m.Subdirs(), ",") != strings.Join(Subdirs, ",") {
		t.Errorf("demo=%v name=%q subdirs=%v; want a demo %q for %v", m.Demo, m.Name, m.Subdirs(), Name, Subdirs)
	}
	if len(m.Launchers) != 1 || m.Launchers[0].Env != "team" {
		t.Errorf("launchers = %+v; want one on env team", m.Launchers)
	}
	for _, sd := range Subdirs {
		if err := bd.Verify(context.Background(), sd, 2, nil); err != nil {
			t.Errorf("Verify(%s): %v", sd, err)
		}
		if got := len(m.Platforms[sd].Envs["team"]); got != 2 {
			t.Errorf("%s team env has %d packages; want 2", sd, got)
		}
	}
}

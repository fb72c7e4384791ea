package pkg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fx "onboard/internal/fixtures"
)

// fixtures is the real fixture packages folder (see internal/fixtures).
func fixtures(t *testing.T) string { return fx.Dir(t) }

// leftovers lists the entries of pkgsDir that are not in keep.
func leftovers(t *testing.T, pkgsDir string, keep ...string) []string {
	t.Helper()
	es, err := os.ReadDir(pkgsDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if !contains(keep, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// onlyInside fails if anything but pkgs/ was written under root.
func onlyInside(t *testing.T, root string) {
	t.Helper()
	es, _ := os.ReadDir(root)
	for _, e := range es {
		if e.Name() != "pkgs" && !strings.HasPrefix(e.Name(), "in") {
			t.Errorf("found %q outside the package cache; want nothing written outside", e.Name())
		}
	}
}

// wantFormatError extracts archive into a fresh package cache and wants a
// *FormatError whose message holds want, with nothing left in the cache.
func wantFormatError(t *testing.T, archive, want string) {
	t.Helper()
	pkgs := t.TempDir()
	_, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Extract(%s) = %v; want a FormatError: %s", filepath.Base(archive), err, want)
	}
	if got := leftovers(t, pkgs); len(got) != 0 {
		t.Errorf("pkgs holds %v after a refused package; want it empty", got)
	}
}

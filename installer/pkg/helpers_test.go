package pkg

import (
	"os"
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

package pkg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtures returns ../shared/fixtures/conda-packages, found by walking up
// from the test's folder, or skips the test.
func fixtures(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "fixtures", "conda-packages")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no shared/fixtures/conda-packages above the test folder; the real-package tests run in CI, where shared/ sits beside the checkout")
		}
		dir = parent
	}
}

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

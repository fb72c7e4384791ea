package installer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/internal/condatest"
)

// A package that unpacks to far more than its archive (80 MiB of zeros in
// a few kB, past the 64 MiB + 1000 × archive a package of unknown size
// may unpack to) is built and installed by the bundle's own unpacked
// size, and repair reads it by that size too: with its record readable,
// repair fell back to the default, refused the package, and the damaged
// file was never put back (audit AS 2).
func TestRepairReadsABigPackageByTheBundlesSize(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	zeros := make([]byte, 80<<20)
	big := condatest.Spec{Name: "zeros", Version: "1", Build: "0", Subdir: "linux-64",
		Files: []condatest.File{{Path: "share/zeros.bin", Data: zeros}}}
	b := testkit.BundleOfSpecs(t, "name = \"Acme\"\nid = \"org.acme\"\nversion = \"2026.12.0\"\n", "", testkit.Program("python", "3.12.1"), big)
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(prefix, "envs", "team", "share", "zeros.bin")
	f, err := os.OpenFile(victim, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("x"), 100)
	f.Close()
	if res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatalf("Repair: %v (left %+v)", err, res.Left)
	}
	if got, err := os.ReadFile(victim); err != nil || !bytes.Equal(got, zeros) {
		t.Fatalf("after repair %s is not the package's file: %v", victim, err)
	}
}

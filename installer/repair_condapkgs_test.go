package installer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/maintain"
	"onboard/installer/state"
)

// An install without a package cache stays one when conda puts one of the
// bundle's packages into PREFIX/pkgs (a conda create or install from the
// bundle's archives does): repair puts back the damaged path alone and
// writes nothing there. It took the bundle's package in pkgs/ for the
// install's cache, copied archives and extracted copies into it and
// re-linked whole packages, with the env's python placing noarch files
// elsewhere where conda had rewritten python's record.
func TestRepairKeepsNoCacheWhenCondaFilledPkgs(t *testing.T) {
	_, _, o := installedForAUser(t)
	prefix := o.Prefix
	man, err := state.ReadManifest(prefix)
	if err != nil || man.PackageCache == nil || *man.PackageCache {
		t.Fatalf("the manifest's package_cache: %+v, %v; want false", man, err)
	}
	pl := o.Bundle.Platform("linux-64")
	pkgs := filepath.Join(prefix, "pkgs")
	os.MkdirAll(pkgs, 0o755)
	// what conda leaves in its cache after installing a package of the bundle
	os.MkdirAll(filepath.Join(pkgs, pl.Base[0].Dist(), "info"), 0o755)
	before, _ := os.ReadDir(pkgs)
	var damaged string
	for _, f := range []string{"bin/python", "bin/tool"} {
		if _, err := os.Stat(filepath.Join(prefix, f)); err == nil {
			damaged = filepath.Join(prefix, f)
			break
		}
	}
	if damaged == "" {
		t.Fatal("no program of the small bundle in the base")
	}
	want, _ := os.ReadFile(damaged)
	os.WriteFile(damaged, []byte("damaged\n"), 0o755)
	res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(damaged); string(got) != string(want) {
		t.Fatalf("%s was not put back", damaged)
	}
	if after, _ := os.ReadDir(pkgs); len(after) != len(before) {
		t.Fatalf("repair wrote into conda's pkgs/: %d entries, %d before", len(after), len(before))
	}
	for _, f := range res.Fixed {
		if strings.Contains(f.Action, "archive restored") || f.Action == "re-linked" {
			t.Fatalf("repair took pkgs/ for the install's cache: %+v", res.Fixed)
		}
	}
}

// An env put back whole (its folder lost) gets what the install wrote:
// each package of the bundle requested with its exact pin, in its record
// and in the history's "# update specs". Without them conda took every
// package for a dependency, and its update --all removed the bundle's
// packages.
func TestRepairPutsBackTheRequestedSpecs(t *testing.T) {
	_, _, o := installedForAUser(t)
	team := filepath.Join(o.Prefix, "envs", "team")
	installed := map[string]string{}
	recs, _ := filepath.Glob(filepath.Join(team, "conda-meta", "*.json"))
	for _, r := range recs {
		rec, err := state.ReadRecord(r)
		if err != nil || len(rec.RequestedSpecs) != 1 {
			t.Fatalf("the install's record %s: %+v, %v; want one requested spec", r, rec, err)
		}
		installed[rec.Dist()] = rec.RequestedSpecs[0]
	}
	os.RemoveAll(team) // lost, not removed with conda: its environments.txt line stays
	if _, err := maintain.Repair(context.Background(), o.Prefix, maintain.RepairOptions{}); err != nil {
		t.Fatal(err)
	}
	for dist, spec := range installed {
		rec, err := state.ReadRecord(filepath.Join(team, "conda-meta", dist+".json"))
		if err != nil || len(rec.RequestedSpecs) != 1 || rec.RequestedSpecs[0] != spec {
			t.Errorf("the record of %s put back: %+v, %v; want the install's requested spec %q", dist, rec, err, spec)
		}
	}
	hist, _ := os.ReadFile(filepath.Join(team, "conda-meta", "history"))
	for _, spec := range installed {
		if !strings.Contains(string(hist), "# update specs: ") || !strings.Contains(string(hist), "'"+spec+"'") {
			t.Errorf("the history put back does not request %s:\n%s", spec, hist)
		}
	}
}

// A package conda added to an env from the bundle's own archives (base's
// env lacks it; another env of the bundle has it) is repaired from the
// install's own bundle, found by its dist and sha256. Repair gave up, and
// pointed at a conda command that cannot work offline.
func TestRepairTakesACondaAddedPackageFromTheInstallsBundle(t *testing.T) {
	_, _, o := installedForAUser(t)
	prefix := o.Prefix
	team := filepath.Join(prefix, "envs", "team")
	recs, _ := filepath.Glob(filepath.Join(team, "conda-meta", "tool-*.json"))
	if len(recs) != 1 {
		t.Fatalf("team's tool record: %v", recs)
	}
	// what conda's install of that archive into the base leaves
	data, _ := os.ReadFile(recs[0])
	os.WriteFile(filepath.Join(prefix, "conda-meta", filepath.Base(recs[0])), data, 0o644)
	tool, _ := os.ReadFile(filepath.Join(team, "bin", "tool"))
	os.WriteFile(filepath.Join(prefix, "bin", "tool"), tool, 0o755)
	os.WriteFile(filepath.Join(prefix, "bin", "tool"), []byte("damaged\n"), 0o755)
	res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{})
	if err != nil {
		t.Fatalf("repair: %v (%+v)", err, res)
	}
	if got, _ := os.ReadFile(filepath.Join(prefix, "bin", "tool")); string(got) != string(tool) {
		t.Fatal("base's bin/tool was not put back")
	}
}

package maintain

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/internal/condatest"
)

// TestVerifyRepairCustomSitePackages installs a noarch: python package
// against a python whose python_site_packages_path (CEP 17) is Debian's
// lib/python3/dist-packages, not lib/pythonX.Y/site-packages. Verify must
// find every file where it was linked (files[i] of paths_data[i]), and
// repair must put back a damaged one for good.
func TestVerifyRepairCustomSitePackages(t *testing.T) {
	dir := t.TempDir()
	py, err := condatest.WriteConda(dir, condatest.Spec{
		Name: "python", Version: "3.11.2", Build: "deb_0", Subdir: "linux-64",
		PythonSitePackagesPath: "lib/python3/dist-packages",
		Files:                  []condatest.File{{Path: "lib/python3.11/os.py", Data: []byte("# os\n")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := condatest.WriteConda(dir, condatest.Spec{
		Name: "greet", Version: "1.0", Build: "py_0", Noarch: "python", Depends: []string{"python"},
		Files: []condatest.File{
			{Path: "site-packages/greet/__init__.py", Data: []byte("def main():\n    print('hi')\n")},
			{Path: "site-packages/greet/data.txt", Data: []byte("some data\n")},
			{Path: "site-packages/greet-1.0.dist-info/METADATA", Data: []byte("Name: greet\n")},
		},
		EntryPoints: []string{"greet = greet:main"},
	})
	if err != nil {
		t.Fatal(err)
	}
	fi := installArchives(t, map[string][]string{BaseEnv: {py, lib}})
	for _, rel := range []string{"lib/python3/dist-packages/greet/__init__.py", "lib/python3/dist-packages/greet/data.txt", "bin/greet"} {
		if _, err := os.Stat(filepath.Join(fi.Prefix, rel)); err != nil {
			t.Fatalf("the install did not link %s: %v", rel, err)
		}
	}
	opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt}
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
		t.Fatalf("verify of a fresh install found %v: %v", kinds(r.Problems), err)
	}
	before := testkit.Snapshot(t, fi.Prefix)

	damaged := filepath.Join(fi.Prefix, "lib/python3/dist-packages/greet/data.txt")
	testkit.ReplaceFile(t, damaged, "garbage")
	os.Remove(filepath.Join(fi.Prefix, "lib/python3/dist-packages/greet/__init__.py"))
	r, _ := Verify(context.Background(), fi.Prefix, opts)
	if r == nil {
		t.Fatal("verify returned no report")
	}
	got := kinds(r.Problems)
	sort.Strings(got)
	want := []string{
		"base greet-1.0-py_0 lib/python3/dist-packages/greet/__init__.py missing",
		"base greet-1.0-py_0 lib/python3/dist-packages/greet/data.txt wrong_size",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("verify found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
		t.Fatalf("after repair verify found %v: %v", kinds(r.Problems), err)
	}
	if diff := testkit.DiffSnapshots(before, testkit.Snapshot(t, fi.Prefix)); len(diff) > 0 {
		sort.Strings(diff)
		t.Fatalf("after repair the tree differs from the fresh install:\n%s", strings.Join(diff, "\n"))
	}
	// A second repair has nothing left to do.
	res, err = Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if err != nil || len(res.Fixed) != 0 {
		t.Fatalf("second repair: fixed %v, err %v; want nothing to do", res.Fixed, err)
	}
}

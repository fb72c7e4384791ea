package maintain

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/prefix"
	"onboard/installer/state"
)

// moveToCondaCache moves a package's archive and extracted copy out of
// PREFIX/pkgs into cache, and points its record there, as in a prefix
// whose package cache is conda's own.
func moveToCondaCache(t *testing.T, fi *testkit.Fixture, dist, fn, cache string) {
	t.Helper()
	os.MkdirAll(cache, 0o755)
	for _, name := range []string{fn, dist} {
		if err := os.Rename(filepath.Join(fi.Prefix, "pkgs", name), filepath.Join(cache, name)); err != nil {
			t.Fatal(err)
		}
	}
	rp := filepath.Join(fi.Prefix, "conda-meta", dist+".json")
	r, err := state.ReadRecord(rp)
	if err != nil {
		t.Fatal(err)
	}
	r.PackageTarballFullPath, r.ExtractedPackageDir = filepath.Join(cache, fn), filepath.Join(cache, dist)
	r.Link.Source = r.ExtractedPackageDir
	if _, err := prefix.WriteRecord(fi.Prefix, r); err != nil {
		t.Fatal(err)
	}
}

// Repair finds the package where the record says it is: the extracted
// copy (extracted_package_dir) or the archive (package_tarball_full_path)
// in conda's package cache, outside PREFIX/pkgs and the bundle; and an
// explicit --bundle when neither is left and the install has no manifest.
func TestRepairFindsPackagesWhereTheRecordSays(t *testing.T) {
	for _, tt := range []struct {
		name      string
		prepare   func(cache string)
		useBundle bool
	}{
		{"extracted copy in conda's cache", func(string) {}, false},
		{"only the archive in conda's cache", func(cache string) { os.RemoveAll(filepath.Join(cache, zlibDist)) }, false},
		{"nothing left but an explicit --bundle", func(cache string) { os.RemoveAll(cache) }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fi := installFixtures(t)
			cache := filepath.Join(t.TempDir(), "conda-pkgs")
			moveToCondaCache(t, fi, zlibDist, zlibDist+".tar.bz2", cache)
			os.RemoveAll(state.Dir(fi.Prefix)) // a prefix onboard did not install
			opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt, SkipLaunchers: true}
			if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
				t.Fatalf("before the damage: %v: %v", kinds(r.Problems), err)
			}
			testkit.ReplaceFile(t, filepath.Join(fi.Prefix, "include", "zlib.h"), "garbage")
			tt.prepare(cache)
			ro := RepairOptions{EnvironmentsTxt: fi.EnvTxt}
			if tt.useBundle {
				ro.BundlePath = fi.Bundle
			}
			if res, err := Repair(context.Background(), fi.Prefix, ro); err != nil {
				t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
			}
			if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
				t.Fatalf("after repair: %v: %v", kinds(r.Problems), err)
			}
		})
	}
}

// An install without a package cache, once conda has made PREFIX/pkgs
// (any conda command makes one, for its index cache), is still repaired as
// one without: the damaged package is read into a scratch folder and only
// its damaged path is linked again. Taking conda's pkgs/ for the install's
// cache copied the archive and an extracted copy into it and re-linked the
// whole package.
func TestRepairTakesNotCondasPkgsForTheInstallsCache(t *testing.T) {
	fi := installFixtures(t)
	pkgs := filepath.Join(fi.Prefix, "pkgs")
	os.RemoveAll(pkgs) // an install without a package cache…
	os.MkdirAll(filepath.Join(pkgs, "cache"), 0o755)
	testkit.MustWrite(t, filepath.Join(pkgs, "urls.txt"), "") // …where conda ran since
	m, err := state.ReadMeta(fi.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	var dist, damaged string
	for _, r := range m.Records {
		for _, f := range r.Files {
			if fi, err := os.Lstat(filepath.Join(fi.Prefix, f)); err == nil && fi.Mode().IsRegular() && dist == "" {
				dist, damaged = r.Dist(), f
			}
		}
	}
	if dist == "" {
		t.Fatal("no regular file in the base")
	}
	full := filepath.Join(fi.Prefix, filepath.FromSlash(damaged))
	want, _ := os.ReadFile(full)
	testkit.MustWrite(t, full, "damaged")
	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if err != nil {
		t.Fatalf("repair: %v", err)
	}
	if got, _ := os.ReadFile(full); string(got) != string(want) {
		t.Fatalf("%s was not put back", damaged)
	}
	ents, _ := os.ReadDir(pkgs)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 2 {
		t.Errorf("conda's pkgs/ holds %v after the repair; want only its cache and urls.txt", names)
	}
	for _, f := range res.Fixed {
		if f.Package == dist && (f.Action == "re-linked" || strings.Contains(f.Action, "archive restored")) {
			t.Errorf("the whole package was linked again, or its archive copied: %+v", f)
		}
	}
}

// A damaged package that conda installed (the bundle does not list it)
// whose archive is gone: repair says to repair it with conda (its own
// force-reinstall, observation G6), and its hint does not send the user to
// a reinstall, which would drop every package conda added.
func TestRepairOfACondaPackageSaysToUseConda(t *testing.T) {
	fi := installFixtures(t)
	cache := filepath.Join(t.TempDir(), "conda-pkgs")
	moveToCondaCache(t, fi, zlibDist, zlibDist+".tar.bz2", cache)
	os.RemoveAll(state.Dir(fi.Prefix)) // the bundle lists none of it, and none is kept
	testkit.ReplaceFile(t, filepath.Join(fi.Prefix, "include", "zlib.h"), "garbage")
	os.RemoveAll(cache)
	_, err := Repair(context.Background(), fi.Prefix, RepairOptions{EnvironmentsTxt: fi.EnvTxt})
	var re *RepairError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), `conda install -n base --force-reinstall "zlib==1.2.11=h7b6447c_3"`) {
		t.Fatalf("repair of a conda package without its archive: %v", err)
	}
	if h := re.Hint(); !strings.Contains(h, "repaired with conda") || strings.Contains(h, "reinstall (") {
		t.Fatalf("hint: %s", h)
	}
}

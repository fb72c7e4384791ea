package maintain

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
)

// fileID is what tells whether a path was written again: its inode and
// modification time.
type fileID struct {
	ino   uint64
	mtime time.Time
}

// ids records the fileID of every file and link under root (folders
// change as their entries do), but those under skip (relative, with "/").
func ids(t *testing.T, root string, skip ...string) map[string]fileID {
	t.Helper()
	out := map[string]fileID{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		for _, s := range skip {
			if rel == s {
				return filepath.SkipDir
			}
		}
		if d.IsDir() {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		id := fileID{mtime: fi.ModTime()}
		id.ino, _, _ = testkit.InodeLinks(fi)
		out[rel] = id
		return nil
	})
	return out
}

// A file deleted from a package: repair links that one path again from
// the package copy, and leaves the package's other files and its record
// as they were.
func TestRepairRelinksOnlyTheDamagedPaths(t *testing.T) {
	fi := installFixtures(t)
	p := func(rel string) string { return filepath.Join(fi.Prefix, filepath.FromSlash(rel)) }
	before := testkit.Snapshot(t, fi.Prefix)
	want, _ := os.ReadFile(p("include/zlib.h"))
	os.Remove(p("include/zlib.h"))
	idsBefore := ids(t, fi.Prefix, ".onboard", "envs")
	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	if want := []Fix{{Env: BaseEnv, Package: zlibDist, Action: "re-linked 1 damaged path"}}; !reflect.DeepEqual(res.Fixed, want) {
		t.Fatalf("fixed %+v; want %+v", res.Fixed, want)
	}
	if got, _ := os.ReadFile(p("include/zlib.h")); string(got) != string(want) {
		t.Fatal("include/zlib.h was not put back")
	}
	if res.After.Files != 1 || res.After.Packages != 1 {
		t.Fatalf("the second check looked at %d path(s) of %d package(s); want the one path re-linked", res.After.Files, res.After.Packages)
	}
	after := ids(t, fi.Prefix, ".onboard", "envs")
	for rel, id := range idsBefore {
		if rel == "conda-meta/history" {
			continue // the repair's entry
		}
		if after[rel] != id {
			t.Errorf("%s was written again", rel)
		}
	}
	if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, fi.Prefix)); len(d) > 0 {
		t.Fatalf("after repair the tree differs from the fresh install: %v", d)
	}
}

// installOnePass installs the fixture bundle with Install (no package
// cache: each package read once from the bundle) into a new prefix.
func installOnePass(t *testing.T, fi *testkit.Fixture) string {
	t.Helper()
	t.Setenv("HOME", filepath.Join(t.TempDir(), "home"))
	b, err := bundle.Open(fi.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	prefix := filepath.Join(t.TempDir(), "onepass")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatalf("Install: %v", err)
	}
	if r, err := Verify(context.Background(), prefix, VerifyOptions{}); err != nil {
		t.Fatalf("a fresh install verified with %v: %v", kinds(r.Problems), err)
	}
	return prefix
}

// Repair reads from the bundle only the packages that are damaged, and
// gives back the fresh install byte for byte.
func TestRepairExtractsOnlyTheDamagedPackages(t *testing.T) {
	fi := installFixtures(t)
	prefix := installOnePass(t, fi)
	before := testkit.Snapshot(t, prefix)
	os.Remove(filepath.Join(prefix, "include", "zlib.h"))
	os.Remove(filepath.Join(prefix, "envs", "py", "lib", "python3.99t", "site-packages", "sample.py"))
	res, err := Repair(context.Background(), prefix, RepairOptions{BundlePath: fi.Bundle})
	if err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	var extracted []string
	for _, f := range res.Fixed {
		if strings.HasPrefix(f.Action, "re-extracted") {
			extracted = append(extracted, f.Env+" "+f.Package)
			if f.Package == sampDist && !strings.Contains(f.Action, "the damaged files of") {
				t.Errorf("all of %s was extracted (%s); want only its damaged file", f.Package, f.Action)
			}
		}
	}
	sort.Strings(extracted)
	if want := []string{"base " + zlibDist, "py " + sampDist}; !reflect.DeepEqual(extracted, want) {
		t.Fatalf("extracted %v; want only the damaged packages %v (fixed: %+v)", extracted, want, res.Fixed)
	}
	if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, prefix)); len(d) > 0 {
		sort.Strings(d)
		t.Fatalf("after repair the tree differs from the fresh install:\n%s", strings.Join(d, "\n"))
	}
}

// A record that names a path its package does not make: the damaged
// file cannot be taken alone, so the package (extracted whole after all)
// is linked whole and its record rewritten, as the install wrote it.
func TestRepairOfAPathThePackageDoesNotMake(t *testing.T) {
	fi := installFixtures(t)
	prefix := installOnePass(t, fi)
	before := testkit.Snapshot(t, prefix)
	recPath := filepath.Join(prefix, "envs", "py", "conda-meta", sampDist+".json")
	data, _ := os.ReadFile(recPath)
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	pd := rec["paths_data"].(map[string]any)
	pd["paths"] = append(pd["paths"].([]any), map[string]any{"_path": "share/extra.txt", "path_type": "hardlink",
		"sha256": sum("x"), "sha256_in_prefix": sum("x"), "size_in_bytes": 1})
	rec["files"] = append(rec["files"].([]any), "share/extra.txt")
	data, _ = json.MarshalIndent(rec, "", "  ")
	testkit.MustWrite(t, recPath, string(data))
	os.Remove(filepath.Join(prefix, "envs", "py", "lib", "python3.99t", "site-packages", "sample.py"))

	res, err := Repair(context.Background(), prefix, RepairOptions{BundlePath: fi.Bundle})
	if err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	var actions []string
	for _, f := range res.Fixed {
		actions = append(actions, f.Action)
	}
	if got := strings.Join(actions, "; "); !strings.Contains(got, "re-extracted "+sampDist+" from the bundle") || !strings.Contains(got, "re-linked") ||
		strings.Contains(got, "damaged path") {
		t.Fatalf("fixed %q; want the package extracted and linked whole", got)
	}
	if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, prefix)); len(d) > 0 {
		sort.Strings(d)
		t.Fatalf("after repair the tree differs from the fresh install:\n%s", strings.Join(d, "\n"))
	}
}

// Verify and repair of one env (issue #14): damage in one env is not seen
// by a check of the other, and a repair of it leaves the other alone,
// damage included.
func TestVerifyAndRepairOneEnv(t *testing.T) {
	fi := installFixtures(t)
	p := func(rel string) string { return filepath.Join(fi.Prefix, filepath.FromSlash(rel)) }
	check := func(env string) *Report {
		t.Helper()
		r, err := Verify(context.Background(), fi.Prefix, VerifyOptions{EnvironmentsTxt: fi.EnvTxt, Env: env})
		if r == nil {
			t.Fatalf("Verify --env %s: %v", env, err)
		}
		return r
	}
	os.Remove(p("envs/py/lib/python3.99t/site-packages/sample.py"))
	pyProblem := []string{"py " + sampDist + " lib/python3.99t/site-packages/sample.py missing"}

	if r := check(BaseEnv); !r.Healthy || !reflect.DeepEqual(r.Envs, []string{BaseEnv}) || r.Env != BaseEnv {
		t.Fatalf("verify --env base: healthy %v, envs %v, problems %v; want healthy, [base]", r.Healthy, r.Envs, kinds(r.Problems))
	}
	if r := check("py"); !reflect.DeepEqual(kinds(r.Problems), pyProblem) || !reflect.DeepEqual(r.Envs, []string{"py"}) {
		t.Fatalf("verify --env py found %v in %v; want %v", kinds(r.Problems), r.Envs, pyProblem)
	}
	_, err := Verify(context.Background(), fi.Prefix, VerifyOptions{Env: "nope"})
	var ue *engine.UsageError
	if !errors.As(err, &ue) || engine.ExitCode(err) != engine.ExitUsage || !strings.Contains(err.Error(), "base, py") {
		t.Fatalf("verify --env nope: %v; want a usage error that names the envs", err)
	}

	// base damaged too: a repair of py leaves base as it is
	os.Remove(p("include/zlib.h"))
	baseIDs := ids(t, fi.Prefix, ".onboard", "envs", "pkgs")
	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt, Env: "py"})
	if err != nil {
		t.Fatalf("Repair --env py: %v (left %v)", err, kinds(res.Left))
	}
	if !reflect.DeepEqual(kinds(res.Before), pyProblem) || len(res.Left) != 0 || res.Env != "py" {
		t.Fatalf("repair --env py: before %v, left %v; want %v, none", kinds(res.Before), kinds(res.Left), pyProblem)
	}
	for _, f := range res.Fixed {
		if f.Env != "py" {
			t.Fatalf("repair --env py fixed %+v", f)
		}
	}
	if d := ids(t, fi.Prefix, ".onboard", "envs", "pkgs"); !reflect.DeepEqual(d, baseIDs) {
		t.Fatal("repair --env py wrote in base")
	}
	r, _ := Verify(context.Background(), fi.Prefix, VerifyOptions{EnvironmentsTxt: fi.EnvTxt})
	if want := []string{"base " + zlibDist + " include/zlib.h missing"}; !reflect.DeepEqual(kinds(r.Problems), want) {
		t.Fatalf("after repair --env py the install has %v; want base's damage only, %v", kinds(r.Problems), want)
	}
}

package maintain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/state"
	"onboard/internal/condatest"
)

// Verify and repair read conda-meta under one policy (state.ReadMeta), so
// they agree on what an env holds when it has bad records: verify reports
// a corrupt record and one named after another package; repair rebuilds
// the lost history from the good records only (it used to give up when
// any record was unreadable), moves the bad ones aside, and leaves the
// install healthy.
func TestVerifyAndRepairAgreeOnBadRecords(t *testing.T) {
	fi := installFixtures(t)
	py := filepath.Join(fi.Prefix, "envs", "py")
	meta := state.MetaDir(py)
	good, err := os.ReadFile(filepath.Join(meta, sampDist+".json"))
	if err != nil {
		t.Fatal(err)
	}
	testkit.MustWrite(t, filepath.Join(meta, "junk-1-0.json"), "{")
	testkit.MustWrite(t, filepath.Join(meta, "ghost-1-0.json"), string(good))
	if err := os.Remove(filepath.Join(meta, "history")); err != nil {
		t.Fatal(err)
	}
	opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt}
	r, _ := Verify(context.Background(), fi.Prefix, opts)
	if r == nil {
		t.Fatal("Verify did not run")
	}
	want := []string{"py  conda-meta/history history", "py ghost-1-0 conda-meta/ghost-1-0.json unreadable_record",
		"py junk-1-0 conda-meta/junk-1-0.json unreadable_record"}
	if got := kinds(r.Problems); !reflect.DeepEqual(got, want) {
		t.Fatalf("verify found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	if !res.After.Healthy {
		t.Fatalf("after repair: %v", kinds(res.Left))
	}
	// The history names exactly the env's good records: those verify
	// checked, none of the bad ones.
	hist, err := os.ReadFile(filepath.Join(meta, "history"))
	if err != nil {
		t.Fatalf("repair did not write the history: %v", err)
	}
	var added []string
	for _, line := range strings.Split(string(hist), "\n") {
		if _, dist, ok := strings.Cut(line, "::"); ok && strings.HasPrefix(line, "+") {
			added = append(added, dist)
		}
	}
	sort.Strings(added)
	wantDists := fi.Man.EnvDists()["py"]
	sort.Strings(wantDists)
	if !reflect.DeepEqual(added, wantDists) {
		t.Errorf("the rebuilt history adds %v; want the env's records %v", added, wantDists)
	}
	aside, _ := os.ReadDir(state.BadRecordsDir(fi.Prefix, "py"))
	var names []string
	for _, e := range aside {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{"ghost-1-0.json", "junk-1-0.json"}) {
		t.Errorf("records set aside: %v; want the two bad ones", names)
	}
	m, err := state.ReadMeta(py)
	if err != nil || len(m.Bad) != 0 || len(m.Records) != len(wantDists) {
		t.Errorf("conda-meta after repair: %d records, bad %v, %v", len(m.Records), m.Bad, err)
	}
}

// The folder bad records go to is onboard's: made a symlink out of the
// install, repair refuses to move a record there (and overwrite a file
// of the user's); a record set aside before is kept, not overwritten.
func TestBadRecordsStayInTheInstall(t *testing.T) {
	fi := installFixtures(t)
	meta := state.MetaDir(filepath.Join(fi.Prefix, "envs", "py"))
	outside := t.TempDir()
	testkit.MustWrite(t, filepath.Join(outside, "junk-1-0.json"), "the user's")
	bad := state.BadRecordsDir(fi.Prefix, "py")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	if err := os.Symlink(outside, bad); err != nil {
		t.Skip(err)
	}
	testkit.MustWrite(t, filepath.Join(meta, "junk-1-0.json"), "{")
	Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if b, _ := os.ReadFile(filepath.Join(outside, "junk-1-0.json")); string(b) != "the user's" {
		t.Fatalf("repair wrote through the symlinked bad-records folder: %q", b)
	}
	os.Remove(bad)
	testkit.MustWrite(t, filepath.Join(bad, "junk-1-0.json"), "set aside before")
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(bad, "junk-1-0.json")); string(b) != "set aside before" {
		t.Errorf("the record set aside before was overwritten: %q", b)
	}
}

// A package with more damaged paths than verify lists (1,000): the first
// are listed, one "more" problem counts the rest, so that verify's memory
// does not grow with a record's length; repair links the whole package
// again.
func TestManyDamagedPathsOfOnePackage(t *testing.T) {
	var files []condatest.File
	for i := range 1500 {
		files = append(files, condatest.File{Path: fmt.Sprintf("share/many/f%04d.txt", i), Data: []byte(fmt.Sprint(i))})
	}
	archive, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "many", Version: "1", Build: "0", Subdir: "linux-64", Files: files})
	if err != nil {
		t.Fatal(err)
	}
	fi := installArchives(t, map[string][]string{BaseEnv: {archive}})
	os.RemoveAll(filepath.Join(fi.Prefix, "share", "many"))
	r, _ := Verify(context.Background(), fi.Prefix, VerifyOptions{EnvironmentsTxt: fi.EnvTxt})
	var more []Problem
	for _, p := range r.Problems {
		if p.Kind == ProblemMore {
			more = append(more, p)
		}
	}
	if len(r.Problems) != 1001 || len(more) != 1 || !strings.Contains(more[0].Detail, "500 more") {
		t.Fatalf("verify: %d problems, %v; want 1,000 listed and one saying 500 more", len(r.Problems), more)
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(fi.Prefix, "share", "many")); len(ents) != 1500 {
		t.Fatalf("after repair share/many holds %d files; want 1,500", len(ents))
	}
}

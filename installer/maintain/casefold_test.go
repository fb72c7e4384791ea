package maintain

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/internal/testinstall"
	"onboard/installer/state"
	"onboard/internal/condatest"
	"onboard/internal/pathfold"
)

// Where names ignore case (Windows, macOS), loser's share/README and
// winner's share/readme are one file, which winner, linked last, holds.
// Verify finds it healthy (unseen, loser's record called it altered, or
// missing here), and a repair that links loser again leaves winner's
// file alone (unseen, it wrote loser's bytes over it, and the next verify
// called winner's file altered: a loop). This file system keeps the two
// spellings apart, so loser's spelling stays absent when nothing writes
// it, as a folding one would show winner's bytes there.
func TestFoldingHostClashIsHealthyAndRepairKeepsTheWinner(t *testing.T) {
	t.Cleanup(pathfold.Set(true))
	dir := t.TempDir()
	var archives []string
	for _, s := range []condatest.Spec{
		{Name: "loser", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
			Files: []condatest.File{{Path: "share/README", Data: []byte("from loser\n")}, {Path: "share/loser.txt", Data: []byte("loser\n")}}},
		{Name: "winner", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic", Depends: []string{"loser"},
			Files: []condatest.File{{Path: "share/readme", Data: []byte("from winner\n")}}},
	} {
		a, err := condatest.WriteConda(dir, s)
		if err != nil {
			t.Fatal(err)
		}
		archives = append(archives, a)
	}
	fi := testinstall.Archives(t, map[string][]string{state.BaseEnv: archives})
	p := func(rel string) string { return filepath.Join(fi.Prefix, filepath.FromSlash(rel)) }
	wantWinner := func(when string) {
		t.Helper()
		if b, err := os.ReadFile(p("share/readme")); string(b) != "from winner\n" {
			t.Errorf("%s: share/readme = %q, %v; want winner's", when, b, err)
		}
		if _, err := os.Lstat(p("share/README")); err == nil {
			t.Errorf("%s: loser's share/README was written (on Windows or macOS, over winner's file)", when)
		}
	}
	wantWinner("after the install")
	opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt, SkipLaunchers: true}
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
		t.Fatalf("a fresh install verified with %v: %v", kinds(r.Problems), err)
	}
	// loser's record gone: repair links all of loser again.
	if err := os.Remove(p("conda-meta/loser-1-0.json")); err != nil {
		t.Fatal(err)
	}
	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	if len(res.Fixed) == 0 {
		t.Fatal("repair fixed nothing; want loser linked again")
	}
	wantWinner("after the repair")
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
		t.Fatalf("after the repair, verify found %v: %v", kinds(r.Problems), err)
	}
}

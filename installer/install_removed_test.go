package installer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/internal/seam"
	"onboard/installer/internal/testkit"
)

// Another program deletes the install as an upgrade begins, after this
// run locked it: the error says so (it blamed "another onboard", this
// run's own lock), and nothing of onboard's is left in the folder, which
// a later install then takes (it was stuck: "not empty (.onboard)").
// Audit T 5.
func TestUpgradeOfAnInstallDeletedAsItBegins(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	old := seam.Crash
	t.Cleanup(func() { seam.Crash = old })
	seam.Crash = func(point string) {
		if point == "begun" {
			os.RemoveAll(prefix)
		}
	}
	newer := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}
	_, err := Install(t.Context(), newer)
	var te *TargetError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "deleted by another program as the upgrade began") {
		t.Fatalf("Install = %v; want a *TargetError saying the install was deleted", err)
	}
	if ents, _ := os.ReadDir(prefix); len(ents) != 0 {
		t.Fatalf("the failed upgrade left %v in the folder", ents)
	}
	seam.Crash = old
	if _, err := Install(t.Context(), newer); err != nil || installed(t, prefix) != "2026.12.0/linux-64" {
		t.Fatalf("an install afterwards: %v, %s", err, installed(t, prefix))
	}
}

// Another program deletes part of the install while it is being made: the
// install fails (it exited 0, and verify then found conda's history and
// records gone), and an upgrade puts the old version back. Audit T 5.
func TestInstallDeletedWhileMadeFails(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "acme")
	withEnv(t, fakeEnv(""))
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	fake := fakeEnv("")
	withEnv(t, func(ctx context.Context, req EnvRequest) (*EnvResult, error) {
		res, err := fake(ctx, req)
		if err == nil && filepath.Base(req.Prefix) == "team" {
			os.RemoveAll(filepath.Join(prefix, "conda-meta")) // the base's, made before
		}
		return res, err
	})
	_, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"})
	var te *TargetError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "deleted by another program while it was being made") ||
		!strings.Contains(err.Error(), filepath.Join(prefix, "conda-meta", "history")) {
		t.Fatalf("Install = %v; want a *TargetError naming what is gone", err)
	}
	if got := installed(t, prefix); got != "2026.11.0/linux-64" {
		t.Errorf("after the failed upgrade %s is installed; want the old version back", got)
	}
	if _, err := os.Stat(filepath.Join(prefix, "conda-meta", "history")); err != nil {
		t.Errorf("the old version put back lacks its history: %v", err)
	}
}

// A folder that holds nothing but an onboard state folder with a log and
// a lock (what a run that installed nothing leaves when another program
// deletes the install under it) is an empty folder to install into; one
// with anything more is not. Audit T 5.
func TestInstallIntoAFolderWithOnlyOnboardsLeftovers(t *testing.T) {
	withEnv(t, fakeEnv(""))
	for _, tt := range []struct {
		files []string
		ok    bool
	}{
		{nil, true},
		{[]string{"install.log"}, true},
		{[]string{"install.log", "lock"}, true},
		{[]string{"install.log", "notes.txt"}, false},
	} {
		prefix := filepath.Join(t.TempDir(), "acme")
		os.MkdirAll(filepath.Join(prefix, ".onboard"), 0o755)
		for _, f := range tt.files {
			testkit.MustWrite(t, filepath.Join(prefix, ".onboard", f), "x\n")
		}
		_, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"})
		if tt.ok && (err != nil || installed(t, prefix) != "2026.12.0/linux-64") {
			t.Errorf("%v: %v, %s installed", tt.files, err, installed(t, prefix))
		}
		// the leftovers are removed, not moved aside as an install, which
		// needs the folder above writable (an administrator's /opt/acme)
		if log, _ := os.ReadFile(filepath.Join(prefix, ".onboard", "install.log")); tt.ok &&
			(strings.Contains(string(log), "moved the old install aside") || !strings.Contains(string(log), "a log and a lock of a run that installed nothing")) {
			t.Errorf("%v: the install's log:\n%s", tt.files, log)
		}
		if !tt.ok && (err == nil || !strings.Contains(err.Error(), "is not empty")) {
			t.Errorf("%v: %v; want the folder refused as not empty", tt.files, err)
		}
	}
}

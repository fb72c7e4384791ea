package maintain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/assets"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/state"
)

// An install from a bundle that is no file of its own (the demo in the
// program's bytes) keeps the bundle's zip beside the maintenance app, so a
// later repair finds the packages with no --bundle and no package cache,
// offline; and a second install over a carried bundle file replaces it.
func TestRepairOfAnInstallFromBundleBytes(t *testing.T) {
	data := assets.DemoBundle()
	if data == nil {
		t.Skip("no demo bundle: run 'make demo'")
	}
	root := t.TempDir()
	t.Setenv("HOME", filepath.Join(root, "home"))
	b, err := bundle.OpenBytes(data, "embedded demo")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	prefix := filepath.Join(root, "demo")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatalf("Install: %v", err)
	}
	kept, err := os.ReadFile(state.BundlePath(prefix))
	if err != nil || string(kept) != string(data) {
		t.Fatalf("the bundle kept for repairs is not the bundle's zip (%d of %d bytes, %v)", len(kept), len(data), err)
	}
	if _, err := os.Stat(filepath.Join(prefix, "pkgs")); err == nil {
		t.Fatal("a package cache was written")
	}
	recs, _, err := readMetaRecords(prefix)
	if err != nil || len(recs) == 0 || len(recs[0].Files) == 0 {
		t.Fatalf("records: %v", err)
	}
	victim := filepath.Join(prefix, filepath.FromSlash(recs[0].Files[0]))
	want, _ := os.ReadFile(victim)
	if err := os.Remove(victim); err != nil {
		t.Fatal(err)
	}
	if res, err := Repair(context.Background(), prefix, RepairOptions{}); err != nil {
		t.Fatalf("Repair with no --bundle: %v (left %v)", err, kinds(res.Left))
	}
	if got, err := os.ReadFile(victim); err != nil || string(got) != string(want) {
		t.Fatalf("repair did not put %s back: %v", victim, err)
	}
}

// An install for one user keeps the installer's file for its repairs as a
// hard link of the download. A file written over that download in place
// (cp, curl -o) changes the kept copy too: verify says so, with the way
// out, where it said the install was fine until a repair failed.
func TestVerifyNotesAKeptBundleOverwrittenInPlace(t *testing.T) {
	data := assets.DemoBundle()
	if data == nil {
		t.Skip("no demo bundle: run 'make demo'")
	}
	root := t.TempDir()
	t.Setenv("HOME", filepath.Join(root, "home"))
	download := filepath.Join(root, "Downloads", "demo.zip")
	os.MkdirAll(filepath.Dir(download), 0o755)
	if err := os.WriteFile(download, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(download)
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(root, "demo")
	_, err = installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"})
	b.Close()
	if err != nil {
		t.Fatalf("Install: %v", err)
	}
	dl, _ := os.Stat(download)
	kept, err := os.Stat(state.BundlePath(prefix))
	if err != nil || !os.SameFile(dl, kept) {
		t.Skipf("the kept bundle is no hard link of the download here (%v)", err)
	}
	opts := VerifyOptions{EnvironmentsTxt: "-"}
	if r, err := Verify(context.Background(), prefix, opts); err != nil || strings.Contains(strings.Join(r.Notes, "\n"), "bundle") {
		t.Fatalf("fresh install: %v, notes %q", err, r.Notes)
	}
	if err := os.WriteFile(download, []byte("a newer download, half written"), 0o644); err != nil { // in place: the same inode
		t.Fatal(err)
	}
	r, err := Verify(context.Background(), prefix, opts)
	notes := strings.Join(r.Notes, "\n")
	if err != nil || !strings.Contains(notes, "the copy of the bundle the install keeps for repairs, "+state.BundlePath(prefix)+", is not usable") ||
		!strings.Contains(notes, "--bundle INSTALLER") {
		t.Fatalf("overwritten in place: %v, notes %q", err, r.Notes)
	}
	// a kept bundle that is a link leading nowhere (as installs before
	// audit AH kept a symlinked bundle) is named, not the maintenance app
	os.Remove(state.BundlePath(prefix))
	if err := os.Symlink("../../downloads/gone.zip", state.BundlePath(prefix)); err != nil {
		t.Fatal(err)
	}
	r, err = Verify(context.Background(), prefix, opts)
	if notes := strings.Join(r.Notes, "\n"); err != nil || !strings.Contains(notes, "the copy of the bundle the install keeps for repairs, "+state.BundlePath(prefix)+", is not usable") {
		t.Fatalf("kept bundle a dangling link: %v, notes %q", err, r.Notes)
	}
}

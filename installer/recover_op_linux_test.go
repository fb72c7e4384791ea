//go:build linux

package installer

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"onboard/installer/state"
)

// A fresh install into an empty folder whose parent may not be written
// (a read-only file system above a writable one, as an administrator's
// /opt above a folder made for the user) keeps its journal inside the
// folder; killed, it is rolled back to the empty folder, and run again
// it ends healthy.
func TestKilledInstallUnderReadOnlyParent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	f := newOpFixture(t)
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1048576"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	f.prefix = filepath.Join(dir, "acme")
	if err := os.Mkdir(f.prefix, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", f.prefix, "tmpfs", 0, "size=67108864"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Unmount(f.prefix, syscall.MNT_DETACH) })
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(state.OpJournalPath(f.prefix), nil, 0o644); err == nil {
		t.Fatal("the parent is writable: the test would not test the fallback")
	}
	killOp(t, f.request("install", "2026.11.0", opKill{Stage: StageLink, N: 2}))
	if _, err := os.Stat(state.OpJournalInsidePath(f.prefix)); err != nil {
		t.Fatalf("no journal inside the prefix: %v", err)
	}
	rec, err := RecoverOutcome(context.Background(), f.prefix, t.Logf)
	if err != nil || rec.Op != "install" || rec.Finished {
		t.Fatalf("recover: %+v, %v; want the install rolled back", rec, err)
	}
	if ents, _ := os.ReadDir(f.prefix); len(ents) != 0 {
		t.Fatalf("the folder holds %v after the rollback; want it empty as it was", ents)
	}
	f.install(t, "2026.11.0", nil)
	f.healthy(t, "2026.11.0")
}

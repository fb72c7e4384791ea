//go:build linux

package installer

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/internal/fixtures"
)

// mountTiny mounts a tmpfs of size bytes on a new folder, or skips the
// test where mounting is not allowed (not root, no CAP_SYS_ADMIN).
func mountTiny(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v): the full-disk test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// A disk that fills up part-way through: a clear error naming the cause,
// exit code 4, and the half-made prefix and package cache are gone.
func TestInstallEnvOnAFullDisk(t *testing.T) {
	disk := mountTiny(t, 256*1024) // the zlib package needs about 540 kB
	prefix := filepath.Join(disk, "env")
	req := EnvRequest{
		Prefix: prefix, Subdir: "linux-64", EnvironmentsTxt: "-",
		Packages: []PackageFile{{Path: filepath.Join(fixtures.Dir(t), "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2")}},
	}
	_, err := InstallEnv(context.Background(), req)
	if err == nil {
		t.Fatal("the install succeeded on a disk too small for it")
	}
	if !engine.IsDiskFull(err) {
		t.Fatalf("got %v; want an error caused by the full disk", err)
	}
	got := asTargetError(prefix, err, "the folder is as it was before")
	if ExitCode(got) != ExitTarget || HintFor(got) == "" {
		t.Fatalf("got %v (exit %d); want exit %d with a hint", got, ExitCode(got), ExitTarget)
	}
	// one cause, said once: the call that failed, on its path; not the
	// chain of steps around it (the log has those)
	msg := got.Error()
	if !strings.Contains(msg, "the disk became full; the folder is as it was before (") ||
		!strings.Contains(msg, "no space left on device)") || strings.Count(msg, ": ") > 2 || strings.Contains(msg, "failed to") {
		t.Fatalf("message %q; want the cause once, with the path and the system's reason in brackets", msg)
	}
	left, _ := os.ReadDir(disk)
	if len(left) != 0 {
		t.Fatalf("the full disk still holds %d entries after the failed install; want none", len(left))
	}
}

// A read-only disk is refused before anything is written, with exit code 4.
func TestInstallRefusesReadOnlyDisk(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_RDONLY, "size=1048576"); err != nil {
		t.Skipf("cannot mount a read-only tmpfs here (%v): the test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	withEnv(t, fakeEnv(""))
	_, err := Install(context.Background(), Options{Prefix: filepath.Join(dir, "acme"), Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"})
	if ExitCode(err) != ExitTarget || !strings.Contains(HintFor(err), "writable disk") {
		t.Fatalf("got %v (exit %d, hint %q); want exit %d with a hint about the read-only disk", err, ExitCode(err), HintFor(err), ExitTarget)
	}
	t.Logf("read-only disk: %v (hint: %s)", err, HintFor(err))
}

// A disk with no file entry (inode) left: the journal, the first file an
// install makes, cannot be created, and the hint says the disk is full,
// not to check permissions (audit AI 4).
func TestInstallOnADiskWithoutInodes(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=268435456,nr_inodes=1"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	withEnv(t, fakeEnv(""))
	_, err := Install(context.Background(), Options{Prefix: filepath.Join(dir, "acme"), Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"})
	if ExitCode(err) != ExitTarget || !strings.Contains(HintFor(err), "full") || strings.Contains(HintFor(err), "may write") {
		t.Fatalf("got %v (exit %d, hint %q); want exit %d with a hint that the disk is full", err, ExitCode(err), HintFor(err), ExitTarget)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the disk holds %d entries after the refused install", len(left))
	}
}

package installer

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/installer/state"
)

// TestInstallOnePassRepairsOffline installs a bundle with the real engine
// and no package cache, removes the bundle the install came from, damages
// the install, and repairs it from the bundle the install carries.
func TestInstallOnePassRepairsOffline(t *testing.T) {
	for _, carrier := range []string{"bundle file", "installer"} {
		t.Run(carrier, func(t *testing.T) {
			t.Setenv("HOME", t.TempDir())
			t.Setenv("XDG_DATA_HOME", "")
			b := testkit.SmallBundle(t, "2026.11.0")
			src := b.Path
			if carrier == "installer" {
				// An installer with the bundle appended (as `cat exe
				// bundle.zip` makes it) is the running program.
				exe := filepath.Join(t.TempDir(), "acme-installer")
				f, _ := os.Create(exe)
				f.Write([]byte("\x7fELF not really a program\n"))
				z, _ := os.Open(b.Path)
				io.Copy(f, z)
				z.Close()
				f.Close()
				os.Chmod(exe, 0o755) // it ran: verify checks the maintenance app is executable
				var err error
				if b, err = bundle.Open(exe); err != nil {
					t.Fatal(err)
				}
				defer b.Close()
				src = exe
				old := maintenanceSource
				maintenanceSource = func() (string, error) { return exe, nil }
				t.Cleanup(func() { maintenanceSource = old })
			}
			prefix := filepath.Join(t.TempDir(), "acme")
			if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(prefix, "pkgs")); err == nil {
				t.Error("pkgs/ was written without KeepPackageCache")
			}
			carried := bundleCopyPath(prefix)
			if carrier == "installer" {
				carried = maintenancePath(prefix)
			}
			if !sameFile(carried, src) {
				t.Fatalf("%s is not a hard link of %s", carried, src)
			}
			before := testkit.Snapshot(t, prefix)
			// The original goes away (a downloaded installer deleted),
			// then the install is damaged.
			b.Close()
			os.Remove(src)
			os.Remove(filepath.Join(prefix, "bin", "tool"))
			testkit.ReplaceFile(t, filepath.Join(prefix, "envs", "team", "bin", "python"), "#!/bin/sh\necho damaged\n")
			res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{})
			if err != nil {
				t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
			}
			if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, prefix)); len(d) > 0 {
				sort.Strings(d)
				t.Fatalf("after repair the tree differs from the fresh install:\n%s", strings.Join(d, "\n"))
			}
			if _, err := os.Stat(filepath.Join(prefix, "pkgs")); err == nil {
				t.Error("repair wrote a package cache")
			}
			ents, _ := os.ReadDir(state.Dir(prefix))
			for _, e := range ents {
				if strings.HasPrefix(e.Name(), "repair-") {
					t.Errorf("repair left its scratch folder %s", e.Name())
				}
			}
		})
	}
}

func TestCarryFileFallsBackToACopy(t *testing.T) {
	src := filepath.Join(t.TempDir(), "installer")
	os.WriteFile(src, []byte("program and bundle"), 0o755)
	other := "/dev/shm"
	if st, err := os.Stat(other); err != nil || !st.IsDir() {
		t.Skip("no second file system at /dev/shm")
	}
	dir, err := os.MkdirTemp(other, "carry-")
	if err != nil {
		t.Skip(err)
	}
	defer os.RemoveAll(dir)
	dst := filepath.Join(dir, "onboard")
	how, err := engine.CarryFile(src, dst, false)
	if err != nil {
		t.Fatal(err)
	}
	if sameFile(src, dst) && how != "hard link" {
		t.Fatalf("CarryFile said %q for a hard link", how)
	}
	if how == "hard link" {
		t.Skip("/dev/shm is on the same file system here")
	}
	got, _ := os.ReadFile(dst)
	st, _ := os.Stat(dst)
	if string(got) != "program and bundle" || st.Mode().Perm()&0o100 == 0 {
		t.Errorf("the %s holds %q with mode %v; want the same bytes, executable", how, got, st.Mode())
	}
}

func TestInstallKeepPackageCache(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	b := testkit.SmallBundle(t, "2026.11.0")
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", KeepPackageCache: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"pkgs/tool-1.0-0.conda", "pkgs/tool-1.0-0/info/repodata_record.json", "pkgs/urls.txt"} {
		if _, err := os.Stat(filepath.Join(prefix, p)); err != nil {
			t.Errorf("%s missing with KeepPackageCache: %v", p, err)
		}
	}
	if !sameFile(filepath.Join(prefix, "envs", "team", "bin", "tool"), filepath.Join(prefix, "pkgs", "tool-1.0-0", "bin", "tool")) {
		t.Error("envs/team/bin/tool is not a hard link of the package cache")
	}
}

// TestMaxRelPathCountsTheScratchFolder: packages are extracted into each
// env's .condatmp/pkgs/<dist>/, so the Windows path-length check must
// count that folder (and pkgs/<dist>/ with KeepPackageCache).
func TestMaxRelPathCountsTheScratchFolder(t *testing.T) {
	k := bundle.Package{Name: "tool", Version: "1.0", Build: "0", LongestPath: 100}
	b := &bundle.Bundle{Manifest: bundle.Manifest{Platforms: map[string]*bundle.Platform{
		"win-64": {Base: []bundle.Package{k}, Envs: map[string][]bundle.Package{"team": {k}}}}}}
	pl := b.Platform("win-64")
	if got, want := maxRelPath(pl, false), len("envs/team/.condatmp/pkgs/tool-1.0-0/")+100; got != want {
		t.Errorf("maxRelPath = %d; want %d (the env's scratch folder)", got, want)
	}
	if got, want := maxRelPath(pl, true), len("envs/team/")+100+noarchPythonGrowth; got != want {
		t.Errorf("maxRelPath with a package cache = %d; want %d", got, want)
	}
}

// placedAtLink notes, each time an env's link stage starts, whether the
// env's plain file is already at its target: written in place as it was
// unpacked, the one pass of a new prefix.
type placedAtLink struct {
	NopReporter
	files  []string // one per env, in install order
	n      int
	placed []bool
}

func (r *placedAtLink) Stage(s Stage, _ int64) {
	if s != StageLink || r.n >= len(r.files) {
		return
	}
	_, err := os.Lstat(r.files[r.n])
	r.placed = append(r.placed, err == nil)
	r.n++
}

// Install makes the prefix itself (swapInstall, the old install moved
// aside), so the base env is a new prefix too: its plain files are
// written straight to their targets during extraction, not unpacked into
// the scratch folder and renamed when linking. That held only for the
// envs under envs/ once the install's lock made the prefix exist first.
func TestInstallWritesFilesInPlace(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	prefix := filepath.Join(t.TempDir(), "acme")
	for _, version := range []string{"2026.11.0", "2026.12.0"} { // a fresh install, then an upgrade over it
		r := &placedAtLink{files: []string{filepath.Join(prefix, "bin", "python"), filepath.Join(prefix, "envs", "team", "bin", "tool")}}
		b := testkit.SmallBundle(t, version)
		if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", Reporter: r}); err != nil {
			t.Fatal(err)
		}
		if len(r.placed) != 2 || !r.placed[0] || !r.placed[1] {
			t.Fatalf("%s: plain files at their targets when linking began (base, team): %v; want both, written in place", version, r.placed)
		}
	}
}

// cancelAt cancels the install when stage s begins.
type cancelAt struct {
	NopReporter
	s      Stage
	cancel context.CancelFunc
}

func (r *cancelAt) Stage(s Stage, _ int64) {
	if s == r.s {
		r.cancel()
	}
}

// An install into a folder that was there, empty, and fails after files
// were written in place leaves the folder as it was: there and empty (an
// IT-made folder keeps its permissions), not removed with the new files.
func TestInstallIntoEmptyFolderRollsBackToIt(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	for _, s := range []Stage{StageLink, StageMetadata} {
		prefix := filepath.Join(t.TempDir(), "acme")
		os.Mkdir(prefix, 0o750)
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Install(ctx, Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64", Reporter: &cancelAt{s: s, cancel: cancel}})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled at %s: %v; want context.Canceled", s, err)
		}
		fi, err := os.Stat(prefix)
		if err != nil || fi.Mode().Perm() != 0o750 {
			t.Fatalf("cancelled at %s: the folder is gone or changed (%v, %v); want it as it was", s, fi, err)
		}
		if ents, _ := os.ReadDir(prefix); len(ents) != 0 {
			t.Fatalf("cancelled at %s: the folder holds %d entries after the rollback; want none", s, len(ents))
		}
	}
}

// Run again over a healthy install on a disk now read-only, the install
// changes nothing and exits 0, as its dry run says; before, it failed
// taking the lock (exit 4).
func TestRerunOnAReadOnlyDisk(t *testing.T) {
	withEnv(t, fakeEnv(""))
	mnt := filepath.Join(t.TempDir(), "mnt")
	os.MkdirAll(mnt, 0o755)
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt).Run(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root", err)
	}
	defer exec.Command("umount", mnt).Run()
	prefix := filepath.Join(mnt, "acme")
	o := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}
	if _, err := Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("mount", "-o", "remount,ro", mnt).Run(); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	res, err := Install(context.Background(), o)
	if err != nil || res.Changed {
		t.Fatalf("run again on a read-only disk: %v, %+v; want nothing changed, no error", err, res)
	}
	o.Bundle = testkit.SmallBundle(t, "2026.12.0")
	if _, err := Install(context.Background(), o); ExitCode(err) != ExitTarget {
		t.Fatalf("an upgrade on a read-only disk: %v; want exit 4", err)
	}
}

package installer

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/internal/seam"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// fakeProgram writes a stand-in for this program at path and makes it the
// maintenance app's source for the test.
func fakeProgram(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o755); err != nil {
		t.Fatal(err)
	}
	old := maintenanceSource
	maintenanceSource = func() (string, error) { return path, nil }
	t.Cleanup(func() { maintenanceSource = old })
}

// atPoint runs f at the install's crash point name, in this process.
func atPoint(t *testing.T, name string, f func()) {
	t.Helper()
	old := seam.Crash
	seam.Crash = func(p string) {
		if p == name {
			f()
		}
	}
	t.Cleanup(func() { seam.Crash = old })
}

// An installer replaced on disk while it runs (renamed over, in a folder
// others may write) does not become the maintenance app: the install is
// refused as the installer's fault and rolled back (audit AH: the other
// file was copied, and ran with the install's rights from Apps &
// features, the Maintenance launcher and every repair).
func TestInstallRefusesAnInstallerReplacedWhileItRan(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	b := testkit.SmallBundle(t, "2026.11.0")
	exe := filepath.Join(t.TempDir(), "acme-installer")
	fakeProgram(t, exe, "\x7fELF the installer\n")
	atPoint(t, "begun", func() {
		os.WriteFile(exe+".evil", []byte("#!/bin/sh\necho PWNED\n"), 0o755)
		os.Rename(exe+".evil", exe)
	})
	prefix := filepath.Join(t.TempDir(), "acme")
	_, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"})
	var be *BundleError
	if !errors.As(err, &be) || ExitCode(err) != ExitBundle {
		t.Fatalf("Install: %v (exit %d); want the installer's change refused, exit %d", err, ExitCode(err), ExitBundle)
	}
	if _, err := os.Lstat(prefix); !os.IsNotExist(err) {
		t.Errorf("the refused install left %s: %v", prefix, err)
	}
}

// The bundle kept for repairs is the bundle the install read: one
// renamed over the --bundle file during the install is not kept, and
// one given by a relative symlink is kept as a file, not as the link,
// which dangled in .onboard/ (audit AH).
func TestInstallKeepsTheBundleItRead(t *testing.T) {
	for _, how := range []string{"replaced", "symlink"} {
		t.Run(how, func(t *testing.T) {
			t.Setenv("HOME", t.TempDir())
			t.Setenv("XDG_DATA_HOME", "")
			fakeProgram(t, filepath.Join(t.TempDir(), "onboard"), "\x7fELF the installer\n")
			b := testkit.SmallBundle(t, "2026.11.0")
			path := b.Path
			if how == "symlink" {
				dir := t.TempDir()
				path = filepath.Join(dir, "inst", "bundle.zip")
				os.MkdirAll(filepath.Dir(path), 0o755)
				rel, _ := filepath.Rel(filepath.Dir(path), b.Path)
				if err := os.Symlink(rel, path); err != nil {
					t.Skip(err)
				}
				b.Close()
				var err error
				if b, err = bundle.Open(path); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
			} else {
				other := testkit.SmallBundle(t, "2026.11.1")
				atPoint(t, "begun", func() {
					data, _ := os.ReadFile(other.Path)
					os.WriteFile(path+".new", data, 0o644)
					os.Rename(path+".new", path)
				})
			}
			prefix := filepath.Join(t.TempDir(), "acme")
			if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
				t.Fatal(err)
			}
			kept := state.BundlePath(prefix)
			fi, err := os.Lstat(kept)
			if err != nil || !fi.Mode().IsRegular() {
				t.Fatalf("the kept bundle %s: %v, %v; want a file", kept, fi, err)
			}
			kb, err := bundle.Open(kept)
			if err != nil {
				t.Fatal(err)
			}
			defer kb.Close()
			if kb.Manifest.Version != "2026.11.0" {
				t.Fatalf("the kept bundle is %s; want the 2026.11.0 the install read", kb.Manifest.Version)
			}
		})
	}
}

// A package of the bundle damaged on disk once the bundle was opened is
// refused as the bundle's fault, naming the bundle file, as the dry run
// does (audit AH: the message named the package alone).
func TestDamagedPackageNamesTheBundle(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	fakeProgram(t, filepath.Join(t.TempDir(), "onboard"), "\x7fELF the installer\n")
	b := testkit.SmallBundle(t, "2026.11.0")
	zr, err := zip.OpenReader(b.Path)
	if err != nil {
		t.Fatal(err)
	}
	var at int64 = -1
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "pkgs/") && f.UncompressedSize64 > 64 {
			if at, err = f.DataOffset(); err != nil {
				t.Fatal(err)
			}
			at += 32
			break
		}
	}
	zr.Close()
	if at < 0 {
		t.Fatal("the bundle holds no package to damage")
	}
	f, err := os.OpenFile(b.Path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := make([]byte, 1)
	f.ReadAt(c, at)
	c[0] ^= 0xff
	f.WriteAt(c, at)
	f.Close()
	prefix := filepath.Join(t.TempDir(), "acme")
	_, err = Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"})
	var be *BundleError
	if !errors.As(err, &be) || be.Path != b.Path || !strings.Contains(err.Error(), b.Path) {
		t.Fatalf("Install: %v; want a bundle error naming %s", err, b.Path)
	}
	if _, err := os.Lstat(prefix); !os.IsNotExist(err) {
		t.Errorf("the refused install left %s: %v", prefix, err)
	}
}

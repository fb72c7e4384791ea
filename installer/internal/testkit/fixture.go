package testkit

import (
	"archive/zip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/pkg"
	"onboard/installer/state"
	"onboard/internal/fixtures"
)

// TestEnvs is what the fixture install puts where: real packages with
// every kind of path (text placeholder, empty-symlink stand-ins, chained
// and dangling symlinks, noarch: python with entry points and link
// scripts), as paths under the fixtures folder (see internal/fixtures).
var TestEnvs = map[string][]string{
	state.BaseEnv: {
		"main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2",
		"cph/cph_test_data-0.0.1-0.tar.bz2",
		"rattler/link-scripts-0.1.0-h4616a5c_0.conda",
	},
	"py": {
		"conda-test-recipes/python-3.99.99-0.conda",
		"conda-test-recipes/sample_noarch_python-1.0-py_0.conda",
		"conda-build/conda-index-pkg-a-1.0-pyhed9eced_1.tar.bz2",
	},
}

// Fixture is an install made for a test.
type Fixture struct {
	Prefix, EnvTxt, Bundle string
	Man                    state.Manifest
	Archives               map[string]string // fn → the archive on disk
}

// Package is one archive an [EnvInstall] installs, as the bundle lists it.
type Package struct {
	Path        string
	SHA256, MD5 string
	Size        int64
}

// EnvInstall installs pkgs (already in pkgsDir) as the env at dir, listing
// it in the environments.txt at envTxt and writing "onboard test" as the
// history's command: installer.InstallEnv in the tests. testkit takes it
// as an argument so that it need not import installer, whose own tests
// use testkit too.
type EnvInstall func(ctx context.Context, dir, pkgsDir, envTxt string, pkgs []Package) error

// InstallFixtures installs TestEnvs into a new prefix the way Install does
// (archives kept in PREFIX/pkgs, .onboard/manifest.json written) and
// writes a bundle holding the same packages.
func InstallFixtures(t testing.TB, install EnvInstall) *Fixture {
	t.Helper()
	fx := fixtures.Dir(t)
	envs := map[string][]string{}
	for env, rels := range TestEnvs {
		for _, rel := range rels {
			envs[env] = append(envs[env], filepath.Join(fx, filepath.FromSlash(rel)))
		}
	}
	return InstallArchives(t, envs, install)
}

// InstallArchives installs the archives of envs (env → archive paths; the
// base env and one other) as InstallFixtures does.
func InstallArchives(t testing.TB, envs map[string][]string, install EnvInstall) *Fixture {
	t.Helper()
	root := t.TempDir()
	fi := &Fixture{Prefix: filepath.Join(root, "prefix"), EnvTxt: filepath.Join(root, "environments.txt"),
		Bundle: filepath.Join(root, "bundle.zip"), Archives: map[string]string{}}
	var names []string
	for env := range envs {
		if env != state.BaseEnv {
			names = append(names, env)
		}
	}
	sort.Strings(names)
	names = append([]string{state.BaseEnv}, names...)
	fi.Man.Subdir = "linux-64"
	plat := &bundle.Platform{Envs: map[string][]bundle.Package{}}
	fi.Man.Platforms = map[string]*bundle.Platform{"linux-64": plat}
	for _, env := range names {
		var pkgs []bundle.Package
		for _, archive := range envs[env] {
			pkgs = append(pkgs, BundlePackage(t, archive))
			fi.Archives[filepath.Base(archive)] = archive
		}
		if env == state.BaseEnv {
			plat.Base = pkgs
		} else {
			plat.Envs[env] = pkgs
		}
	}
	fi.Man.Schema, fi.Man.Name, fi.Man.ID, fi.Man.Version = bundle.SchemaVersion, "Test", "org.example.test", "2026.11.0"
	fi.Man.Created = "2026-11-24T00:00:00Z"
	WriteBundle(t, fi)
	b, err := bundle.Open(fi.Bundle)
	if err != nil {
		t.Fatalf("open the test bundle: %v", err)
	}
	defer b.Close()
	pkgsDir := filepath.Join(fi.Prefix, "pkgs")
	if err := os.MkdirAll(pkgsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, env := range names {
		list := plat.Base
		dir := fi.Prefix
		if env != state.BaseEnv {
			list, dir = plat.Envs[env], filepath.Join(fi.Prefix, "envs", env)
		}
		var files []Package
		for _, bp := range list {
			path, err := b.CopyPackage(context.Background(), bp, pkgsDir, nil)
			if err != nil {
				t.Fatalf("CopyPackage %s: %v", bp.Fn, err)
			}
			files = append(files, Package{Path: path, SHA256: bp.SHA256, MD5: bp.MD5, Size: bp.Size})
		}
		if err := install(context.Background(), dir, pkgsDir, fi.EnvTxt, files); err != nil {
			t.Fatalf("InstallEnv %s: %v", env, err)
		}
	}
	data, err := json.MarshalIndent(fi.Man, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	MustWrite(t, state.ManifestPath(fi.Prefix), string(data))
	WriteApp(t, fi.Prefix)
	// and the bundle kept for repairs beside it, as Install keeps it
	if err := os.Link(fi.Bundle, state.BundlePath(fi.Prefix)); err != nil {
		CopyFile(t, fi.Bundle, state.BundlePath(fi.Prefix))
	}
	// an install for one user, marked as Install marks it
	for _, d := range fi.Man.OneUserDirs(fi.Prefix) {
		if err := state.MarkOneUser(d, true); err != nil {
			t.Fatal(err)
		}
	}
	return fi
}

// StandInApp is what WriteApp writes as the maintenance app.
const StandInApp = "#!/bin/sh\necho maintenance app\n"

// WriteApp writes a stand-in for the maintenance app into the install at
// prefix, which Install always writes beside the manifest (verify reports
// it missing): a small script, not a copy of a program of megabytes.
func WriteApp(t testing.TB, prefix string) {
	t.Helper()
	MustWrite(t, state.AppPath(prefix), StandInApp)
	if err := os.Chmod(state.AppPath(prefix), 0o755); err != nil {
		t.Fatal(err)
	}
}

// BundlePackage describes an archive as bundle.json does.
func BundlePackage(t testing.TB, archive string) bundle.Package {
	t.Helper()
	ix, _, _, err := pkg.ReadInfo(archive)
	if err != nil {
		t.Fatalf("ReadInfo %q: %v", archive, err)
	}
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	s, m := sha256.Sum256(data), md5.Sum(data)
	sub := ix.Subdir
	if sub == "" {
		sub = "noarch"
	}
	return bundle.Package{Fn: filepath.Base(archive), Name: ix.Name, Version: ix.Version, Build: ix.Build,
		Subdir: sub, SHA256: hex.EncodeToString(s[:]), MD5: hex.EncodeToString(m[:]), Size: int64(len(data)),
		Depends: append([]string{}, ix.Depends...)}
}

// WriteBundle writes fi.Bundle, a bundle zip with the install's packages.
func WriteBundle(t testing.TB, fi *Fixture) {
	t.Helper()
	f, err := os.Create(fi.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	m := fi.Man.Manifest
	mdata, _ := json.Marshal(m)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: bundle.ManifestName, Method: zip.Store})
	w.Write(mdata)
	for _, p := range m.Platforms["linux-64"].All() {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.ZipPath(), Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.Open(fi.Archives[p.Fn])
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, src)
		src.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

package installer

import (
	"archive/zip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/pkg"
	"onboard/installer/state"
	"onboard/internal/fixtures"
)

// fixturesDir is the real fixture packages folder (see internal/fixtures).
func fixturesDir(t testing.TB) string { return fixtures.Dir(t) }

// testEnvs is what the fixture install puts where: real packages with
// every kind of path (text placeholder, empty-symlink stand-ins, chained
// and dangling symlinks, noarch: python with entry points and link scripts).
var testEnvs = map[string][]string{
	BaseEnv: {
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

// fixtureInstall is an install made for a test.
type fixtureInstall struct {
	prefix, envTxt, bundle string
	man                    state.Manifest
	archives               map[string]string // fn → the archive on disk
}

// installFixtures installs testEnvs into a new prefix the way Install does
// (archives kept in PREFIX/pkgs, .onboard/manifest.json written) and
// writes a bundle holding the same packages.
func installFixtures(t *testing.T) *fixtureInstall {
	t.Helper()
	fx := fixturesDir(t)
	envs := map[string][]string{}
	for env, rels := range testEnvs {
		for _, rel := range rels {
			envs[env] = append(envs[env], filepath.Join(fx, filepath.FromSlash(rel)))
		}
	}
	return installArchives(t, envs)
}

// installArchives installs the archives of envs (env → archive paths; the
// base env and one other) as installFixtures does.
func installArchives(t *testing.T, envs map[string][]string) *fixtureInstall {
	t.Helper()
	root := t.TempDir()
	fi := &fixtureInstall{prefix: filepath.Join(root, "prefix"), envTxt: filepath.Join(root, "environments.txt"),
		bundle: filepath.Join(root, "bundle.zip"), archives: map[string]string{}}
	var names []string
	for env := range envs {
		if env != BaseEnv {
			names = append(names, env)
		}
	}
	sort.Strings(names)
	names = append([]string{BaseEnv}, names...)
	fi.man.Subdir = "linux-64"
	plat := &bundle.Platform{Envs: map[string][]bundle.Package{}}
	fi.man.Platforms = map[string]*bundle.Platform{"linux-64": plat}
	for _, env := range names {
		var pkgs []bundle.Package
		for _, archive := range envs[env] {
			pkgs = append(pkgs, bundlePackage(t, archive))
			fi.archives[filepath.Base(archive)] = archive
		}
		if env == BaseEnv {
			plat.Base = pkgs
		} else {
			plat.Envs[env] = pkgs
		}
	}
	fi.man.Schema, fi.man.Name, fi.man.ID, fi.man.Version = bundle.SchemaVersion, "Test", "org.example.test", "2026.11.0"
	fi.man.Created = "2026-11-24T00:00:00Z"
	writeTestBundle(t, fi)
	b, err := bundle.Open(fi.bundle)
	if err != nil {
		t.Fatalf("open the test bundle: %v", err)
	}
	defer b.Close()
	pkgsDir := filepath.Join(fi.prefix, "pkgs")
	if err := os.MkdirAll(pkgsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, env := range names {
		list := plat.Base
		dir := fi.prefix
		if env != BaseEnv {
			list, dir = plat.Envs[env], filepath.Join(fi.prefix, "envs", env)
		}
		var files []PackageFile
		for _, bp := range list {
			path, err := b.CopyPackage(context.Background(), bp, pkgsDir, nil)
			if err != nil {
				t.Fatalf("CopyPackage %s: %v", bp.Fn, err)
			}
			files = append(files, PackageFile{Path: path, SHA256: bp.SHA256, MD5: bp.MD5, Size: bp.Size})
		}
		_, err := InstallEnv(context.Background(), EnvRequest{Prefix: dir, PkgsDir: pkgsDir,
			Subdir: "linux-64", Packages: files, EnvironmentsTxt: fi.envTxt, Command: "onboard test"})
		if err != nil {
			t.Fatalf("InstallEnv %s: %v", env, err)
		}
	}
	data, err := json.MarshalIndent(fi.man, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, state.ManifestPath(fi.prefix), string(data))
	return fi
}

// bundlePackage describes an archive as bundle.json does.
func bundlePackage(t *testing.T, archive string) bundle.Package {
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

// writeTestBundle writes a bundle zip with the install's packages.
func writeTestBundle(t *testing.T, fi *fixtureInstall) {
	t.Helper()
	f, err := os.Create(fi.bundle)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	m := fi.man.Manifest
	mdata, _ := json.Marshal(m)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: bundle.ManifestName, Method: zip.Store})
	w.Write(mdata)
	for _, p := range m.Platforms["linux-64"].All() {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.ZipPath(), Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.Open(fi.archives[p.Fn])
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

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// entry is one path of a snapshot: kind, permission bits, and content
// hash or link target.
type entry struct {
	kind string
	mode fs.FileMode
	data string
}

// snapshot records a prefix tree for byte-for-byte comparison, leaving
// out what legitimately differs between runs (history timestamps, the
// creation time, the journal, logs, the lock).
func snapshot(t *testing.T, root string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if skipInSnapshot(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := entry{mode: fi.Mode().Perm()}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			e.kind, e.mode = "symlink", 0
			e.data, _ = os.Readlink(p)
		case fi.IsDir():
			e.kind = "dir"
		default:
			e.kind = "file"
			e.data, _, _ = sha256File(p)
		}
		out[rel] = e
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %q: %v", root, err)
	}
	return out
}

func skipInSnapshot(rel string) bool {
	if strings.HasSuffix(rel, "conda-meta/history") || strings.HasSuffix(rel, "conda-meta/created_at") {
		return true
	}
	for _, p := range []string{".onboard/journal.json", ".onboard/backup", ".onboard/lock", ".onboard/install.log", ".condatmp"} {
		if rel == p || strings.HasPrefix(rel, p+"/") {
			return true
		}
	}
	return false
}

// diffSnapshots lists the paths that differ.
func diffSnapshots(a, b map[string]entry) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "gone: "+k)
		} else if v != w {
			out = append(out, "changed: "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "new: "+k)
		}
	}
	return out
}

package installer

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/pkg"
)

// TestInstallEnvNoPackageCache installs real packages in one pass: the
// prefix ends with the same files and contents as an install through the
// package cache, no file is a hard link to anything, nothing is written
// to PkgsDir, and the records name PkgsDir where conda's cache would be.
func TestInstallEnvNoPackageCache(t *testing.T) {
	rels := []string{"main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2", "rattler/symlink-test-1.0.0-0.conda",
		"conda-test-recipes/python-3.99.99-0.conda", "conda-test-recipes/sample_noarch_python-1.0-py_0.conda"}
	cached := newEnvSetup(t)
	cached.install(t, "linux-64", rels...)

	s := newEnvSetup(t)
	req := s.request("linux-64", rels...)
	req.NoPackageCache = true
	// One archive comes through Request.Open, as from a bundle member.
	zf := req.Packages[1].Path
	data := readBytes(t, zf)
	req.Packages[1] = PackageFile{Path: filepath.Join("somewhere", filepath.Base(zf)), Size: int64(len(data)),
		Open: func() (io.ReaderAt, int64, io.Closer, error) {
			return bytes.NewReader(data), int64(len(data)), nil, nil
		}}
	if _, err := InstallEnv(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(s.pkgs); err == nil {
		t.Errorf("the package cache %s was written", s.pkgs)
	}
	noTrace(t, s.prefix)
	want := tree(t, cached.prefix, cached.prefix)
	got := tree(t, s.prefix, s.prefix)
	for p, w := range want {
		g, ok := got[p]
		if !ok {
			t.Errorf("%s is missing from the one-pass install", p)
		} else if g != w {
			t.Errorf("%s differs: cached install %q, one pass %q", p, w, g)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s is only in the one-pass install", p)
		}
	}
	// Every link of every file is inside the prefix (a package's own
	// hardlink members share an inode; nothing is shared with a cache).
	seen, nlink := map[uint64]uint64{}, map[uint64]uint64{}
	filepath.WalkDir(s.prefix, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			fi, _ := os.Lstat(p)
			if ino, n, ok := testkit.InodeLinks(fi); ok {
				seen[ino]++
				nlink[ino] = n
			}
		}
		return nil
	})
	for ino, n := range nlink {
		if seen[ino] != n {
			t.Errorf("inode %d has %d links but %d paths in the prefix; want no link outside it", ino, n, seen[ino])
		}
	}
	rec, _ := readRecord(t, s.prefix, "zlib-1.2.11-h7b6447c_3")
	if want := filepath.Join(s.pkgs, "zlib-1.2.11-h7b6447c_3"); rec.ExtractedPackageDir != want || rec.Link.Source != want {
		t.Errorf("extracted_package_dir %q, link.source %q; want %q (where conda's cache would hold it)", rec.ExtractedPackageDir, rec.Link.Source, want)
	}
	if want := filepath.Join(s.fx, rels[0]); rec.PackageTarballFullPath != want {
		t.Errorf("package_tarball_full_path %q; want the archive installed from, %q", rec.PackageTarballFullPath, want)
	}
	rec, _ = readRecord(t, s.prefix, "symlink-test-1.0.0-0")
	if want := filepath.Join(s.pkgs, "symlink-test-1.0.0-0.conda"); rec.PackageTarballFullPath != want {
		t.Errorf("package_tarball_full_path of a package read through Open = %q; want %q", rec.PackageTarballFullPath, want)
	}
	if _, sha, _ := shaOf(data); rec.SHA256 != sha {
		t.Errorf("record sha256 %q; want the archive's %q", rec.SHA256, sha)
	}
}

func shaOf(b []byte) (int, string, error) { return len(b), sha256Hex(b), nil }

// tree maps every path under root (but conda-meta, .onboard) to what it
// is: a symlink's target, a file's sha256 with the prefix replaced by
// PREFIX, or "dir".
func tree(t *testing.T, root, prefixDir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "conda-meta" || rel == ".onboard" {
			return filepath.SkipDir
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[rel] = "-> " + l
		case d.IsDir():
			out[rel] = "dir"
		default:
			b := readBytes(t, p)
			out[rel] = sha256Hex(bytes.ReplaceAll(b, []byte(prefixDir), []byte("PREFIX")))
		}
		return nil
	})
	return out
}

var _ = pkg.Stem

//go:build unix

package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/internal/condatest"
)

// holeWriter writes to a file, seeking over all-zero blocks so that a
// package padded with gigabytes of zeros costs no disk.
type holeWriter struct {
	f    *os.File
	skip int64
}

func (h *holeWriter) Write(p []byte) (int, error) {
	for i := 0; i < len(p); i += 64 << 10 {
		b := p[i:min(len(p), i+64<<10)]
		if bytes.Count(b, []byte{0}) == len(b) {
			h.skip += int64(len(b))
			continue
		}
		if h.skip > 0 {
			if _, err := h.f.Seek(h.skip, io.SeekCurrent); err != nil {
				return i, err
			}
			h.skip = 0
		}
		if _, err := h.f.Write(b); err != nil {
			return i, err
		}
	}
	return len(p), nil
}

// paddedConda writes dir/<stem>.conda for a small noarch package, with an
// extra STORED member of pad zero bytes that conda and onboard ignore (they
// read only metadata.json, pkg-*.tar.zst and info-*.tar.zst).
func paddedConda(t *testing.T, dir, name string, pad int64) string {
	t.Helper()
	s := condatest.Spec{Name: name, Version: "1.0", Build: "0", Noarch: "generic", Subdir: "noarch",
		Files: []condatest.File{{Path: "share/" + name + ".txt", Data: []byte("payload of " + name + "\n")}}}
	entries, err := condatest.CondaEntries(s)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, s.Stem()+".conda")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hw := &holeWriter{f: f}
	zw := zip.NewWriter(hw)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Store, Modified: condatest.MTime})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.Data)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "padding.bin", Method: zip.Store, Modified: condatest.MTime})
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for left := pad; left > 0; left -= int64(len(zero)) {
		if _, err := w.Write(zero[:min(left, int64(len(zero)))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func diskBytes(path string) int64 {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return -1
	}
	return st.Blocks * 512
}

// TestE2EBundleOver4GiB: a bundle of 4.3 GB (zip64: its central directory
// and the packages after the big ones lie beyond 4 GiB) goes through
// build → inspect → attach → install → verify. The two big packages are
// 2.16 GB each, almost all zeros, which every copy keeps sparse, so the
// test writes little to disk; the time goes into hashing them.
func TestE2EBundleOver4GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes 4.3 GB several times; skipped with -short")
	}
	needBin(t)
	start := time.Now()
	home := t.TempDir()
	dir := t.TempDir()
	const pad = 2060 << 20 // 2.16 GB: two such packages just pass 4 GiB; one alone stays a plain zip
	big := filepath.Join(dir, "big")
	os.MkdirAll(big, 0o755)
	a := paddedConda(t, big, "bigdata-a", pad)
	if used := diskBytes(a); used > 64<<20 {
		t.Skipf("this file system keeps no holes (%s uses %d bytes): the test would write 20 GB", a, used)
	}
	b := paddedConda(t, big, "bigdata-b", pad)

	fx := fixturesDir(t)
	rec := filepath.Join(fx, "conda-test-recipes")
	zlib := filepath.Join(fx, "main", "linux-64", "zlib-1.2.11-h7b6447c_3.tar.bz2")
	base := "# platform: linux-64\n@EXPLICIT\n" + strings.Join([]string{
		zlib, filepath.Join(rec, "python-3.99.99-0.conda"), a, b}, "\n") + "\n"
	team := "@EXPLICIT\n" + filepath.Join(rec, "dependency-1.0-0.conda") + "\n" + filepath.Join(rec, "dependent-1.0-0.conda") + "\n"
	os.WriteFile(filepath.Join(dir, "base.txt"), []byte(base), 0o644)
	os.WriteFile(filepath.Join(dir, "team.txt"), []byte(team), 0o644)
	os.WriteFile(filepath.Join(dir, "LICENSE.txt"), []byte("licence\n"), 0o644)
	spec := filepath.Join(dir, "spec.toml")
	os.WriteFile(spec, []byte("name = \"Big Env\"\nid = \"com.acme.big\"\nversion = \"2026.11.0\"\nlicense = \"LICENSE.txt\"\n\n[platforms.linux-64]\nbase = \"base.txt\"\nenvs = { team = \"team.txt\" }\n"), 0o644)

	zipPath := filepath.Join(dir, "bundle.zip")
	step := func(what string, r runResult) {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", what, r.code, r.stdout, r.stderr)
		}
		t.Logf("%s: ok after %s", what, time.Since(start).Round(time.Second))
	}
	step("bundle build", run(t, home, onboardBin, "bundle", "build", spec, "-o", zipPath, "--cache", filepath.Join(dir, "cache")))
	st, _ := os.Stat(zipPath)
	if st.Size() <= 1<<32 {
		t.Fatalf("the bundle is %d bytes; the test needs one over 4 GiB", st.Size())
	}
	t.Logf("bundle: %d bytes, %d on disk", st.Size(), diskBytes(zipPath))

	r := run(t, home, onboardBin, "bundle", "inspect", zipPath, "--json")
	step("bundle inspect", r)
	var sum struct {
		Subdirs []struct {
			Packages int
			Bytes    int64
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || len(sum.Subdirs) != 1 || sum.Subdirs[0].Packages != 6 || sum.Subdirs[0].Bytes < 2*pad {
		t.Fatalf("inspect: %v %+v; want 6 packages over %d bytes", err, sum, 2*pad)
	}

	// a Windows installer of 4 GiB or more: refused as a usage error that
	// --split answers (exit 2), nothing written
	winOut := filepath.Join(dir, "win")
	if r := run(t, home, onboardBin, "bundle", "attach", "--bundle", zipPath, "--installer", tinyWindowsExe(t), "-o", winOut); r.code != 2 || !strings.Contains(r.stderr, "--split") {
		t.Errorf("attach over 4 GiB to a Windows installer: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(winOut); err == nil {
		t.Errorf("the refused attach left %s", winOut)
	}

	out := filepath.Join(dir, "dist")
	r = run(t, home, onboardBin, "bundle", "attach", "--bundle", zipPath, "-o", out)
	step("bundle attach", r)
	inst := strings.TrimSpace(r.stdout)
	if st, _ := os.Stat(inst); st == nil || st.Size() <= 1<<32 {
		t.Fatalf("installer %s is not over 4 GiB", inst)
	}
	r = run(t, home, inst, "bundle", "inspect", inst)
	step("inspect the attached installer", r)
	if !strings.Contains(r.stdout, "Big Env") {
		t.Errorf("inspect of the installer:\n%s", r.stdout)
	}

	prefix := filepath.Join(dir, "big-env")
	// --keep-package-cache: the archives are copied out of the zip64 bundle too (CopyPackage)
	r = run(t, home, inst, "install", "--silent", "--keep-package-cache", "--no-launcher", "--no-maintenance-launcher", "--prefix", prefix, "--subdir", "linux-64")
	step("install", r)
	for _, p := range []string{"share/bigdata-a.txt", "share/bigdata-b.txt", "envs/team/conda-meta", "conda-meta/bigdata-b-1.0-0.json"} {
		if _, err := os.Stat(filepath.Join(prefix, p)); err != nil {
			t.Errorf("%s missing after install: %v", p, err)
		}
	}
	pk := filepath.Join(prefix, "pkgs", "bigdata-b-1.0-0.conda")
	if st, err := os.Stat(pk); err != nil || st.Size() <= pad {
		t.Errorf("%s: %v", pk, err)
	}
	t.Logf("package cache copy %s: %d on disk", filepath.Base(pk), diskBytes(pk))
	step("verify", run(t, home, filepath.Join(prefix, ".onboard", "onboard"), "verify", "--prefix", prefix))
	fmt.Fprintf(os.Stderr, "TestE2EBundleOver4GiB took %s\n", time.Since(start).Round(time.Second))
}

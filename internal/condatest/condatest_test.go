package condatest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/zstd"
)

func sample() Spec {
	return Spec{
		Name: "demo", Version: "1.0", Build: "0", Subdir: "linux-64",
		Depends: []string{"python >=3.9"},
		Files: []File{
			{Path: "bin/tool", Data: []byte("#!/bin/sh\necho hi\n"), Mode: 0o755},
			{Path: "lib/libx.so.1", Data: []byte("ELF...")},
			{Path: "lib/libx.so", Symlink: "libx.so.1"},
			{Path: "etc/conf", Data: []byte("prefix=" + DefaultPlaceholder + "\n"), Placeholder: DefaultPlaceholder},
			{Path: "share/bin.dat", Data: []byte("/p/h\x00"), Placeholder: "/p/h", FileMode: "binary", NoLink: true},
		},
	}
}

func readTar(t *testing.T, r io.Reader) map[string]*tar.Header {
	t.Helper()
	out := map[string]*tar.Header{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("reading tar: %v", err)
		}
		out[h.Name] = h
	}
}

func readMember(t *testing.T, r io.Reader, name string) []byte {
	t.Helper()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("member %q not found: %v", name, err)
		}
		if h.Name == name {
			b, _ := io.ReadAll(tr)
			return b
		}
	}
}

func TestWriteCondaLayout(t *testing.T) {
	dir := t.TempDir()
	p, err := WriteConda(dir, sample())
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	want := []string{"metadata.json", "pkg-demo-1.0-0.tar.zst", "info-demo-1.0-0.tar.zst"}
	for i, f := range zr.File {
		if f.Name != want[i] || f.Method != zip.Store {
			t.Errorf("member %d = %q method %d; want %q stored", i, f.Name, f.Method, want[i])
		}
	}
	rc, _ := zr.File[0].Open()
	meta, _ := io.ReadAll(rc)
	if string(meta) != `{"conda_pkg_format_version": 2}` {
		t.Errorf("metadata.json = %q", meta)
	}
	pkg := zstdMembers(t, zr.File[1])
	if h := pkg["lib/libx.so"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "libx.so.1" {
		t.Errorf("symlink member = %+v; want lib/libx.so -> libx.so.1", h)
	}
	if h := pkg["bin/tool"]; h == nil || h.Mode != 0o755 || !h.ModTime.Equal(MTime) {
		t.Errorf("bin/tool header = %+v; want mode 0755 and MTime", h)
	}
	if _, ok := pkg["info/index.json"]; ok {
		t.Error("pkg component holds info/index.json; want it only in info")
	}
}

func zstdMembers(t *testing.T, f *zip.File) map[string]*tar.Header {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zstd.NewReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	return readTar(t, zr)
}

func TestPathsJSON(t *testing.T) {
	dir := t.TempDir()
	p, err := WriteTarBz2(dir, sample())
	if err != nil {
		t.Fatal(err)
	}
	var paths struct {
		Paths        []pathEntry `json:"paths"`
		PathsVersion int         `json:"paths_version"`
	}
	if err := json.Unmarshal(bz2Member(t, p, "info/paths.json"), &paths); err != nil {
		t.Fatal(err)
	}
	if paths.PathsVersion != 1 || len(paths.Paths) != 5 {
		t.Fatalf("paths_version %d, %d paths; want 1, 5", paths.PathsVersion, len(paths.Paths))
	}
	sum := sha256.Sum256([]byte("ELF..."))
	tests := []struct{ path, typ, sha, mode string }{
		{"bin/tool", "hardlink", "", ""},
		{"etc/conf", "hardlink", "", "text"},
		{"lib/libx.so", "softlink", hex.EncodeToString(sum[:]), ""},
		{"lib/libx.so.1", "hardlink", hex.EncodeToString(sum[:]), ""},
		{"share/bin.dat", "hardlink", "", "binary"},
	}
	for i, tt := range tests {
		e := paths.Paths[i]
		if e.Path != tt.path || e.PathType != tt.typ || e.FileMode != tt.mode || (tt.sha != "" && e.SHA256 != tt.sha) {
			t.Errorf("entry %d = %+v; want %+v", i, e, tt)
		}
	}
}

func bz2Member(t *testing.T, p, name string) []byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br, err := bzip2.NewReader(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	return readMember(t, br, name)
}

func TestLegacyInfo(t *testing.T) {
	s := sample()
	s.Legacy = true
	p, err := WriteTarBz2(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ member, want string }{
		{"info/files", "bin/tool\netc/conf\nlib/libx.so\nlib/libx.so.1\nshare/bin.dat\n"},
		{"info/has_prefix", "etc/conf\n/p/h binary share/bin.dat\n"},
		{"info/no_link", "share/bin.dat\n"},
	}
	for _, tt := range tests {
		if got := string(bz2Member(t, p, tt.member)); got != tt.want {
			t.Errorf("%s = %q; want %q", tt.member, got, tt.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, write := range []func(string, Spec) (string, error){WriteConda, WriteTarBz2} {
		a, err := write(t.TempDir(), sample())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := write(t.TempDir(), sample())
		ab, _ := os.ReadFile(a)
		bb, _ := os.ReadFile(b)
		if !bytes.Equal(ab, bb) {
			t.Errorf("%s differs between two writes of the same spec", filepath.Base(a))
		}
	}
}

func TestSystemToolsRead(t *testing.T) {
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("no system tar")
	}
	p, err := WriteTarBz2(t.TempDir(), sample())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("tar", "-tjf", p).CombinedOutput()
	if err != nil {
		t.Fatalf("tar -tjf: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "info/index.json") || !strings.Contains(string(out), "lib/libx.so.1") {
		t.Errorf("tar -tjf listing = %q; want info/index.json and lib/libx.so.1", out)
	}
}

func TestBrokenWriters(t *testing.T) {
	dir := t.TempDir()
	p, err := WriteTruncatedConda(dir, sample())
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.OpenReader(p)
	defer zr.Close()
	rc, _ := zr.File[1].Open()
	dec, _ := zstd.NewReader(rc)
	defer dec.Close()
	if _, err := io.Copy(io.Discard, dec); err == nil {
		t.Error("truncated pkg component decoded without error")
	}
	p, err = WriteCorruptTarBz2(dir, sample())
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	br, _ := bzip2.NewReader(f, nil)
	if _, err := io.Copy(io.Discard, br); err == nil {
		t.Error("corrupt bz2 decoded without error")
	}
}

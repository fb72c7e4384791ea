package pkg

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/condatest"
)

// TestRecordZlib compares info/repodata_record.json with the record conda
// wrote for the same archive (real-conda-observations.md §6.1).
func TestRecordZlib(t *testing.T) {
	root := fixtures(t)
	archive := filepath.Join(root, "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2")
	url := "file:///w/conda_format_repo/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2"
	x, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir(), URL: url}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(x.Dir, "info", "repodata_record.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "name": "zlib",
  "version": "1.2.11",
  "build": "h7b6447c_3",
  "build_number": 3,
  "channel": "file:///w/conda_format_repo/linux-64",
  "subdir": "linux-64",
  "fn": "zlib-1.2.11-h7b6447c_3.tar.bz2",
  "md5": "2e5b81671cc2b53177b94b258b1658b2",
  "url": "file:///w/conda_format_repo/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2",
  "sha256": "1f07873d6aa0cd18760a7b215d9956f7fa63c2f2761b03f293c659fe982923fa",
  "depends": [
    "libgcc-ng >=7.3.0"
  ],
  "constrains": [],
  "license": "zlib",
  "license_family": "Other",
  "timestamp": 1542814864621,
  "size": 122456
}`
	if string(b) != want {
		t.Errorf("repodata_record.json =\n%s\nwant\n%s", b, want)
	}
	again, err := ReadExtracted(x.Dir)
	if err != nil || again.Record == nil || again.Record.SHA256 != x.Record.SHA256 || len(again.Paths.Paths) != 7 {
		t.Errorf("ReadExtracted = %+v, %v; want the same record and 7 paths", again, err)
	}
}

func TestRecordChannel(t *testing.T) {
	root := fixtures(t)
	tests := []struct {
		file, url, depends string
		wantChannel        string
		wantSubdir         string
	}{
		{"conda-build/conda-index-pkg-a-1.0-pyhed9eced_1.tar.bz2", "", "", "<unknown>", `"subdir": "noarch"`},
		{"", "", "", "<unknown>", `"subdir": null`}, // a package whose index.json has no subdir
		{"conda-test-recipes/dependent-1.0-0.conda", "https://c.example/team/noarch/dependent-1.0-0.conda", "dependency >=1.1",
			"https://c.example/team/noarch", `"subdir": "noarch"`},
	}
	noSubdir := spec()
	noSubdir.Subdir, noSubdir.Noarch = "", ""
	noSubdirArchive, err := condatest.WriteTarBz2(t.TempDir(), noSubdir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		r := Request{Archive: filepath.Join(root, tt.file), PkgsDir: t.TempDir(), URL: tt.url}
		if tt.file == "" {
			r.Archive = noSubdirArchive
		}
		if tt.depends != "" {
			r.Depends = []string{tt.depends}
		}
		x, err := Extract(context.Background(), r, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(x.Dir, "info", "repodata_record.json"))
		if x.Record.Channel != tt.wantChannel || !strings.Contains(string(b), tt.wantSubdir) {
			t.Errorf("%s: channel %q, record %s; want channel %q and %s", tt.file, x.Record.Channel, b, tt.wantChannel, tt.wantSubdir)
		}
		if tt.url == "" && x.Record.URL != "file://"+filepath.ToSlash(r.Archive) {
			t.Errorf("%s: url = %q; want the archive's file:// URL", tt.file, x.Record.URL)
		}
		if tt.depends != "" && (len(x.Record.Depends) != 1 || x.Record.Depends[0] != tt.depends) {
			t.Errorf("%s: depends = %q; want the patched %q", tt.file, x.Record.Depends, tt.depends)
		}
	}
}

// TestEmptySymlinkG1 checks the G1 trap: the .conda's empty symlinks become
// 0-byte files like the .tar.bz2 twin holds, and a note says so.
func TestEmptySymlinkG1(t *testing.T) {
	root := fixtures(t)
	for _, f := range []string{"main/linux-64/zlib-1.2.11-h7b6447c_3.conda", "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2"} {
		x, err := Extract(context.Background(), Request{Archive: filepath.Join(root, f), PkgsDir: t.TempDir()}, nil)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range []string{"lib/libz.so", "lib/libz.so.1"} {
			st, err := os.Lstat(filepath.Join(x.Dir, p))
			if err != nil || !st.Mode().IsRegular() || st.Size() != 0 {
				t.Errorf("%s: %s = %v, %v; want a 0-byte regular file", f, p, st, err)
			}
		}
	}
}

func TestSymlinksKept(t *testing.T) {
	root := fixtures(t)
	x, err := Extract(context.Background(), Request{Archive: filepath.Join(root, "cph/cph_test_data-0.0.1-0.tar.bz2"), PkgsDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// targets as real conda recreated them (observations §6.5)
	want := map[string]string{
		"bin/hello": "hello-1.0", "lib/alib": "alibrary", "lib/terminfo": "../share/terminfo",
		"lib/python3.1": "python3.10", "share/termcap": "terminfo", "libexec/greetings": "../bin/hello",
		"lib/libdangle.lib": "libdangle.lib.1",
	}
	for p, target := range want {
		if got, err := os.Readlink(filepath.Join(x.Dir, p)); err != nil || got != target {
			t.Errorf("%s -> %q, %v; want %q", p, got, err, target)
		}
	}
}

func TestHardlinkMember(t *testing.T) {
	root := fixtures(t)
	x, err := Extract(context.Background(), Request{Archive: filepath.Join(root, "rattler/symlink-test-1.0.0-0.conda"), PkgsDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(x.Dir, "lib/libreal.so.1"))
	b, err := os.ReadFile(filepath.Join(x.Dir, "lib/libhard.so"))
	if err != nil || string(a) != string(b) || len(a) != 18 {
		t.Errorf("lib/libhard.so = %q, %v; want the 18 bytes of lib/libreal.so.1", b, err)
	}
}

func TestReadInfoMatchesExtract(t *testing.T) {
	root := fixtures(t)
	for _, w := range fixtureTable {
		t.Run(w.file, func(t *testing.T) {
			t.Parallel()
			readInfoMatches(t, filepath.Join(root, w.file), w)
		})
	}
}

func readInfoMatches(t *testing.T, archive string, w fixtureWant) {
	ix, paths, link, err := ReadInfo(archive)
	if err != nil {
		t.Fatalf("ReadInfo: %v", err)
	}
	eps := 0
	if link != nil && link.Noarch != nil {
		eps = len(link.Noarch.EntryPoints)
	}
	if ix.Name != w.name || (w.paths > 0 && len(paths.Paths) != w.paths) || eps != w.entryPoints {
		t.Errorf("ReadInfo = %s, %d paths, %d entry points; want %s, %d, %d", ix.Name, len(paths.Paths), eps, w.name, w.paths, w.entryPoints)
	}
}

// A noarch package's repodata_record.json has its keys in conda's order
// (audit AC 3: conda wrote noarch before license, and package_type and
// size after it), the order of the conda-meta record's head.
func TestRecordKeyOrderNoarch(t *testing.T) {
	s := spec()
	s.License, s.Timestamp, s.Constrains = "MIT", 1700000000000, []string{"other <2"}
	x, err := extractedSpec(t, s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(x.Dir, "info", "repodata_record.json"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, k := range []string{"sha256", "depends", "constrains", "noarch", "license", "package_type", "timestamp", "size"} {
		i := strings.Index(string(b), "\n  \""+k+"\": ")
		if i < 0 {
			t.Fatalf("repodata_record.json has no %q key:\n%s", k, b)
		}
		if len(keys) > 0 && i < strings.Index(string(b), "\n  \""+keys[len(keys)-1]+"\": ") {
			t.Fatalf("repodata_record.json has %q before %q; want conda's order:\n%s", k, keys[len(keys)-1], b)
		}
		keys = append(keys, k)
	}
}

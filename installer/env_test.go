package installer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"onboard/installer/pkg"
	"onboard/installer/prefix"
)

func TestInstallZlibLinux(t *testing.T) {
	s := newEnvSetup(t)
	res := s.install(t, "linux-64", "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2")
	if !reflect.DeepEqual(res.Packages, []string{"zlib-1.2.11-h7b6447c_3"}) {
		t.Errorf("got packages %v", res.Packages)
	}
	cache := filepath.Join(s.pkgs, "zlib-1.2.11-h7b6447c_3")
	for _, f := range []string{"include/zconf.h", "include/zlib.h", "lib/libz.a", "lib/libz.so.1.2.11"} {
		a, err1 := os.Stat(filepath.Join(s.prefix, f))
		b, err2 := os.Stat(filepath.Join(cache, f))
		if err1 != nil || err2 != nil || !os.SameFile(a, b) {
			t.Errorf("%s is not a hard link of the package cache (%v, %v)", f, err1, err2)
		}
	}
	for _, f := range []string{"lib/libz.so", "lib/libz.so.1"} { // G1: 0-byte stand-ins
		fi, err := os.Lstat(filepath.Join(s.prefix, f))
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
			t.Errorf("%s: got %v, %v; want a 0-byte regular file", f, fi, err)
		}
	}
	pc := readBytes(t, filepath.Join(s.prefix, "lib/pkgconfig/zlib.pc"))
	if !bytes.HasPrefix(pc, []byte("prefix="+s.prefix+"\n")) || bytes.Contains(pc, []byte("/opt/anaconda1anaconda2anaconda3")) {
		t.Errorf("zlib.pc not rewritten:\n%s", pc)
	}
	if a, _ := os.Stat(filepath.Join(s.prefix, "lib/pkgconfig/zlib.pc")); a != nil {
		if b, _ := os.Stat(filepath.Join(cache, "lib/pkgconfig/zlib.pc")); os.SameFile(a, b) {
			t.Error("the rewritten zlib.pc is the cache's inode")
		}
	}
	checkZlibRecord(t, s, sha256Hex(pc))
	checkHistory(t, s.prefix, "+file://"+filepath.ToSlash(filepath.Join(s.fx, "main/linux-64"))+"::zlib-1.2.11-h7b6447c_3\n",
		"['file://"+filepath.ToSlash(filepath.Join(s.fx, "main/linux-64"))+"::zlib==1.2.11=h7b6447c_3']")
	if b, _ := os.ReadFile(s.envTxt); string(b) != s.prefix+"\n" {
		t.Errorf("environments.txt got %q; want the prefix", b)
	}
	if b, _ := os.ReadFile(filepath.Join(s.prefix, "conda-meta", "created_at")); !regexp.MustCompile(`^\d+(\.\d+)?$`).Match(b) {
		t.Errorf("created_at got %q", b)
	}
	ents, _ := os.ReadDir(s.prefix)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{".onboard", "conda-meta", "include", "lib"}; !reflect.DeepEqual(names, want) {
		t.Errorf("prefix holds %v; want %v", names, want)
	}
	noTrace(t, s.prefix)
}

func checkZlibRecord(t *testing.T, s *envSetup, pcSum string) {
	t.Helper()
	rec, raw := readRecord(t, s.prefix, "zlib-1.2.11-h7b6447c_3")
	want := strings.Split("name version build build_number channel subdir fn md5 url sha256 depends constrains license license_family timestamp size requested_spec package_tarball_full_path extracted_package_dir files paths_data link requested_specs", " ")
	if got := topKeys(t, raw); !reflect.DeepEqual(got, want) {
		t.Errorf("record keys\ngot  %v\nwant %v", got, want)
	}
	archive := filepath.Join(s.fx, "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2")
	sha, md5, size, _ := pkg.HashFile(context.Background(), archive)
	chanURL := "file://" + filepath.ToSlash(filepath.Dir(archive))
	cache := filepath.Join(s.pkgs, "zlib-1.2.11-h7b6447c_3")
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", rec.Name, "zlib"}, {"version", rec.Version, "1.2.11"}, {"build", rec.Build, "h7b6447c_3"},
		{"build_number", rec.BuildNumber, int64(3)}, {"channel", rec.Channel, chanURL}, {"subdir", rec.Subdir, "linux-64"},
		{"fn", rec.Fn, "zlib-1.2.11-h7b6447c_3.tar.bz2"}, {"md5", rec.MD5, md5}, {"md5 observed", rec.MD5, "2e5b81671cc2b53177b94b258b1658b2"},
		{"url", rec.URL, chanURL + "/zlib-1.2.11-h7b6447c_3.tar.bz2"}, {"sha256", rec.SHA256, sha},
		{"depends", rec.Depends, []string{"libgcc-ng >=7.3.0"}}, {"constrains", rec.Constrains, []string{}},
		{"license", rec.License, "zlib"}, {"license_family", rec.LicenseFamily, "Other"},
		{"timestamp", rec.Timestamp, int64(1542814864621)}, {"size", rec.Size, size},
		// an @EXPLICIT install pins each package exactly (observations §6.4)
		{"requested_specs", rec.RequestedSpecs, []string{chanURL + "::zlib==1.2.11=h7b6447c_3"}},
		{"package_tarball_full_path", rec.PackageTarballFullPath, archive},
		{"extracted_package_dir", rec.ExtractedPackageDir, cache},
		{"files", rec.Files, []string{"include/zconf.h", "include/zlib.h", "lib/libz.a", "lib/libz.so", "lib/libz.so.1", "lib/libz.so.1.2.11", "lib/pkgconfig/zlib.pc"}},
		{"link", rec.Link, prefix.Link{Source: cache, Type: 1}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("record %s: got %v; want %v", c.name, c.got, c.want)
		}
	}
	x, err := pkg.ReadExtracted(cache)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range x.Paths.Paths {
		d := rec.PathsData.Paths[i]
		wantIn := e.SHA256
		switch {
		case e.PathType == pkg.PathSoftlink:
			wantIn = ""
		case e.PrefixPlaceholder != "":
			wantIn = pcSum
		}
		if d.Path != e.Path || d.PathType != e.PathType || d.SHA256 != e.SHA256 || *d.SizeInBytes != *e.SizeInBytes || d.SHA256InPrefix != wantIn {
			t.Errorf("paths_data[%d] got %+v; want %+v with sha256_in_prefix %q", i, d, e, wantIn)
		}
	}
	for _, frag := range []string{
		"\"_path\": \"lib/pkgconfig/zlib.pc\",\n        \"prefix_placeholder\": \"/opt/anaconda1anaconda2anaconda3\",\n        \"file_mode\": \"text\",\n        \"path_type\": \"hardlink\",\n        \"sha256\": \"5613df6f1a56c1c3e0c2aa3da9284b51de9682882a6a9ba7af68a07745cb3aac\",\n        \"size_in_bytes\": 281,\n        \"sha256_in_prefix\": \"" + pcSum + "\"\n",
		"\"_path\": \"lib/libz.so\",\n        \"path_type\": \"softlink\",\n        \"sha256\": \"79aa69435cd17d98c25fbe1ac03aa6681b6edee04a5fb04c141ab1effcaa3c3f\",\n        \"size_in_bytes\": 133384\n      }",
	} {
		if !bytes.Contains(raw, []byte(frag)) {
			t.Errorf("record lacks %q", frag)
		}
	}
	if fi, _ := os.Stat(filepath.Join(s.prefix, "conda-meta", "zlib-1.2.11-h7b6447c_3.json")); fi.Mode().Perm() != 0o644 || bytes.HasSuffix(raw, []byte("\n")) {
		t.Errorf("record mode %v / trailing newline %v; want 0644 and none", fi.Mode().Perm(), bytes.HasSuffix(raw, []byte("\n")))
	}
}

// checkHistory checks the one entry of a new prefix's history.
func checkHistory(t *testing.T, prefixDir, plusLines, specs string) {
	t.Helper()
	b := readBytes(t, filepath.Join(prefixDir, "conda-meta", "history"))
	re := regexp.MustCompile(`^==> \d{4}-\d\d-\d\d \d\d:\d\d:\d\d <==\n# cmd: onboard test\n# conda version: 26\.7\.2\n` +
		regexp.QuoteMeta(plusLines) + regexp.QuoteMeta("# update specs: "+specs+"\n") + `$`)
	if !re.Match(b) {
		t.Errorf("history got\n%s\nwant lines\n%s# update specs: %s", b, plusLines, specs)
	}
}

func TestInstallZlibOSXBinaryPlaceholder(t *testing.T) {
	s := newEnvSetup(t)
	s.install(t, "osx-64", "main/osx-64/zlib-1.2.11-h1de35cc_3.conda")
	cache := filepath.Join(s.pkgs, "zlib-1.2.11-h1de35cc_3")
	x, err := pkg.ReadExtracted(cache)
	if err != nil {
		t.Fatal(err)
	}
	ph := x.Paths.Paths[2].PrefixPlaceholder
	orig := readBytes(t, filepath.Join(cache, "lib/libz.1.2.11.dylib"))
	got := readBytes(t, filepath.Join(s.prefix, "lib/libz.1.2.11.dylib"))
	if len(got) != len(orig) || len(got) != 100996 {
		t.Fatalf("dylib length got %d; want %d", len(got), len(orig))
	}
	if bytes.Count(got, []byte(ph)) != 0 || bytes.Count(orig, []byte(ph)) != 1 {
		t.Errorf("placeholder count got %d in the prefix, %d in the cache; want 0 and 1", bytes.Count(got, []byte(ph)), bytes.Count(orig, []byte(ph)))
	}
	off := 1372
	if !bytes.HasPrefix(orig[off:], []byte(ph+"/lib\x00")) {
		t.Fatalf("cache dylib has no placeholder at %d", off)
	}
	want := append([]byte(s.prefix+"/lib\x00"), make([]byte, len(ph)-len(s.prefix))...)
	if !bytes.Equal(got[off:off+len(want)], want) || !bytes.Equal(got[:off], orig[:off]) || !bytes.Equal(got[off+len(want):], orig[off+len(want):]) {
		t.Errorf("dylib not rewritten to prefix + NUL padding at %d", off)
	}
	rec, _ := readRecord(t, s.prefix, "zlib-1.2.11-h1de35cc_3")
	for _, d := range rec.PathsData.Paths {
		switch d.Path {
		case "lib/libz.1.2.11.dylib":
			if d.SHA256InPrefix != sha256Hex(got) || d.FileMode != "binary" {
				t.Errorf("dylib entry %+v; want sha256_in_prefix %s", d, sha256Hex(got))
			}
		case "lib/libz.dylib", "lib/libz.1.dylib":
			if d.SHA256InPrefix != "" || d.PathType != pkg.PathSoftlink {
				t.Errorf("softlink entry %+v has sha256_in_prefix", d)
			}
		}
	}
	noTrace(t, s.prefix)
}

func TestInstallZlibWindowsText(t *testing.T) {
	s := newEnvSetup(t)
	s.install(t, "win-64", "main/win-64/zlib-1.2.11-h62dcd97_3.tar.bz2")
	pc := readBytes(t, filepath.Join(s.prefix, "Library/share/pkgconfig/zlib.pc"))
	if bytes.Contains(pc, []byte("C:/ci/zlib_1542815121147/_h_env")) || !bytes.Contains(pc, []byte(filepath.ToSlash(s.prefix)+"/Library")) {
		t.Errorf("zlib.pc not rewritten with forward slashes:\n%s", pc)
	}
	if bytes.Contains(pc, []byte(`\`)) {
		t.Errorf("zlib.pc holds a backslash:\n%s", pc)
	}
	checkHistory(t, s.prefix, "+file://"+filepath.ToSlash(filepath.Join(s.fx, "main"))+"/win-64::zlib-1.2.11-h62dcd97_3\n",
		"['file://"+filepath.ToSlash(filepath.Join(s.fx, "main"))+"/win-64::zlib==1.2.11=h62dcd97_3']")
}

func TestInstallSymlinks(t *testing.T) {
	s := newEnvSetup(t)
	s.install(t, "linux-64", "cph/cph_test_data-0.0.1-0.tar.bz2")
	cache := filepath.Join(s.pkgs, "cph_test_data-0.0.1-0")
	want := map[string]string{"bin/hello": "hello-1.0", "lib/alib": "alibrary", "lib/terminfo": "../share/terminfo",
		"lib/python3.1": "python3.10", "share/termcap": "terminfo", "libexec/greetings": "../bin/hello", "lib/libdangle.lib": "libdangle.lib.1"}
	for p, target := range want {
		got, err := os.Readlink(filepath.Join(s.prefix, p))
		inCache, _ := os.Readlink(filepath.Join(cache, p))
		if err != nil || got != target || got != inCache {
			t.Errorf("%s -> %q (%v); want %q as in the cache (%q)", p, got, err, target, inCache)
		}
	}
	rec, _ := readRecord(t, s.prefix, "cph_test_data-0.0.1-0")
	for _, d := range rec.PathsData.Paths {
		if d.PathType == pkg.PathSoftlink && d.SHA256InPrefix != "" {
			t.Errorf("softlink %s has sha256_in_prefix", d.Path)
		}
	}
	if rec.Noarch != "generic" || rec.PackageType != "noarch_generic" {
		t.Errorf("noarch %q package_type %q; want generic, noarch_generic", rec.Noarch, rec.PackageType)
	}
}

package pkg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"onboard/internal/condatest"
)

func TestHashMismatch(t *testing.T) {
	archive, err := condatest.WriteConda(t.TempDir(), spec())
	if err != nil {
		t.Fatal(err)
	}
	sha, md5sum, size, err := HashFile(context.Background(), archive)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		expect Expect
		what   string
	}{
		{"sha256", Expect{SHA256: strings.Repeat("0", 64), MD5: md5sum}, "sha256"},
		{"md5 only", Expect{MD5: strings.Repeat("0", 32)}, "md5"},
		{"size", Expect{SHA256: sha, Size: size + 1}, "size"},
		{"all good", Expect{SHA256: strings.ToUpper(sha), MD5: md5sum, Size: size}, ""},
		{"md5 good", Expect{MD5: md5sum}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs := t.TempDir()
			_, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs, Expect: tt.expect}, nil)
			var he *HashMismatchError
			switch {
			case tt.what == "" && err != nil:
				t.Fatalf("Extract: %v; want success", err)
			case tt.what != "" && (!errors.As(err, &he) || he.What != tt.what):
				t.Fatalf("Extract error = %v; want a %s HashMismatchError", err, tt.what)
			case tt.what != "":
				if got := leftovers(t, pkgs); len(got) != 0 {
					t.Errorf("pkgs holds %v after a mismatch; want it empty", got)
				}
			}
		})
	}
}

func TestParseHasPrefixLine(t *testing.T) {
	tests := []struct {
		line, path, placeholder string
		mode                    FileMode
		bad                     bool
	}{
		{line: "bin/tool", path: "bin/tool", placeholder: DefaultPlaceholder, mode: ModeText},
		{line: "/opt/ph binary lib/libx.so", path: "lib/libx.so", placeholder: "/opt/ph", mode: ModeBinary},
		{line: `"C:\ph dir\x" text "Scripts\my tool.py"`, path: `Scripts\my tool.py`, placeholder: `C:\ph dir\x`, mode: ModeText},
		{line: `'/p' text 'a b'`, path: "a b", placeholder: "/p", mode: ModeText},
		{line: "/p text", bad: true},
		{line: "/p weird x", bad: true},
		{line: "a b c d", bad: true},
		// What Python's shlex.split(line, posix=False) does, checked against it:
		// a quote inside a word is an ordinary character...
		{line: `/p"x text b"c`, path: `b"c`, placeholder: `/p"x`, mode: ModeText},
		// ...and a closing quote ends the token.
		{line: `"/p q"text x`, path: "x", placeholder: "/p q", mode: ModeText},
		{line: `"a b"c`, bad: true},
		// shlex refuses a quote left open.
		{line: `'' text "`, bad: true},
		{line: `/p text "a b`, bad: true},
		// Empty after the quotes are stripped: no file, or a placeholder
		// that matches everywhere.
		{line: `/p text ''`, bad: true},
		{line: `'' text x`, bad: true},
		{line: `""`, bad: true},
	}
	for _, tt := range tests {
		p, hp, err := ParseHasPrefixLine(tt.line)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseHasPrefixLine(%q) = %q, %+v; want an error", tt.line, p, hp)
			}
			continue
		}
		if err != nil || p != tt.path || hp.Placeholder != tt.placeholder || hp.Mode != tt.mode {
			t.Errorf("ParseHasPrefixLine(%q) = %q, %+v, %v; want %q, %q, %q", tt.line, p, hp, err, tt.path, tt.placeholder, tt.mode)
		}
	}
}

// extractLegacy writes s as a legacy .tar.bz2 (info/files, no paths.json)
// and returns the paths extraction reads from it.
func extractLegacy(t *testing.T, s condatest.Spec) *Paths {
	t.Helper()
	s.Legacy = true
	x, err := extractedSpec(t, s)
	if err != nil {
		t.Fatal(err)
	}
	return x.Paths
}

func TestLegacyHasPrefix(t *testing.T) {
	s := spec()
	s.Files = append(s.Files,
		condatest.File{Path: "etc/a.conf", Data: []byte(condatest.DefaultPlaceholder), Placeholder: condatest.DefaultPlaceholder},
		condatest.File{Path: "lib/b.so", Data: []byte("/build/h\x00"), Placeholder: "/build/h", FileMode: "binary", NoLink: true},
		condatest.File{Path: "lib/c.so", Symlink: "b.so"})
	paths := extractLegacy(t, s)
	want := []PathEntry{
		{Path: "etc/a.conf", PathType: PathHardlink, PrefixPlaceholder: DefaultPlaceholder, FileMode: ModeText},
		{Path: "lib/b.so", PathType: PathHardlink, PrefixPlaceholder: "/build/h", FileMode: ModeBinary, NoLink: true},
		{Path: "lib/c.so", PathType: PathSoftlink},
		{Path: "share/ok.txt", PathType: PathHardlink},
	}
	if paths.Version != 0 || fmt.Sprint(paths.Paths) != fmt.Sprint(want) {
		t.Errorf("paths = v%d %+v; want v0 %+v", paths.Version, paths.Paths, want)
	}
}

// A legacy info/files that gives a line twice names one file, once: the
// package is not refused (paths.json listing a path twice is).
func TestLegacyFilesGivenTwice(t *testing.T) {
	s := spec()
	s.InfoFiles = []condatest.File{{Path: "info/files", Data: []byte("share/ok.txt\nshare/ok.txt\n")}}
	if got, want := extractLegacy(t, s).Paths, []PathEntry{{Path: "share/ok.txt", PathType: PathHardlink}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paths = %+v; want %+v", got, want)
	}
}

// A legacy package's list problem is named as its info/files, not an
// info/paths.json it does not have (audit Y1 4b).
func TestLegacyFileAndFolderNamesInfoFiles(t *testing.T) {
	s := spec()
	s.Legacy = true
	s.Files = append(s.Files, condatest.File{Path: "share/d/f", Data: []byte("f\n")})
	s.InfoFiles = []condatest.File{{Path: "info/files", Data: []byte("share/ok.txt\nshare/d\nshare/d/f\n")}}
	archive, err := condatest.WriteTarBz2(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
	if err == nil || !strings.Contains(err.Error(), `info/files lists "share/d" as a hardlink and "share/d/f" inside it`) {
		t.Fatalf("Extract = %v; want info/files named", err)
	}
}

// An unsafe line of a legacy info/files is named there too (audit BE 3).
func TestLegacyUnsafeLineNamesInfoFiles(t *testing.T) {
	s := spec()
	s.Legacy = true
	s.InfoFiles = []condatest.File{{Path: "info/files", Data: []byte("share/ok.txt\n../bin/a\n")}}
	archive, err := condatest.WriteTarBz2(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
	if err == nil || !strings.Contains(err.Error(), "info/files: ../bin/a") || strings.Contains(err.Error(), "paths.json") {
		t.Fatalf("Extract = %v; want info/files named", err)
	}
}

// A legacy package's bad placeholder is named in info/has_prefix, where
// it comes from (review BF 1).
func TestLegacyPlaceholderNamesHasPrefix(t *testing.T) {
	s := spec()
	s.Legacy = true
	s.InfoFiles = []condatest.File{
		{Path: "info/files", Data: []byte("share/ok.txt\n")},
		{Path: "info/has_prefix", Data: []byte("x binary share/ok.txt\n")},
	}
	archive, err := condatest.WriteTarBz2(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
	if err == nil || !strings.Contains(err.Error(), "info/has_prefix gives \"share/ok.txt\"") {
		t.Fatalf("Extract = %v; want info/has_prefix named", err)
	}
}

// A list file's line longer than any path with its placeholder is refused
// as the package's fault, before it is parsed: a 63 MiB has_prefix line
// in a 450-byte package took 200 MB to read (audit BK 5).
func TestLegacyListLineTooLong(t *testing.T) {
	s := spec()
	s.Legacy = true
	s.InfoFiles = []condatest.File{
		{Path: "info/files", Data: []byte("share/ok.txt\n")},
		{Path: "info/has_prefix", Data: []byte("share/ok.txt\n" + strings.Repeat("x", 3<<20) + "\n")},
	}
	archive, err := condatest.WriteTarBz2(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "info/has_prefix has a line of 3145728 bytes") {
		t.Fatalf("Extract = %v; want the long line refused as the package's fault", err)
	}
}

func TestModesAndTimes(t *testing.T) {
	s := spec()
	s.Files = append(s.Files, condatest.File{Path: "bin/run", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		condatest.File{Path: "share/write-only", Data: []byte("w\n"), Mode: 0o200},
		condatest.File{Path: "bin/exec-only", Data: []byte("x\n"), Mode: 0o111})
	archive, err := condatest.WriteConda(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	x, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		exec bool
	}{{"bin/run", true}, {"share/ok.txt", false}}
	for _, tt := range tests {
		st, err := os.Stat(filepath.Join(x.Dir, tt.path))
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode()&0o100 != 0; got != tt.exec || !st.ModTime().Equal(condatest.MTime) {
			t.Errorf("%s: exec %v mtime %v; want exec %v mtime %v", tt.path, got, st.ModTime(), tt.exec, condatest.MTime)
		}
	}
	// a file its owner could not read gets the owner's read bit, and keeps
	// the rest (audit Y1: verify could not hash it, and repair looped)
	for path, want := range map[string]fs.FileMode{"share/write-only": 0o600, "bin/exec-only": 0o511} {
		st, err := os.Stat(filepath.Join(x.Dir, path))
		if err != nil {
			t.Fatal(err)
		}
		probe := filepath.Join(t.TempDir(), "probe") // want, under the umask
		os.WriteFile(probe, nil, want)
		if ps, err := os.Stat(probe); err == nil && runtime.GOOS != "windows" && st.Mode().Perm() != ps.Mode().Perm() {
			t.Errorf("%s: mode %v; want %v", path, st.Mode().Perm(), ps.Mode().Perm())
		}
	}
}

func TestReplacesStaleFolder(t *testing.T) {
	pkgs := t.TempDir()
	stale := filepath.Join(pkgs, "evil-1.0-0")
	os.MkdirAll(filepath.Join(stale, "info"), 0o755)
	os.WriteFile(filepath.Join(stale, "junk"), []byte("old"), 0o644)
	archive, err := condatest.WriteTarBz2(t.TempDir(), spec())
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	x, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, func(n int64) { total += n })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(x.Dir, "junk")); err == nil {
		t.Error("the stale folder's junk survived; want the folder replaced")
	}
	st, _ := os.Stat(archive)
	if total != st.Size() {
		t.Errorf("progress added up to %d; want the archive size %d", total, st.Size())
	}
	if got := leftovers(t, pkgs, "evil-1.0-0"); len(got) != 0 {
		t.Errorf("pkgs holds %v; want only the package", got)
	}
}

func TestUnknownVersions(t *testing.T) {
	tests := []struct{ file, data, want string }{
		{"info/paths.json", `{"paths": [], "paths_version": 2}`, "paths_version 2"},
		{"info/link.json", `{"noarch": {"type": "generic"}, "package_metadata_version": 2}`, "package_metadata_version 2"},
		{"info/index.json", `{"name": "x"`, "not valid JSON"},
	}
	for _, tt := range tests {
		s := spec()
		s.InfoFiles = []condatest.File{{Path: tt.file, Data: []byte(tt.data)}}
		archive, err := condatest.WriteConda(t.TempDir(), s)
		if err != nil {
			t.Fatal(err)
		}
		pkgs := t.TempDir()
		_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Extract error = %v; want a FormatError with %q", tt.file, err, tt.want)
		}
		if got := leftovers(t, pkgs); len(got) != 0 {
			t.Errorf("%s: pkgs holds %v; want it empty", tt.file, got)
		}
	}
}

// manyPackages writes n packages of about 160 KB (incompressible, so the
// archive bytes add up) into a new folder; package 1 is a .tar.bz2.
func manyPackages(t *testing.T, n int) []Request {
	t.Helper()
	in, pkgs := t.TempDir(), t.TempDir()
	rng := rand.NewChaCha8([32]byte{1})
	rs := make([]Request, n)
	for i := range rs {
		s := spec()
		s.Name = fmt.Sprintf("p%02d", i)
		for j := range 10 {
			data := make([]byte, 16<<10)
			rng.Read(data)
			s.Files = append(s.Files, condatest.File{Path: fmt.Sprintf("share/f%02d", j), Data: data})
		}
		write := condatest.WriteConda
		if i == 1 {
			write = condatest.WriteTarBz2
		}
		archive, err := write(in, s)
		if err != nil {
			t.Fatal(err)
		}
		rs[i] = Request{Archive: archive, PkgsDir: pkgs}
	}
	return rs
}

func TestExtractAll(t *testing.T) {
	rs := manyPackages(t, 8)
	xs, err := ExtractAll(context.Background(), rs, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range xs {
		if want := fmt.Sprintf("p%02d", i); x == nil || x.Index.Name != want {
			t.Errorf("result %d = %+v; want package %s", i, x, want)
		}
	}
}

func TestExtractAllCancel(t *testing.T) {
	rs := manyPackages(t, 12)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seen atomic.Int64
	_, err := ExtractAll(ctx, rs, 2, func(n int64) {
		if seen.Add(n) > 300<<10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ExtractAll error = %v; want context.Canceled", err)
	}
	checkNoPartial(t, rs[0].PkgsDir, len(rs))
}

func TestExtractAllFirstError(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			rs := manyPackages(t, 6)
			big := spec()
			big.Files = append(big.Files, condatest.File{Path: "share/big", Data: make([]byte, 1<<20)})
			rand.NewChaCha8([32]byte{2}).Read(big.Files[1].Data)
			// among the first ExtractAll starts (after the .tar.bz2, whose
			// bytes weigh more)
			bad, err := condatest.WriteTruncatedConda(t.TempDir(), big)
			if err != nil {
				t.Fatal(err)
			}
			rs = append([]Request{{Archive: bad, PkgsDir: rs[0].PkgsDir}}, rs...)
			var started []string
			_, err = ExtractAllNamed(context.Background(), rs, workers, nil, func(a string) { started = append(started, a) })
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("ExtractAll error = %v; want the corrupt package's FormatError", err)
			}
			// With one worker nothing runs beside the bad package, so
			// nothing may start after it fails; with two, the other worker
			// may finish small packages meanwhile (how many is timing).
			max := len(rs)
			if workers == 1 {
				if len(started) == 0 || started[len(started)-1] != bad || len(started) == len(rs) {
					t.Errorf("started %q; want the corrupt package last (nothing starts after the first error)", started)
				}
				max = len(started)
			}
			checkNoPartial(t, rs[0].PkgsDir, max)
		})
	}
}

// checkNoPartial wants every folder of pkgs complete and no temporary one.
func checkNoPartial(t *testing.T, pkgs string, max int) {
	t.Helper()
	es, _ := os.ReadDir(pkgs)
	if len(es) >= max {
		t.Errorf("%d folders extracted; want the run stopped early", len(es))
	}
	for _, e := range es {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary folder %q left behind", e.Name())
		} else if _, err := os.Stat(filepath.Join(pkgs, e.Name(), "info", "repodata_record.json")); err != nil {
			t.Errorf("folder %q is partial: %v", e.Name(), err)
		}
	}
}

func TestCached(t *testing.T) {
	archive, err := condatest.WriteConda(t.TempDir(), spec())
	if err != nil {
		t.Fatal(err)
	}
	sha, md5sum, _, _ := HashFile(context.Background(), archive)
	pkgs := t.TempDir()
	r := Request{Archive: archive, PkgsDir: pkgs}
	if _, ok := Cached(r); ok {
		t.Fatal("Cached before extraction = true; want false")
	}
	if _, err := Extract(context.Background(), r, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		r    Request
		want bool
	}{
		{"no expectation", r, true},
		{"sha256", Request{Archive: archive, PkgsDir: pkgs, Expect: Expect{SHA256: sha}}, true},
		{"md5", Request{Archive: archive, PkgsDir: pkgs, Expect: Expect{MD5: md5sum}}, true},
		{"other sha256", Request{Archive: archive, PkgsDir: pkgs, Expect: Expect{SHA256: strings.Repeat("1", 64)}}, false},
		{"other depends", Request{Archive: archive, PkgsDir: pkgs, Depends: []string{"x"}}, false},
	}
	for _, tt := range tests {
		if _, got := Cached(tt.r); got != tt.want {
			t.Errorf("%s: Cached = %v; want %v", tt.name, got, tt.want)
		}
	}
	// A cached record edited to place noarch: python files outside the
	// env is not taken.
	rec := filepath.Join(pkgs, "evil-1.0-0", "info", "repodata_record.json")
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(rec, bytes.Replace(b, []byte("{"), []byte(`{"python_site_packages_path": "../x",`), 1), 0o644)
	if _, ok := Cached(r); ok {
		t.Error("Cached with a site-packages folder outside the env = true; want false")
	}
	os.Remove(rec)
	if _, ok := Cached(r); ok {
		t.Error("Cached without a record = true; want false (a partial folder)")
	}
}

// conda's link step calls a package corrupt when info/files names a file
// it does not hold; onboard says so when it is extracted.
func TestLegacyFileMissing(t *testing.T) {
	s := spec()
	s.Legacy = true
	s.InfoFiles = []condatest.File{{Path: "info/files", Data: []byte("share/ok.txt\nshare/gone.txt\n")}}
	archive, err := condatest.WriteTarBz2(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	wantFormatError(t, archive, "info/files lists the file share/gone.txt, but the package holds no file there")
}

// A bad has_prefix line, or a member's name, of megabytes is quoted as an
// excerpt: a 1.8 kB package's 30 MB line was a 30 MB error message, for
// the console, --json, the log and the window alike (audit P).
func TestPackageTextInErrorsIsAnExcerpt(t *testing.T) {
	line := "/opt/x text " + strings.Repeat("a", 1<<20) + " share/ok extra"
	_, _, err := ParseHasPrefixLine(line)
	if err == nil || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "bytes)") {
		t.Errorf("the error of a %d-byte line is %d bytes: %.200s", len(line), len(err.Error()), err)
	}
	name := strings.Repeat("d/", 2000) + "x"
	for _, e := range []error{
		&UnsafeEntryError{Archive: "a.conda", Entry: name, Reason: "path passes through the symlink " + name},
		&Error{Archive: "a.conda", Member: name, What: "total size", Want: "1"},
	} {
		if len(e.Error()) > 1500 || !strings.Contains(e.Error(), "(4001 bytes)") {
			t.Errorf("the error of a %d-byte name is %d bytes: %.200s", len(name), len(e.Error()), e)
		}
	}
}

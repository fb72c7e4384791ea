package pkg

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"onboard/internal/condatest"
)

func spec() condatest.Spec {
	return condatest.Spec{Name: "evil", Version: "1.0", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/ok.txt", Data: []byte("ok\n")}}}
}

func okInfo(t *testing.T) []condatest.Member {
	t.Helper()
	ms, err := condatest.InfoMembers(spec())
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

var reg = func(name string) condatest.Member { return condatest.Member{Name: name, Data: []byte("x")} }

func TestHostileTarMembers(t *testing.T) {
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")} // as paths.json records it
	tests := []struct {
		name    string
		members []condatest.Member
		entry   string
	}{
		{"dotdot", []condatest.Member{ok, reg("../x")}, "../x"},
		{"dotdot deep", []condatest.Member{reg("a/../../x")}, "a/../../x"},
		{"absolute", []condatest.Member{reg("/tmp/x")}, "/tmp/x"},
		{"drive", []condatest.Member{reg("C:/x")}, "C:/x"},
		{"drive relative", []condatest.Member{reg("c:x")}, "c:x"},
		{"backslash", []condatest.Member{reg(`..\x`)}, `..\x`},
		{"unc", []condatest.Member{reg(`\\srv\share\x`)}, `\\srv\share\x`},
		{"symlink up", []condatest.Member{{Name: "lib/l", Type: tar.TypeSymlink, Linkname: "../../x"}}, "lib/l"},
		{"symlink absolute", []condatest.Member{{Name: "l", Type: tar.TypeSymlink, Linkname: "/etc/passwd"}}, "l"},
		{"symlink chain", []condatest.Member{
			{Name: "a/up", Type: tar.TypeSymlink, Linkname: ".."},
			{Name: "b", Type: tar.TypeSymlink, Linkname: "a/up/.."}}, "b"},
		{"write through symlink", []condatest.Member{
			{Name: "d", Type: tar.TypeSymlink, Linkname: "share"}, reg("d/x")}, "d/x"},
		{"hardlink outside", []condatest.Member{{Name: "h", Type: tar.TypeLink, Linkname: "../x"}}, "h"},
		{"hardlink absolute", []condatest.Member{{Name: "h", Type: tar.TypeLink, Linkname: "/etc/passwd"}}, "h"},
		{"hardlink later member", []condatest.Member{{Name: "h", Type: tar.TypeLink, Linkname: "share/ok.txt"}, ok}, "h"},
		{"hardlink missing", []condatest.Member{{Name: "h", Type: tar.TypeLink, Linkname: "nope"}}, "h"},
		// audit V 3: refused as "failed to copy" a scratch path, exit 1
		{"hardlink to itself", []condatest.Member{reg("share/h"), {Name: "share/h", Type: tar.TypeLink, Linkname: "share/h"}}, "share/h"},
		{"fifo", []condatest.Member{{Name: "f", Type: tar.TypeFifo}}, "f"},
		{"char device", []condatest.Member{{Name: "c", Type: tar.TypeChar}}, "c"},
		// no file system keeps these: refused as the package's, not as the target's fault
		{"name part too long", []condatest.Member{reg("share/" + strings.Repeat("n", 256))}, "share/" + strings.Repeat("n", 256)},
		{"path too long", []condatest.Member{reg(strings.Repeat("d/", 2049) + "x")}, strings.Repeat("d/", 2049) + "x"},
	}
	for _, tt := range tests {
		for _, format := range []string{"tar.bz2", "conda"} {
			t.Run(tt.name+" "+format, func(t *testing.T) {
				root := t.TempDir()
				in := filepath.Join(root, "in")
				os.Mkdir(in, 0o755)
				var archive string
				var err error
				if format == "conda" {
					archive, err = condatest.WriteRawConda(in, "evil-1.0-0", tt.members, okInfo(t))
				} else {
					archive, err = condatest.WriteRawTarBz2(in, "evil-1.0-0", append(okInfo(t), tt.members...))
				}
				if err != nil {
					t.Fatal(err)
				}
				wantUnsafe(t, root, archive, tt.entry)
			})
		}
	}
}

// wantUnsafe extracts archive into root/pkgs and wants an UnsafeEntryError
// naming entry, with nothing written outside pkgs and nothing left in it.
func wantUnsafe(t *testing.T, root, archive, entry string) {
	t.Helper()
	pkgs := filepath.Join(root, "pkgs")
	_, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
	var ue *UnsafeEntryError
	if !errors.As(err, &ue) || ue.Entry != entry {
		t.Fatalf("Extract error = %v; want an UnsafeEntryError for %q", err, entry)
	}
	if got := leftovers(t, pkgs); len(got) != 0 {
		t.Errorf("pkgs holds %v after a refused package; want it empty", got)
	}
	onlyInside(t, root)
	if _, err := os.Lstat(filepath.Join(root, "x")); err == nil {
		t.Error("a file landed outside the package cache")
	}
}

func TestHostileZipNames(t *testing.T) {
	for _, name := range []string{"../x", "/abs", `..\x`, "C:/x"} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			in := filepath.Join(root, "in")
			os.Mkdir(in, 0o755)
			entries, err := condatest.CondaEntries(spec())
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, condatest.ZipEntry{Name: name, Data: []byte("x")})
			archive, err := condatest.WriteRawZip(in, "evil-1.0-0.conda", entries)
			if err != nil {
				t.Fatal(err)
			}
			wantUnsafe(t, root, archive, name)
			// conda reads only the two components: the refusal says the
			// member is neither (audit V 6)
			_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: filepath.Join(root, "pkgs")}, nil)
			if err == nil || !strings.Contains(err.Error(), "beside the package's pkg-evil-1.0-0 and info-evil-1.0-0 components") {
				t.Errorf("the refusal does not say the member is no component: %v", err)
			}
		})
	}
}

func TestMissingComponent(t *testing.T) {
	entries, err := condatest.CondaEntries(spec())
	if err != nil {
		t.Fatal(err)
	}
	archive, err := condatest.WriteRawZip(t.TempDir(), "evil-1.0-0.conda", entries[:2])
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "info-evil-1.0-0") {
		t.Errorf("Extract error = %v; want a FormatError naming the missing info component", err)
	}
}

func TestWindowsUnsafeNames(t *testing.T) {
	for rel, bad := range map[string]bool{
		"lib/site.py": false, "Lib/auxiliary.py": false, "share/con-fig": false, "COM10": false,
		"lib/..../x":    true, // Windows drops the trailing dots of a part
		"share/ok.txt.": true, "share/ok.txt ": true, "dir./x": true,
		"nul": true, "lib/aux.py": true, "Lib/Con": true, "COM1.txt": true, "lpt9": true, "com¹": true,
		"conin$": true, "aux .py": true,
		"a:b": true, "share/man/File::Spec.3": true, "x/a<b": true, `a"b`: true, "q?": true, "s*": true,
		"a|b": true, "tab\there": true,
		// short (8.3) names of the prefix's own folders, and any part of
		// that form: a second spelling of another file or folder
		"CONDA-~1/x.json": true, "conda-~1/x.json": true, "ONBOAR~1/manifest.json": true, "CONDAT~1/x": true,
		"co9a1b~2/x": true, "Lib/SITE-P~1/x.py": true, "share/LONGNA~1.TXT": true, "backup~": false, "a~b/x": false,
		"share/x~1.html5": false, "a~12345678/x": false,
	} {
		if got := WindowsUnsafe(rel); (got != "") != bad {
			t.Errorf("WindowsUnsafe(%q) = %q; want unsafe %v", rel, got, bad)
		}
	}
}

// On Windows a member named like a device, or one that Windows would take
// for another file, refuses the package; elsewhere those names are files.
func TestWindowsNamesRefusedOnlyOnWindows(t *testing.T) {
	for _, name := range []string{"lib/aux.py", "share/ok.txt.", "lib/a:stream", "CONDA-~1/evil-1.0-0.json", "share/OKTXT~1"} {
		for _, format := range []string{"tar.bz2", "conda"} {
			t.Run(name+" "+format, func(t *testing.T) {
				root := t.TempDir()
				in := filepath.Join(root, "in")
				os.Mkdir(in, 0o755)
				members := []condatest.Member{{Name: "share/ok.txt", Data: []byte("ok\n")}, reg(name)}
				var archive string
				var err error
				if format == "conda" {
					archive, err = condatest.WriteRawConda(in, "evil-1.0-0", members, okInfo(t))
				} else {
					archive, err = condatest.WriteRawTarBz2(in, "evil-1.0-0", append(okInfo(t), members...))
				}
				if err != nil {
					t.Fatal(err)
				}
				if runtime.GOOS != "windows" {
					if _, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil); err != nil {
						t.Fatalf("off Windows, Extract = %v; want %q kept as a file", err, name)
					}
				}
				hostWindows = true
				t.Cleanup(func() { hostWindows = runtime.GOOS == "windows" })
				wantUnsafe(t, root, archive, name)
			})
		}
	}
}

// paths.json is held to the same rules on Windows.
func TestWindowsNamesInPathsJSON(t *testing.T) {
	s := spec()
	s.Files = append(s.Files, condatest.File{Path: "lib/nul", Data: []byte("x")})
	archive, err := condatest.WriteConda(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	hostWindows = true
	t.Cleanup(func() { hostWindows = runtime.GOOS == "windows" })
	pkgs := t.TempDir()
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
	var ue *UnsafeEntryError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "lib/nul") || !strings.Contains(err.Error(), "device on Windows") {
		t.Fatalf("Extract = %v; want an UnsafeEntryError naming lib/nul as a device", err)
	}
	if got := leftovers(t, pkgs); len(got) != 0 {
		t.Errorf("pkgs holds %v after a refused package; want it empty", got)
	}
}

// TestPathsJSONEntryFieldsChecked: a package's paths.json holds only
// hardlink, softlink and directory entries; pyc_file and the entry-point
// types are conda's own, and a file given one of them would be linked
// without its size and sha256 checked. A file_mode is text or binary, a
// sha256 is 64 hex digits and a size is not negative.
func TestPathsJSONEntryFieldsChecked(t *testing.T) {
	ok := fmt.Sprintf(`"sha256": "%x", "size_in_bytes": 3`, sha256.Sum256([]byte("ok\n")))
	for _, tt := range []struct {
		entry string
		bad   bool
	}{
		{`"path_type": "hardlink", ` + ok, false},
		{`"path_type": "pyc_file", ` + ok, true},
		{`"path_type": "unix_python_entry_point", ` + ok, true},
		{`"path_type": "evil", ` + ok, true},
		{`"no_link": false, ` + ok, true}, // no path_type: conda's schema requires one
		{`"path_type": "hardlink", "prefix_placeholder": "/opt/ph", "file_mode": "text", ` + ok, false},
		{`"path_type": "hardlink", "prefix_placeholder": "/opt/ph", "file_mode": "weird", ` + ok, true},
		// conda raises "Invalid mode: None" (audit V 6)
		{`"path_type": "hardlink", "prefix_placeholder": "/opt/ph", ` + ok, true},
		// binary placeholders no install folder can replace (audit AB):
		// one with a NUL never matches; one of a byte fits no folder
		{`"path_type": "hardlink", "prefix_placeholder": "/opt/ph", "file_mode": "binary", ` + ok, false},
		{`"path_type": "hardlink", "prefix_placeholder": "/opt/x\u0000y", "file_mode": "binary", ` + ok, true},
		{`"path_type": "hardlink", "prefix_placeholder": "/", "file_mode": "binary", ` + ok, true},
		{`"path_type": "hardlink", "prefix_placeholder": "/", "file_mode": "text", ` + ok, false},
		// A sha256 that is no hash would pass the sha256 check by.
		{`"path_type": "hardlink", "sha256": "` + strings.ToUpper(ok[11:75]) + `", "size_in_bytes": 3`, false},
		{`"path_type": "hardlink", "sha256": "not-a-hash", "size_in_bytes": 3`, true},
		{`"path_type": "hardlink", "sha256": "` + ok[11:74] + `", "size_in_bytes": 3`, true},
		{`"path_type": "hardlink", "size_in_bytes": -1`, true},
		// Listed twice, here as a file and a symlink: conda's second link
		// clobbers the first, and the record would hold both.
		{`"path_type": "hardlink", ` + ok + `}, {"_path": "share/ok.txt", "path_type": "softlink", ` + ok, true},
	} {
		s := spec()
		s.InfoFiles = []condatest.File{{Path: "info/paths.json", Data: []byte(`{"paths": [{"_path": "share/ok.txt", ` + tt.entry + `}], "paths_version": 1}`)}}
		for _, write := range []func(string, condatest.Spec) (string, error){condatest.WriteConda, condatest.WriteTarBz2} {
			archive, err := write(t.TempDir(), s)
			if err != nil {
				t.Fatal(err)
			}
			pkgs := t.TempDir()
			_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
			var fe *FormatError
			switch {
			case !tt.bad && err != nil:
				t.Errorf("%s: Extract = %v; want it extracted", tt.entry, err)
			case tt.bad && (!errors.As(err, &fe) || !strings.Contains(err.Error(), "share/ok.txt")):
				t.Errorf("%s: Extract = %v; want a FormatError naming share/ok.txt", tt.entry, err)
			case tt.bad:
				if got := leftovers(t, pkgs); len(got) != 0 {
					t.Errorf("%s: pkgs holds %v after a refused package; want it empty", tt.entry, got)
				}
			}
		}
	}
}

// A file paths.json lists must be a file of the package, so that its size
// and sha256 are checked: not a symlink, a folder, a hardlink to other
// bytes, or nothing.
func TestListedFileMustBeAFile(t *testing.T) {
	other := condatest.Member{Name: "share/other.txt", Data: []byte("evil payload\n")}
	same := condatest.Member{Name: "share/same.txt", Data: []byte("ok\n")}
	for _, tt := range []struct {
		name    string
		members []condatest.Member
		want    string // "" = extracted
	}{
		{"symlink to other bytes", []condatest.Member{other, {Name: "share/ok.txt", Type: tar.TypeSymlink, Linkname: "other.txt"}}, "holds a symlink there"},
		{"symlink to the same bytes", []condatest.Member{same, {Name: "share/ok.txt", Type: tar.TypeSymlink, Linkname: "same.txt"}}, "holds a symlink there"},
		{"file then symlink", []condatest.Member{other, {Name: "share/ok.txt", Data: []byte("ok\n")}, {Name: "share/ok.txt", Type: tar.TypeSymlink, Linkname: "other.txt"}}, "holds a symlink there"},
		{"hardlink to other bytes", []condatest.Member{other, {Name: "share/ok.txt", Type: tar.TypeLink, Linkname: "share/other.txt"}}, "records 3"},
		{"hardlink to other bytes of its size", []condatest.Member{{Name: "share/x.txt", Data: []byte("no\n")}, {Name: "share/ok.txt", Type: tar.TypeLink, Linkname: "share/x.txt"}}, "sha256"},
		{"missing", []condatest.Member{other}, "holds no file there"},
		{"folder", []condatest.Member{{Name: "share/ok.txt", Type: tar.TypeDir}}, "holds a folder there"},
		{"hardlink to the same bytes", []condatest.Member{same, {Name: "share/ok.txt", Type: tar.TypeLink, Linkname: "share/same.txt"}}, ""},
		// The target is written again between two links to it: the second
		// link's bytes are the new ones, not those hashed for the first.
		{"hardlink to a target written again", []condatest.Member{same, {Name: "share/ok.txt", Type: tar.TypeLink, Linkname: "share/same.txt"},
			{Name: "share/same.txt", Data: []byte("evil payload\n")}, {Name: "share/ok.txt", Type: tar.TypeLink, Linkname: "share/same.txt"}}, "records 3"},
	} {
		for _, format := range []string{"conda", "tar.bz2", "tar.bz2 payload first"} {
			t.Run(tt.name+" "+format, func(t *testing.T) {
				want, names := tt.want, "share/ok.txt"
				if tt.name == "hardlink to a target written again" && format == "tar.bz2 payload first" {
					// before paths.json, the target's second copy is
					// refused first, unlike its first
					want, names = "it holds share/same.txt twice, with different contents", "share/same.txt"
				}
				wantOkOrRefused(t, format, tt.members, want, names)
			})
		}
	}
}

// wantOkOrRefused extracts a package of okInfo and members (in format:
// "conda", "tar.bz2", or "tar.bz2 payload first", its info/ last): want ""
// wants it extracted with share/ok.txt as paths.json records it, else it
// refused (a *FormatError, *Error or *UnsafeEntryError) with an error that
// says want and each of mentions, and nothing left in the cache.
func wantOkOrRefused(t *testing.T, format string, members []condatest.Member, want string, mentions ...string) {
	t.Helper()
	root, archive := hostile(t, format, okInfo(t), members...)
	if format == "tar.bz2 payload first" {
		var err error
		archive, err = condatest.WriteRawTarBz2(t.TempDir(), "evil-1.0-0", append(append([]condatest.Member{}, members...), okInfo(t)...))
		if err != nil {
			t.Fatal(err)
		}
	}
	pkgs := filepath.Join(root, "pkgs")
	x, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
	if want == "" {
		if err != nil {
			t.Fatalf("Extract = %v; want it extracted", err)
		}
		if b, err := os.ReadFile(filepath.Join(x.Dir, "share", "ok.txt")); string(b) != "ok\n" {
			t.Errorf("share/ok.txt = %q, %v; want the bytes paths.json records", b, err)
		}
		return
	}
	var fe *FormatError
	var pe *Error
	var ue *UnsafeEntryError
	if !errors.As(err, &fe) && !errors.As(err, &pe) && !errors.As(err, &ue) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Extract = %v; want it refused: %s", err, want)
	}
	for _, m := range mentions {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("the error %q does not name %s", err, m)
		}
	}
	if got := leftovers(t, pkgs); len(got) != 0 {
		t.Errorf("pkgs holds %v after a refused package; want it empty", got)
	}
}

// Metadata read through a link would be another member's bytes: the
// package cache would hold an info/paths.json the payload was never
// checked against.
func TestMetadataMustBeARegularFile(t *testing.T) {
	fake := condatest.Member{Name: "share/fake.json", Data: []byte(`{"paths": [], "paths_version": 1}`)}
	for _, tt := range []struct {
		name  string
		extra condatest.Member
	}{
		{"symlink", condatest.Member{Name: "info/paths.json", Type: tar.TypeSymlink, Linkname: "../share/fake.json"}},
		{"hardlink", condatest.Member{Name: "info/paths.json", Type: tar.TypeLink, Linkname: "share/fake.json"}},
		{"index symlink", condatest.Member{Name: "info/index.json", Type: tar.TypeSymlink, Linkname: "../share/fake.json"}},
		{"folder", condatest.Member{Name: "info/link.json", Type: tar.TypeDir}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The link comes after the real file and the payload.
			members := append(okInfo(t), condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}, fake, tt.extra)
			archive, err := condatest.WriteRawTarBz2(t.TempDir(), "evil-1.0-0", members)
			if err != nil {
				t.Fatal(err)
			}
			wantFormatError(t, archive, tt.extra.Name+" is not a regular file")
		})
	}
}

// A symlink paths.json lists must be a symlink of the package or a regular
// stand-in for one (observations G1): linking reads one or the other.
func TestListedSymlinkMustBeThere(t *testing.T) {
	s := spec()
	s.Files = append(s.Files, condatest.File{Path: "share/l.txt", Symlink: "ok.txt"})
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	for _, tt := range []struct {
		name   string
		member []condatest.Member
		want   string // "" = extracted
	}{
		{"symlink", []condatest.Member{{Name: "share/l.txt", Type: tar.TypeSymlink, Linkname: "ok.txt"}}, ""},
		{"stand-in file", []condatest.Member{{Name: "share/l.txt", Data: []byte("ok\n")}}, ""},
		{"missing", nil, "lists the symlink share/l.txt, but the package holds no file there"},
		{"folder", []condatest.Member{{Name: "share/l.txt", Type: tar.TypeDir}}, "lists the symlink share/l.txt, but the package holds a folder there"},
	} {
		for _, format := range []string{"conda", "tar.bz2"} {
			t.Run(tt.name+" "+format, func(t *testing.T) {
				_, archive := hostile(t, format, info, append([]condatest.Member{ok}, tt.member...)...)
				if tt.want != "" {
					wantFormatError(t, archive, tt.want)
				} else if _, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil); err != nil {
					t.Fatalf("Extract = %v; want it extracted", err)
				}
			})
		}
	}
}

// A package is named by its file (the package cache folder, a bundle's
// manifest) and by its index.json (the conda-meta record): they must agree,
// or two packages of one name could go into one env unseen.
func TestRenamedPackageRefused(t *testing.T) {
	archive, err := condatest.WriteTarBz2(t.TempDir(), spec())
	if err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(filepath.Dir(archive), "other-1.0-0.tar.bz2")
	if err := os.Rename(archive, renamed); err != nil {
		t.Fatal(err)
	}
	wantFormatError(t, renamed, "says it is evil-1.0-0, but its file is named other-1.0-0")
}

// A paths.json entry inside another that is a file or a symlink cannot be
// made (or, through the symlink, would be written elsewhere): refused
// before anything is written, by every reader of paths.json. Inside a
// directory entry is fine.
func TestEntryInsideAFileRefused(t *testing.T) {
	for _, tt := range []struct {
		files []condatest.File
		want  string // "" = extracted
	}{
		{[]condatest.File{{Path: "share/a", Data: []byte("a\n")}, {Path: "share/a/b", Data: []byte("b\n")}}, `lists "share/a" as a hardlink and "share/a/b" inside it`},
		{[]condatest.File{{Path: "share/t.txt", Data: []byte("t\n")}, {Path: "share/l", Symlink: "."}, {Path: "share/l/c/d", Data: []byte("d\n")}}, `lists "share/l" as a softlink and "share/l/c/d" inside it`},
		{[]condatest.File{{Path: "share/a/b", Data: []byte("b\n")}, {Path: "share/c", Data: []byte("c\n")}}, ""},
	} {
		s := spec()
		s.Files = tt.files
		for _, write := range []func(string, condatest.Spec) (string, error){condatest.WriteConda, condatest.WriteTarBz2} {
			archive, err := write(t.TempDir(), s)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if _, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil); err != nil {
					t.Errorf("%s: Extract = %v; want it extracted", filepath.Base(archive), err)
				}
				continue
			}
			wantFormatError(t, archive, tt.want)
			var fe *FormatError
			if _, _, _, err := ReadInfo(archive); !errors.As(err, &fe) {
				t.Errorf("ReadInfo = %v; want the FormatError too", err)
			}
		}
	}
}

// A member that is a file and, later, a folder (or the folder of another
// member) is refused as a malformed package (exit 3), naming both: before,
// mkdir's "not a directory" named neither.
func TestFileAndFolderOfOneNameRefused(t *testing.T) {
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	for name, members := range map[string][]condatest.Member{
		"folder member":  {ok, reg("lib/a"), {Name: "lib/a/", Type: tar.TypeDir}},
		"member beneath": {ok, reg("lib/a"), reg("lib/a/b")},
	} {
		t.Run(name, func(t *testing.T) {
			root, archive := hostile(t, "tar.bz2", okInfo(t), members...)
			pkgs := filepath.Join(root, "pkgs")
			_, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "lib/a as a file and") || !strings.Contains(err.Error(), "evil-1.0-0") {
				t.Fatalf("Extract = %v; want a *FormatError naming the package and lib/a", err)
			}
			if got := leftovers(t, pkgs); len(got) != 0 {
				t.Errorf("pkgs holds %v after a refused package; want it empty", got)
			}
		})
	}
}

// A .conda that Python's zipfile (conda's reader) refuses is refused too:
// a member whose local header names it otherwise than the zip's directory,
// or whose bytes do not match the directory's CRC-32 (the zstd stream ends
// before the member does, so reading it alone never reached the check).
func TestInconsistentCondaZipRefused(t *testing.T) {
	for name, damage := range map[string]func(b []byte, member string){
		"local name": func(b []byte, member string) {
			for i := bytes.Index(b, []byte("PK\x03\x04")); i >= 0; i = bytes.Index(b[i+1:], []byte("PK\x03\x04")) + i + 1 {
				n := int(b[i+26]) | int(b[i+27])<<8
				if string(b[i+30:i+30+n]) == member {
					b[i+30+1] = 'X' // pkg- → pXg-, the same length
					return
				}
			}
			panic("no local header")
		},
		"crc": func(b []byte, member string) {
			for i := bytes.Index(b, []byte("PK\x01\x02")); i >= 0; i = bytes.Index(b[i+1:], []byte("PK\x01\x02")) + i + 1 {
				n := int(b[i+28]) | int(b[i+29])<<8
				if string(b[i+46:i+46+n]) == member {
					b[i+16] ^= 0xff
					return
				}
			}
			panic("no central directory entry")
		},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			archive, err := condatest.WriteConda(root, spec())
			if err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(archive)
			damage(b, "pkg-evil-1.0-0.tar.zst")
			os.WriteFile(archive, b, 0o644)
			pkgs := filepath.Join(root, "pkgs")
			_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "pkg-evil-1.0-0.tar.zst") {
				t.Fatalf("Extract = %v; want a *FormatError naming the member", err)
			}
			if got := leftovers(t, pkgs); len(got) != 0 {
				t.Errorf("pkgs holds %v after a refused package; want it empty", got)
			}
		})
	}
}

// A .conda's pkg component holds the payload, never info/: a link.json
// there would be read over the info component's (conda extracts both
// into one folder) after the payload was placed by the first. Refused.
func TestCondaPayloadHoldsNoInfo(t *testing.T) {
	root := t.TempDir()
	in := filepath.Join(root, "in")
	os.Mkdir(in, 0o755)
	members := []condatest.Member{{Name: "share/ok.txt", Data: []byte("ok\n")},
		{Name: "info/link.json", Data: []byte(`{"noarch": {"type": "python", "entry_points": ["evilcmd = os:system"]}, "package_metadata_version": 1}`)}}
	archive, err := condatest.WriteRawConda(in, "evil-1.0-0", members, okInfo(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: filepath.Join(root, "pkgs")}, nil)
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "info/link.json, which belongs in its info component") {
		t.Fatalf("Extract = %v; want a FormatError naming info/link.json", err)
	}
}

// A name that is not UTF-8 (a legacy package's info/files is plain bytes)
// is refused: conda-meta, being JSON, would record another name, and the
// file would never be found again.
func TestNameThatIsNotUTF8(t *testing.T) {
	err := extractSpec(t, condatest.Spec{Name: "legacy", Version: "1", Build: "0", Subdir: "linux-64", Legacy: true,
		Files: []condatest.File{{Path: "share/a\xff.txt", Data: []byte("x")}}})
	var ue *UnsafeEntryError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "not UTF-8") {
		t.Fatalf("Extract = %v; want the name refused as not UTF-8", err)
	}
}

// extractSpec writes s as a .conda (a legacy .tar.bz2 when s.Legacy)
// and extracts it into a scratch package cache, returning the error.
func extractSpec(t *testing.T, s condatest.Spec) error {
	t.Helper()
	_, err := extractedSpec(t, s)
	return err
}

// extractedSpec is extractSpec, returning the package extracted too.
func extractedSpec(t *testing.T, s condatest.Spec) (*Extracted, error) {
	t.Helper()
	root := t.TempDir()
	write := condatest.WriteConda
	if s.Legacy {
		write = condatest.WriteTarBz2
	}
	archive, err := write(root, s)
	if err != nil {
		t.Skip(err) // a name the file system will not take
	}
	return Extract(context.Background(), Request{Archive: archive, PkgsDir: filepath.Join(root, "pkgs")}, nil)
}

// The entry points of a noarch: python package are checked as it is read
// (so bundle build refuses them at their lock line): a command that is a
// path, one named twice, or one the package also ships as a script (two
// writers of one bin/<command>, whose outcome depended on link order).
func TestEntryPointsCheckedAsThePackageIsRead(t *testing.T) {
	for name, tt := range map[string]struct {
		eps   []string
		files []condatest.File
	}{
		"a path":  {eps: []string{"../../x = m:main"}},
		"twice":   {eps: []string{"foo = m:main", "foo = m:other"}},
		"shipped": {eps: []string{"foo = m:main"}, files: []condatest.File{{Path: "python-scripts/foo", Data: []byte("#!python\n")}}},
		// Python keywords: "from m import import" cannot run (audit BK 4)
		"a keyword function":  {eps: []string{"tool = m:import"}},
		"a keyword module":    {eps: []string{"tool = m.class:main"}},
		"a keyword attribute": {eps: []string{"tool = m:app.None"}},
	} {
		t.Run(name, func(t *testing.T) {
			files := append([]condatest.File{{Path: "site-packages/m.py", Data: []byte("def main(): pass\n")}}, tt.files...)
			err := extractSpec(t, condatest.Spec{Name: "ep", Version: "1", Build: "py_0", Subdir: "noarch", Noarch: "python",
				EntryPoints: tt.eps, Files: files})
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "entry point") {
				t.Fatalf("Extract = %v; want the entry points refused", err)
			}
		})
	}
}

// Names that only look like keywords are names: soft keywords, other
// cases, keywords inside a longer name.
func TestEntryPointsNamesNearKeywords(t *testing.T) {
	err := extractSpec(t, condatest.Spec{Name: "ep", Version: "1", Build: "py_0", Subdir: "noarch", Noarch: "python",
		EntryPoints: []string{"a = m:match", "b = m.case:type", "c = m:Import", "d = m:imports", "e = _:_"},
		Files:       []condatest.File{{Path: "site-packages/m.py", Data: []byte("def main(): pass\n")}}})
	if err != nil {
		t.Fatalf("Extract = %v; want these names taken", err)
	}
}

// name-version-build must split back into its parts, and hold nothing a
// match spec or a shell reads as syntax: foo 1-2 and foo-1 2 would be one
// dist (one folder, one record), and conda parses history again.
func TestIndexNamesCondaAccepts(t *testing.T) {
	for _, tt := range []struct{ name, version, build string }{
		{"foo", "1-2", "0"}, {"foo", "1", "py-0"}, {"my pkg", "1", "0"}, {"foo", "1.0;rm", "0"}, {"foo", ">=1", "0"}, {"foo", "1", "$(id)"},
	} {
		t.Run(tt.name+" "+tt.version+" "+tt.build, func(t *testing.T) {
			err := extractSpec(t, condatest.Spec{Name: tt.name, Version: tt.version, Build: tt.build, Subdir: "noarch",
				Files: []condatest.File{{Path: "share/a.txt", Data: []byte("a")}}})
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "not one conda accepts") {
				t.Fatalf("Extract = %v; want the index refused", err)
			}
		})
	}
	// what conda-forge spells is fine: epochs, local versions, underscores, dots
	if err := extractSpec(t, condatest.Spec{Name: "py-spy_x.y", Version: "1!2.0.1+local.3", Build: "pyhd8ed1ab_0", Subdir: "noarch",
		Files: []condatest.File{{Path: "share/a.txt", Data: []byte("a")}}}); err != nil {
		t.Fatalf("a real-looking name refused: %v", err)
	}
}

// A .conda whose component is flagged encrypted, or compressed with a zip
// method conda does not write, is refused as such, before anything is
// read (audit P: an encrypted flag was installed, which conda's reader
// refuses; bzip2 was "zip: unsupported compression algorithm").
func TestCondaZipFlagsAndMethods(t *testing.T) {
	ents, err := condatest.CondaEntries(spec())
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*zip.FileHeader){
		"flagged encrypted": func(h *zip.FileHeader) { h.Flags |= 1 },
		"bzip2":             func(h *zip.FileHeader) { h.Method = 12 },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, spec().Stem()+".conda")
			f, _ := os.Create(p)
			zw := zip.NewWriter(f)
			for _, e := range ents {
				h := &zip.FileHeader{Name: e.Name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.Data),
					CompressedSize64: uint64(len(e.Data)), UncompressedSize64: uint64(len(e.Data))}
				if strings.HasPrefix(e.Name, "info-") {
					edit(h)
				}
				w, err := zw.CreateRaw(h)
				if err != nil {
					t.Fatal(err)
				}
				w.Write(e.Data)
			}
			zw.Close()
			f.Close()
			_, _, _, err := ReadInfo(p)
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "info-") {
				t.Fatalf("ReadInfo: %v; want a *FormatError naming the member", err)
			}
		})
	}
}

// Metadata whose bytes are not UTF-8 is refused, as conda's reading of it
// fails: Go's decoder took the bad bytes of a paths.json name for U+FFFD,
// and the install made and recorded a folder of another name (audit AR 2).
func TestMetadataNotUTF8Refused(t *testing.T) {
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	okEntry := `{"_path": "share/ok.txt", "path_type": "hardlink", "sha256": "` + sha256Hex("ok\n") + `", "size_in_bytes": 3}`
	for _, c := range []struct{ name, file, data string }{
		{"paths.json", "info/paths.json", `{"paths": [` + okEntry + `, {"_path": "share/` + "\xff\xfe" + `", "path_type": "directory"}], "paths_version": 1}`},
		{"paths.json, a value", "info/paths.json", `{"paths": [` + okEntry + `], "paths_version": 1, "x": "caf` + "\xe9" + `"}`},
		{"index.json", "info/index.json", `{"name": "evil", "version": "1.0", "build": "0", "build_number": 0, "license": "caf` + "\xe9" + `"}`},
		{"link.json", "info/link.json", `{"noarch": {"type": "generic"}, "package_metadata_version": 1, "x": "` + "\xc3" + `"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := spec()
			s.InfoFiles = []condatest.File{{Path: "info/paths.json", Data: []byte(`{"paths": [` + okEntry + `], "paths_version": 1}`)}}
			if c.file == "info/paths.json" {
				s.InfoFiles = nil
			}
			s.InfoFiles = append(s.InfoFiles, condatest.File{Path: c.file, Data: []byte(c.data)})
			info, err := condatest.InfoMembers(s)
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"conda", "tar.bz2"} {
				_, archive := hostile(t, format, info, ok)
				wantFormatError(t, archive, c.file+": its text is not UTF-8")
			}
		})
	}
}

// utf8Reader passes UTF-8 through whatever the reads' sizes, a sequence
// cut between two reads included, and fails on bytes that are not.
func TestUTF8ReaderAcrossReads(t *testing.T) {
	text := strings.Repeat("aé€😀", 50)
	for size := 1; size <= 7; size++ {
		got, err := io.ReadAll(&utf8Reader{r: iotest.OneByteReader(strings.NewReader(text))})
		if err != nil || string(got) != text {
			t.Fatalf("size %d: %v", size, err)
		}
		got, err = io.ReadAll(&utf8Reader{r: &chunked{s: text, n: size}})
		if err != nil || string(got) != text {
			t.Fatalf("chunks of %d: %v", size, err)
		}
	}
	for _, bad := range []string{"a\xffb", "ab\xe2\x82", "\xc0\xaf", "\xed\xa0\x80"} {
		if _, err := io.ReadAll(&utf8Reader{r: iotest.OneByteReader(strings.NewReader(bad))}); !errors.Is(err, errNotUTF8) {
			t.Errorf("%q: %v; want errNotUTF8", bad, err)
		}
	}
}

// chunked reads s n bytes at a time.
type chunked struct {
	s string
	n int
}

func (c *chunked) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[k:]
	return k, nil
}

// A deflated component that inflates far past its tar (zeros after the
// zstd frame) is refused once 64 MiB after the tar are read: the CRC
// check after the tar inflated all of it, outside the package's budget
// (audit AR 3).
func TestDeflatedComponentBombRefused(t *testing.T) {
	ents, err := condatest.CondaEntries(spec())
	if err != nil {
		t.Fatal(err)
	}
	for _, pad := range []int{0, 1 << 20, maxAfterTar + 1<<20} {
		p := filepath.Join(t.TempDir(), spec().Stem()+".conda")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		for _, e := range ents {
			method := zip.Store
			if strings.HasPrefix(e.Name, "info-") {
				method = zip.Deflate
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: method})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(e.Data)
			if method == zip.Deflate {
				w.Write(make([]byte, pad))
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		_, _, _, err = ReadInfo(p)
		if pad <= maxAfterTar {
			// its tar, and padding a writer could leave (a fast zstd
			// level deflated again shrinks too: audit AT 5)
			if err != nil {
				t.Fatalf("a deflated component with %d bytes after its tar: %v", pad, err)
			}
			continue
		}
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "after its tar's end") {
			t.Fatalf("ReadInfo: %v; want a *FormatError saying the member holds too much after its tar", err)
		}
	}
}

// paths.json that lists a folder where the package holds a file or a
// symlink is refused where every reader of the payload checks it, bundle
// build included (audit AN 1: only the link step refused it, so the build
// passed a package every install refused), naming what is there.
func TestListedFolderOverAFileRefused(t *testing.T) {
	s := spec()
	s.InfoFiles = []condatest.File{{Path: "info/paths.json", Data: []byte(`{"paths": [{"_path": "share/ok.txt", "path_type": "hardlink", "sha256": "` +
		sha256Hex("ok\n") + `", "size_in_bytes": 3}, {"_path": "share/d", "path_type": "directory"}], "paths_version": 1}`)}}
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	for _, tt := range []struct {
		name   string
		member condatest.Member
		want   string
	}{
		{"file", condatest.Member{Name: "share/d", Data: []byte("x\n")}, "lists share/d as a folder, but the package holds a file there"},
		{"symlink", condatest.Member{Name: "share/d", Type: tar.TypeSymlink, Linkname: "ok.txt"}, "lists share/d as a folder, but the package holds a symlink there"},
	} {
		for _, format := range []string{"conda", "tar.bz2"} {
			t.Run(tt.name+" "+format, func(t *testing.T) {
				_, archive := hostile(t, format, info, ok, tt.member)
				wantFormatError(t, archive, tt.want)
			})
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

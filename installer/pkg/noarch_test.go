package pkg

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"onboard/internal/condatest"
)

// index.json's "noarch" is read as conda's NoarchType.coerce reads it: a
// kind in any case, or a yes or a no; anything else is refused (exit 3),
// as conda refuses it. Before, "Python" was linked as a generic package
// (files in PREFIX/site-packages) and "weird" installed, and both records
// broke every conda command in the env (conda list: "'noarch_Python' is
// not a valid PackageType", CondaUpgradeError).
func TestNoarchValueAsCondaReadsIt(t *testing.T) {
	for in, want := range map[string]string{`"python"`: "python", `"Python"`: "python", `"GENERIC"`: "generic",
		`true`: "generic", `false`: "", `"yes"`: "generic", `"no"`: "", `"none"`: "", `""`: "", `null`: "", `"1"`: "generic", `"0"`: ""} {
		var ix Index
		if err := json.Unmarshal([]byte(`{"name":"a","version":"1","build":"0","noarch":`+in+`}`), &ix); err != nil || ix.Noarch != want {
			t.Errorf("noarch %s: %q, %v; want %q", in, ix.Noarch, err, want)
		}
	}
	for _, in := range []string{`"weird"`, `"python3"`, `3.5`, `{"type":"python"}`, `["python"]`} {
		var ix Index
		var ne *NoarchError
		if err := json.Unmarshal([]byte(`{"name":"a","version":"1","build":"0","noarch":`+in+`}`), &ix); !errors.As(err, &ne) {
			t.Errorf("noarch %s: %v; want a NoarchError", in, err)
		}
	}
	archive, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "w", Version: "1.0", Build: "0", Noarch: "weird",
		Files: []condatest.File{{Path: "share/w.txt", Data: []byte("w\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	wantFormatError(t, archive, `noarch value "weird" is no kind conda knows`)
	if _, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil); err == nil {
		t.Fatal("a package with noarch weird was extracted")
	}
}

// link.json's noarch type is read as conda reads it too: "Python" is a
// noarch: python package (it was linked as a generic one, its entry
// points neither made nor checked), "bogus" is refused, and a noarch that
// is no object is refused with words, not Go's types (audit AN 2, 3).
func TestLinkJSONNoarchTypeAsCondaReadsIt(t *testing.T) {
	for in, want := range map[string]string{`"python"`: "python", `"Python"`: "python", `"GENERIC"`: "generic", `true`: "generic", `"yes"`: "generic"} {
		var l LinkJSON
		if err := json.Unmarshal([]byte(`{"package_metadata_version":1,"noarch":{"type":`+in+`,"entry_points":["t = m:f"]}}`), &l); err != nil || l.Noarch.Type != want || len(l.Noarch.EntryPoints) != 1 {
			t.Errorf("type %s: %+v, %v; want %q", in, l.Noarch, err, want)
		}
	}
	// and what conda's Noarch refuses: a type missing, null or none, or a
	// kind with spaces around it (audit AQ 5)
	for _, in := range []string{`{"type":"bogus"}`, `{"type":3.5}`, `"python"`, `["python"]`,
		`{"type":null}`, `{"type":false}`, `{"type":"no"}`, `{}`, `{"type":" python"}`} {
		var l LinkJSON
		var ne *NoarchError
		if err := json.Unmarshal([]byte(`{"package_metadata_version":1,"noarch":`+in+`}`), &l); !errors.As(err, &ne) || strings.Contains(err.Error(), "Go struct") {
			t.Errorf("noarch %s: %v; want a NoarchError in words", in, err)
		}
	}
}

// A noarch: python package two of whose paths land on one file once
// placed, or that ships a .pyc the compile step writes, is refused (exit
// 3), and so is an entry point the link step cannot write (a module that
// is no Python name, a command too long for a file name). Before, the
// first installed with a record naming one file twice, which verify then
// called damaged and repair could never fix; the second failed at link
// time with exit 1.
func TestNoarchPackagesThatCannotBePlaced(t *testing.T) {
	py := func(files []string, eps ...string) string {
		s := condatest.Spec{Name: "np", Version: "1.0", Build: "py_0", Noarch: "python", EntryPoints: eps}
		for _, f := range files {
			s.Files = append(s.Files, condatest.File{Path: f, Data: []byte("x = 1\n")})
		}
		archive, err := condatest.WriteConda(t.TempDir(), s)
		if err != nil {
			t.Fatal(err)
		}
		return archive
	}
	for _, tt := range []struct {
		files []string
		eps   []string
		want  string
	}{
		{[]string{"site-packages/m.py", "lib/python3.11/site-packages/m.py"}, nil, "which are one file once a noarch: python package is placed"},
		{[]string{"python-scripts/foo", "bin/foo"}, nil, "which are one file once a noarch: python package is placed"},
		{[]string{"site-packages/m/__init__.py", "site-packages/m/__pycache__/__init__.cpython-311.pyc"}, nil, "the file that compiling its m/__init__.py writes"},
		{[]string{"site-packages/m.py"}, []string{"tool = os;import os:system"}, "not a Python name"},
		{[]string{"site-packages/m.py"}, []string{strings.Repeat("t", 201) + " = m:main"}, "has a command name of 201 bytes"},
	} {
		wantFormatError(t, py(tt.files, tt.eps...), tt.want)
	}
	// and what conda makes of a good one stays fine
	if _, err := Extract(context.Background(), Request{Archive: py([]string{"site-packages/m.py", "site-packages/m/__pycache__/other.cpython-311.pyc"}, "tool = m:main"), PkgsDir: t.TempDir()}, nil); err != nil {
		t.Fatalf("a good noarch: python package: %v", err)
	}
}

// A symlink whose target goes up after going down (share/l -> x/../ok) is
// refused as the package is read, so bundle build refuses it too; only the
// link step refused it, with every install of a bundle that had passed.
func TestSymlinkGoingUpAfterDownIsRefusedOnRead(t *testing.T) {
	archive, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "l", Version: "1.0", Build: "0",
		Files: []condatest.File{{Path: "share/ok", Data: []byte("ok\n")}, {Path: "share/x/f", Data: []byte("f\n")}, {Path: "share/l", Symlink: "x/../ok"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
	var ue *UnsafeEntryError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "goes up after going down") {
		t.Fatalf("Extract = %v; want an UnsafeEntryError", err)
	}
}

// A legacy package whose info/files names a folder is refused as the
// package is read (exit 3), as paths.json listing a folder as a file is:
// it was let through, and the install failed hashing it with exit 1 and
// the OS's "is a directory".
func TestLegacyFilesNamingAFolder(t *testing.T) {
	archive, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "old", Version: "1.0", Build: "0", Legacy: true,
		Files:     []condatest.File{{Path: "share/d/x", Data: []byte("x\n")}},
		InfoFiles: []condatest.File{{Path: "info/files", Data: []byte("share/d\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	wantFormatError(t, archive, "info/files lists the file share/d, but the package holds a folder there")
}

// One name first as a folder (share/d/x, or a folder member share/d),
// then as a file, a hard link or a symlink: refused as the package's
// fault, naming it, in every format, as the reverse order is. It failed
// with the OS's "file exists" (exit 1), or for a symlink with "the
// compressed stream is truncated or corrupt; fetch the package again".
func TestFolderThenFileIsRefused(t *testing.T) {
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	for name, members := range map[string][]condatest.Member{
		"a file":          {ok, {Name: "share/d/x", Data: []byte("x\n")}, {Name: "share/d", Data: []byte("file\n")}},
		"a folder member": {ok, {Name: "share/d", Type: tar.TypeDir}, {Name: "share/d", Data: []byte("file\n")}},
		"a symlink":       {ok, {Name: "share/d/x", Data: []byte("x\n")}, {Name: "share/d", Type: tar.TypeSymlink, Linkname: "ok.txt"}},
		"a hard link":     {ok, {Name: "share/d/x", Data: []byte("x\n")}, {Name: "share/d", Type: tar.TypeLink, Linkname: "share/ok.txt"}},
	} {
		for _, format := range []string{"conda", "tar.bz2", "tar.bz2 payload first"} {
			t.Run(name+" "+format, func(t *testing.T) {
				wantOkOrRefused(t, format, members, "it holds share/d as a folder and as a file")
			})
		}
	}
}

// A file smaller than paths.json records is a corrupt or changed package,
// not "a decompression bomb", which a larger one may be.
func TestSizeMismatchWords(t *testing.T) {
	smaller := (&Error{Archive: "p.conda", Member: "share/ok", Got: "2", Want: "5"}).Error()
	larger := (&Error{Archive: "p.conda", Member: "share/ok", Got: "9", Want: "5"}).Error()
	if strings.Contains(smaller, "bomb") || !strings.Contains(smaller, "changed after it was built") || !strings.Contains(larger, "decompression bomb") {
		t.Fatalf("smaller: %s\nlarger: %s", smaller, larger)
	}
}

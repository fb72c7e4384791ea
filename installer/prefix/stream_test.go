package prefix

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteRecordStreamIsWriteRecord writes records through both writers:
// the bytes are the same, empty lists, non-ASCII and <>& included.
func TestWriteRecordStreamIsWriteRecord(t *testing.T) {
	size := int64(281)
	full := &Record{Name: "zlib", Version: "1.2.11", Build: "h7b6447c_3", BuildNumber: 3, Channel: "file:///c/ß<&>",
		Subdir: "linux-64", Fn: "zlib-1.2.11-h7b6447c_3.tar.bz2", Depends: []string{"libgcc-ng >=7.3.0"},
		RequestedSpecs: []string{"zlib"}, PackageTarballFullPath: "/p/pkgs/zlib.tar.bz2", ExtractedPackageDir: "/p/pkgs/zlib",
		Files: []string{"include/zconf.h", "lib/ünï<&>.so", "lib/pkgconfig/zlib.pc"},
		Link:  Link{Source: "/p/pkgs/zlib", Type: LinkHardlink}}
	full.PathsData.Version = 1
	full.PathsData.Paths = []PathData{
		{Path: "include/zconf.h", PathType: "hardlink", SHA256: "aa", SizeInBytes: &size, SHA256InPrefix: "aa"},
		{Path: "lib/ünï<&>.so", PathType: "softlink", SHA256: "bb"},
		{Path: "lib/pkgconfig/zlib.pc", PrefixPlaceholder: "/opt/anaconda1anaconda2anaconda3", FileMode: "text", NoLink: true,
			PathType: "hardlink", SHA256: "cc", SizeInBytes: &size, SHA256InPrefix: "dd"},
	}
	empty := &Record{Name: "empty", Version: "1", Build: "0", Channel: "<unknown>"}
	for _, r := range []*Record{full, empty} {
		a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
		pa, err := WriteRecord(a, r)
		if err != nil {
			t.Fatal(err)
		}
		pb, err := WriteRecordStream(b, RecordStream{Head: r, N: len(r.Files),
			File: func(i int) string { return r.Files[i] }, PathData: func(i int) PathData { return r.PathsData.Paths[i] }})
		if err != nil {
			t.Fatal(err)
		}
		wa, _ := os.ReadFile(pa)
		wb, _ := os.ReadFile(pb)
		if !bytes.Equal(wa, wb) {
			t.Errorf("%s: the streamed record differs:\n%s\n---\n%s", r.Name, wa, wb)
		}
	}
}

func TestDecodeRecordHeadIsDecodeRecordWithoutPaths(t *testing.T) {
	size := int64(3)
	for _, r := range []*Record{
		{Name: "python", Version: "3.99.99", Build: "0", Channel: "<unknown>", PythonSitePackagesPath: "lib/python3.99t/site-packages",
			Files: []string{"bin/python"}, PathsData: PathsData{Version: 1, Paths: []PathData{{Path: "bin/python", PathType: "hardlink", SizeInBytes: &size}}}},
		{Name: "zlib", Version: "1.2.11", Build: "h7b6447c_3", BuildNumber: 3, Channel: "file:///c", Subdir: "linux-64", Fn: "zlib-1.2.11-h7b6447c_3.conda"},
	} {
		b, err := Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		f, err := DecodeRecord(b)
		if err != nil {
			t.Fatal(err)
		}
		h, err := DecodeRecordHead(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if h.Name != f.Name || h.Version != f.Version || h.Build != f.Build || h.BuildNumber != f.BuildNumber || h.Channel != f.Channel ||
			h.Subdir != f.Subdir || h.Fn != f.Fn || h.PythonSitePackagesPath != f.PythonSitePackagesPath || len(h.Files) != 0 || len(h.PathsData.Paths) != 0 {
			t.Errorf("head %+v differs from record %+v", h, f)
		}
	}
	if _, err := DecodeRecordHead(bytes.NewReader([]byte(`{"name":"x","files":["a"]}`))); err == nil {
		t.Error("a head without version and build was accepted")
	}
}

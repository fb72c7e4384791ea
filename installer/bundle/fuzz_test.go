package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseLock parses fuzzed @EXPLICIT locks: errors are fine, panics
// are not, and every accepted entry names a package file.
func FuzzParseLock(f *testing.F) {
	f.Add([]byte("# platform: linux-64\n@EXPLICIT\nhttps://repo.anaconda.com/pkgs/main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2#2e5b81671cc2b53177b94b258b1658b2\n"))
	f.Add([]byte("@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/noarch/six-1.16.0-pyh6c4a22f_0.conda#sha256:" + strings.Repeat("a", 64) + "\n./local/x-1-0.conda\n"))
	f.Add([]byte("@EXPLICIT\nfile:///C:/pkgs/win-64/x-1-0.tar.bz2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLock("fuzz.txt", data)
		if err != nil {
			return
		}
		for _, e := range l.Entries {
			if !strings.HasSuffix(e.Fn, ".conda") && !strings.HasSuffix(e.Fn, ".tar.bz2") {
				t.Fatalf("accepted an entry whose file %q is no package", e.Fn)
			}
		}
	})
}

// testZip is a small bundle-like zip holding a bundle.json.
func testZip(manifest []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Store})
	w.Write(manifest)
	zw.Close()
	return buf.Bytes()
}

func seedManifest() []byte {
	m := Manifest{Schema: 1, Name: "Acme Python", ID: "com.acme.python", Version: "2026.11.0", Created: "2026-11-01T00:00:00Z",
		Platforms: map[string]*Platform{"linux-64": {Base: []Package{{Fn: "zlib-1.2.11-h7b6447c_3.tar.bz2", Name: "zlib",
			Version: "1.2.11", Build: "h7b6447c_3", Subdir: "linux-64", SHA256: strings.Repeat("a", 64), MD5: strings.Repeat("b", 32),
			Size: 10, Depends: []string{}}}}}}
	b, _ := json.Marshal(m)
	return b
}

// FuzzFindPayload looks for a bundle in fuzzed executables: a payload it
// reports always lies inside the file.
func FuzzFindPayload(f *testing.F) {
	z := testZip(seedManifest())
	f.Add(append([]byte("\x7fELF program bytes"), z...))
	signedLike := append(append([]byte("MZ program"), z...), make([]byte, footerPadding(int64(10+len(z))))...)
	f.Add(append(signedLike, encodeFooter(10, int64(len(z)), nil, nil)...))
	pin := bytes.Repeat([]byte{7}, 32)
	f.Add(append([]byte("MZ program"), encodeFooter(10, 0, nil, pin)...)) // a split installer
	f.Add(z)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := FindPayload(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		if p.ZipOffset < 0 || p.ZipSize < 0 || p.ZipOffset+p.ZipSize > int64(len(data)) {
			t.Fatalf("payload %+v lies outside a %d-byte file", p, len(data))
		}
	})
}

// FuzzManifest opens bundles whose bundle.json is fuzzed: errors are fine,
// panics are not, and an accepted manifest validates.
func FuzzManifest(f *testing.F) {
	f.Add(seedManifest())
	f.Add([]byte(`{"schema":1,"name":"x","id":"a.b","version":"2026.1.0","platforms":{}}`))
	f.Fuzz(func(t *testing.T, manifest []byte) {
		b, err := OpenBytes(testZip(manifest), "fuzz")
		if err != nil {
			return
		}
		if err := b.Manifest.Validate(); err != nil {
			t.Fatalf("opened a bundle whose manifest does not validate: %v", err)
		}
	})
}

// FuzzSpec loads fuzzed TOML build specs.
func FuzzSpec(f *testing.F) {
	f.Add("name = \"Acme Python\"\nid = \"com.acme.python\"\nversion = \"2026.11.0\"\nlicense = \"LICENSE\"\npackage_dirs = [\"pkgs\"]\n[platforms.linux-64]\nbase = \"base.txt\"\nenvs = { team = \"team.txt\" }\n[condarc]\nchannels = [\"https://x.invalid\"]\noffline = true\n")
	f.Add("name = 1\n[[x]]\n")
	f.Fuzz(func(t *testing.T, spec string) {
		p := filepath.Join(t.TempDir(), "spec.toml")
		os.WriteFile(p, []byte(spec), 0o644)
		LoadSpec(p)
	})
}

func TestReadCappedRefusesOversizedFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lock.txt")
	os.WriteFile(p, []byte("@EXPLICIT\n0123456789"), 0o644)
	if _, err := readCapped(p, 10); err == nil || !strings.Contains(err.Error(), "larger than 10 bytes") {
		t.Fatalf("readCapped over the cap = %v; want an error naming the cap", err)
	}
	if b, err := readCapped(p, 20); err != nil || len(b) != 20 {
		t.Fatalf("readCapped at the cap = %d bytes, %v", len(b), err)
	}
}

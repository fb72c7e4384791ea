package bundle

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A member named otherwise in its own (local) header than in the zip's
// directory is refused: Go's zip reader reads the directory's name and a
// streaming reader the header's, so a reviewer's unzip and the install
// would read different files (audit W2). Python's zipfile refuses it too.
func TestBundleMemberNamedOtherwiseInItsHeader(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), good, nil)
	data, _ := os.ReadFile(good)
	if b, err := Open(good); err != nil {
		t.Fatal(err)
	} else {
		b.Close()
	}
	rename := func(name, to string) []byte {
		out := bytes.Clone(data)
		for i := 0; ; i++ {
			j := bytes.Index(out[i:], []byte("PK\x03\x04"))
			if j < 0 {
				t.Fatalf("no local header of %s", name)
			}
			i += j
			if n := int(out[i+26]) | int(out[i+27])<<8; string(out[i+30:i+30+n]) == name {
				copy(out[i+30:], to)
				return out
			}
		}
	}
	var pkgName string
	b, _ := Open(good)
	for name := range b.files {
		if strings.HasPrefix(name, "pkgs/") {
			pkgName = name
		}
	}
	b.Close()
	for name, data := range map[string][]byte{
		ManifestName: rename(ManifestName, "bundle.evil"),
		pkgName:      rename(pkgName, strings.Repeat("x", len(pkgName))),
	} {
		p := filepath.Join(t.TempDir(), "b.zip")
		os.WriteFile(p, data, 0o644)
		if _, err := Open(p); err == nil || !strings.Contains(err.Error(), name+" is named") {
			t.Errorf("%s renamed in its header: Open = %v", name, err)
		}
	}
}

package maintain

import (
	"os"
	"path/filepath"
	"testing"

	"onboard/platform"
)

func TestPycSource(t *testing.T) {
	for pyc, want := range map[string]string{
		"/e/lib/p/__pycache__/mod.cpython-311.pyc":       "/e/lib/p/mod.py",
		"/e/lib/p/__pycache__/mod.cpython-311.opt-1.pyc": "/e/lib/p/mod.py",
		"/e/lib/p/mod.pyc":                               "/e/lib/p/mod.py",
		"/e/lib/p/__pycache__/.pyc":                      "",
		"/e/lib/p/mod.py":                                "",
	} {
		if got := pycSource(filepath.FromSlash(pyc)); got != filepath.FromSlash(want) {
			t.Errorf("pycSource(%q) = %q, want %q", pyc, got, want)
		}
	}
}

// Repair writes the "Apps & features" entry again with the size the
// install wrote there (its plan's figure, the maintenance app counted),
// not the bundle's estimate alone (17 times smaller).
func TestRecordedSize(t *testing.T) {
	rec := platform.Record{Registry: []platform.RegistryEntry{
		{Label: "the .py file association of Spyder", Values: []platform.RegValue{{Name: "EstimatedSize", Type: "dword", DWord: 7}}},
		{Values: []platform.RegValue{{Name: "DisplayName", Type: "sz", Str: "Acme"}, {Name: "EstimatedSize", Type: "dword", DWord: 67609}}},
	}}
	if got := recordedSize(rec); got != 67609*1024 {
		t.Fatalf("recordedSize = %d, want %d", got, 67609*1024)
	}
	if got := recordedSize(platform.Record{}); got != 0 {
		t.Fatalf("no entry: %d", got)
	}
}

// pycNotCode reads the marshal type after the header whose length the
// file's CPython version gives; another implementation's file (PyPy's
// magic numbers are below CPython's, its header 16 bytes: audit BD 4) is
// checked for its magic's end only.
func TestPycNotCode(t *testing.T) {
	dir := t.TempDir()
	zeros := func(n int) string { return string(make([]byte, n)) }
	for _, c := range []struct {
		name, data string
		bad        bool
	}{
		{"__pycache__/m.cpython-311.pyc", "\xa7\x0d\r\n" + zeros(12) + "\xe3xyz", false},
		{"__pycache__/m.cpython-311.pyc", "\xa7\x0d\r\n" + zeros(12) + "NNNN", true},
		{"__pycache__/m.cpython-36.pyc", "\x33\x0d\r\n" + zeros(8) + "\xe3xyz", false},
		{"__pycache__/m.cpython-36.pyc", "\x33\x0d\r\n" + zeros(8) + "NNNN", true},
		{"m.pyc", "\x03\xf3\r\n" + zeros(4) + "cxyz", false}, // Python 2.7, beside its source
		{"m.pyc", "\x03\xf3\r\n" + zeros(4) + "NNNN", true},
		{"__pycache__/m.pypy310.pyc", "\x50\x01\r\n" + zeros(12) + "\xe3xyz", false},
		{"__pycache__/m.pypy310.pyc", "\x50\x01\r\n" + zeros(12) + "NNNN", false}, // its header's length unknown here
		{"m.pypy39.pyc", "\x50\x01\r\n" + zeros(12) + "\x63\x00", false},
		{"__pycache__/m.cpython-311.pyc", "NNNNNNNNNNNNNNNNNNNN", true},
		{"__pycache__/m.cpython-311.pyc", "\xa7\x0d", false}, // too short to tell
	} {
		p := filepath.Join(dir, filepath.FromSlash(c.name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		if why := pycNotCode(p); (why != "") != c.bad {
			t.Errorf("%s %q: %q, want bad %v", c.name, c.data, why, c.bad)
		}
	}
}

package maintain

import (
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

package maintain

import (
	"path/filepath"
	"testing"
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

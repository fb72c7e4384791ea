package capread

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A file of the cap is read whole; one byte more is a TooLargeError; a
// missing file is the os error.
func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(p, 5); err != nil || string(b) != "12345" {
		t.Errorf("ReadFile(5) = %q, %v", b, err)
	}
	var tl *TooLargeError
	if b, err := ReadFile(p, 4); !errors.As(err, &tl) || tl.Max != 4 || tl.Path != p || b != nil {
		t.Errorf("ReadFile(4) = %q, %v; want a TooLargeError", b, err)
	}
	if _, err := ReadFile(p+"x", 4); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

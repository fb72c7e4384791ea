//go:build unix

package pkg

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"onboard/internal/condatest"
)

// The extracted folder in the package cache has conda's mode, 0755 less
// the umask, as conda's own extracted folders do: not the 0700 of a
// temporary folder renamed into place.
func TestExtractedFolderHasCondasMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	root := t.TempDir()
	archive, err := condatest.WriteConda(root, spec())
	if err != nil {
		t.Fatal(err)
	}
	pkgs := filepath.Join(root, "pkgs")
	x, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(x.Dir)
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("%s: mode %v, %v; want 0755", x.Dir, st.Mode().Perm(), err)
	}
}

package rmtree

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// scratch returns a fresh folder. Under Wine (ONBOARD_WINE=1) t.TempDir's
// own clean-up uses os.RemoveAll, which Wine 8 refuses, so the folder is
// made beside the test binary's working dir and removed with RemoveAll.
func scratch(t *testing.T) string {
	t.Helper()
	if os.Getenv("ONBOARD_WINE") == "" {
		return t.TempDir()
	}
	d, err := os.MkdirTemp("", "rmtree-test-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { RemoveAll(d) })
	return d
}

// makeTree builds a tree with nested folders, read-only files, a read-only
// folder, a hidden-style name and a link to a folder outside the tree; it
// returns the tree and the outside folder (which must survive).
func makeTree(t *testing.T, base string) (tree, outside string) {
	t.Helper()
	tree = filepath.Join(base, "prefix")
	outside = filepath.Join(base, "outside")
	for _, d := range []string{"envs/team/Lib/site-packages/pkg", "pkgs/a-1-0/info", ".onboard/backup", "ro"} {
		must(t, os.MkdirAll(filepath.Join(tree, filepath.FromSlash(d)), 0o755))
	}
	must(t, os.MkdirAll(outside, 0o755))
	must(t, os.WriteFile(filepath.Join(outside, "keep.txt"), []byte("keep"), 0o644))
	for _, f := range []string{".condarc", "envs/team/Lib/site-packages/pkg/__init__.py", "pkgs/a-1-0/info/index.json", ".onboard/backup/x", "ro/file"} {
		must(t, os.WriteFile(filepath.Join(tree, filepath.FromSlash(f)), []byte("x"), 0o644))
	}
	// Read-only: the attribute on Windows, no write bit elsewhere.
	must(t, os.Chmod(filepath.Join(tree, "pkgs", "a-1-0", "info", "index.json"), 0o444))
	must(t, os.Chmod(filepath.Join(tree, "ro", "file"), 0o444))
	must(t, os.Chmod(filepath.Join(tree, "ro"), 0o555))
	if err := os.Symlink(outside, filepath.Join(tree, "link-out")); err != nil && runtime.GOOS != "windows" {
		t.Fatal(err)
	}
	return tree, outside
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func gone(t *testing.T, p string) {
	t.Helper()
	if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s is still there (Lstat: %v)", p, err)
	}
}

func kept(t *testing.T, outside string) {
	t.Helper()
	if b, err := os.ReadFile(filepath.Join(outside, "keep.txt")); err != nil || string(b) != "keep" {
		t.Fatalf("the folder a link pointed to lost its file: %q, %v", b, err)
	}
}

// refuse stands in for the refused POSIX-semantics delete: it removes
// nothing (or, with partial, only the first file it finds) and fails as
// Wine 8 does.
func refuse(t *testing.T, partial bool) *int {
	calls := new(int)
	old := fastRemoveAll
	fastRemoveAll = func(p string) error {
		*calls++
		if partial {
			filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					os.Remove(q)
					return filepath.SkipAll
				}
				return nil
			})
		}
		return &fs.PathError{Op: "unlinkat", Path: filepath.Join(p, ".condarc"), Err: errors.New("Invalid function.")}
	}
	t.Cleanup(func() { fastRemoveAll = old })
	return calls
}

// The real OS, whatever it is: under Wine this is the refused delete and
// the classic walk; on Linux and real Windows the fast path.
func TestRemoveAllRealOS(t *testing.T) {
	tree, outside := makeTree(t, scratch(t))
	var fastErr error
	old := fastRemoveAll
	fastRemoveAll = func(p string) error { fastErr = old(p); return fastErr }
	t.Cleanup(func() { fastRemoveAll = old })
	must(t, RemoveAll(tree))
	gone(t, tree)
	kept(t, outside)
	if fastErr != nil {
		t.Logf("os.RemoveAll was refused here (%v); the classic walk removed the tree", fastErr)
	} else {
		t.Logf("os.RemoveAll worked here")
	}
}

func TestFallbackWhenFastDeleteRefused(t *testing.T) {
	for _, partial := range []bool{false, true} {
		tree, outside := makeTree(t, scratch(t))
		calls := refuse(t, partial)
		if err := RemoveAll(tree); err != nil {
			t.Fatalf("partial=%v: %v", partial, err)
		}
		if *calls != 1 {
			t.Fatalf("the fast delete ran %d times, want 1", *calls)
		}
		gone(t, tree)
		kept(t, outside)
	}
}

func TestSingleFileAndMissing(t *testing.T) {
	d := scratch(t)
	refuse(t, false)
	f := filepath.Join(d, "lone.txt")
	must(t, os.WriteFile(f, []byte("x"), 0o444))
	must(t, RemoveAll(f))
	gone(t, f)
	if err := RemoveAll(filepath.Join(d, "never-was")); err != nil {
		t.Fatalf("a missing path: %v", err)
	}
}

// An entry that cannot be removed: the walk still removes everything else,
// and the error names that entry and the fast delete's error.
func TestFallbackReportsWhatItCouldNotRemove(t *testing.T) {
	tree, outside := makeTree(t, scratch(t))
	refuse(t, false)
	stuck := filepath.Join(tree, "envs", "team", "Lib", "site-packages", "pkg", "__init__.py")
	old := removeOne
	removeOne = func(p string) error {
		if p == stuck {
			return &fs.PathError{Op: "remove", Path: p, Err: syscall.EBUSY}
		}
		return old(p)
	}
	t.Cleanup(func() { removeOne = old })
	err := RemoveAll(tree)
	if err == nil {
		t.Fatal("RemoveAll succeeded although an entry could not be removed")
	}
	for _, want := range []string{stuck, "device or resource busy", "Invalid function"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := os.Stat(stuck); err != nil {
		t.Fatalf("the stuck file is gone: %v", err)
	}
	gone(t, filepath.Join(tree, ".condarc"))
	gone(t, filepath.Join(tree, "pkgs"))
	gone(t, filepath.Join(tree, "ro"))
	kept(t, outside)
}

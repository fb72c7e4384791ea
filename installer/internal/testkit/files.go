package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// MustWrite writes data to path (0644), making its folder.
func MustWrite(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// MustLink makes a symbolic link to target at path, making its folder.
func MustLink(t testing.TB, target, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// CopyFile copies src to dst (0644), making dst's folder.
func CopyFile(t testing.TB, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	MustWrite(t, dst, string(data))
}

// EditInPlace overwrites the start of a file without a new inode, so a
// hard-linked package copy changes too (observations G7).
func EditInPlace(t testing.TB, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(data), 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// ReplaceFile puts a new file with data where path was (a new inode).
func ReplaceFile(t testing.TB, path, data string) {
	t.Helper()
	os.Remove(path)
	MustWrite(t, path, data)
}

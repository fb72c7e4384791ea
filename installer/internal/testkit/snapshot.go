package testkit

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Entry is one path of a snapshot: kind, permission bits, and content
// hash or link target.
type Entry struct {
	kind string
	mode fs.FileMode
	data string
}

// Snapshot records a prefix tree for byte-for-byte comparison, leaving
// out what legitimately differs between runs (history timestamps, the
// creation time, the journal, logs, the lock).
func Snapshot(t testing.TB, root string) map[string]Entry {
	t.Helper()
	out := map[string]Entry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if skipInSnapshot(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := Entry{mode: fi.Mode().Perm()}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			e.kind, e.mode = "symlink", 0
			e.data, _ = os.Readlink(p)
		case fi.IsDir():
			e.kind = "dir"
		default:
			e.kind = "file"
			e.data = sha256Of(p)
		}
		out[rel] = e
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %q: %v", root, err)
	}
	return out
}

func skipInSnapshot(rel string) bool {
	if strings.HasSuffix(rel, "conda-meta/history") || strings.HasSuffix(rel, "conda-meta/created_at") {
		return true
	}
	for _, p := range []string{".onboard/journal.json", ".onboard/backup", ".onboard/lock", ".onboard/install.log", ".condatmp"} {
		if rel == p || strings.HasPrefix(rel, p+"/") {
			return true
		}
	}
	return false
}

// sha256Of is the hex sha256 of the file at p, or "" when it cannot be read.
func sha256Of(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DiffSnapshots lists the paths that differ.
func DiffSnapshots(a, b map[string]Entry) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "gone: "+k)
		} else if v != w {
			out = append(out, "changed: "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "new: "+k)
		}
	}
	return out
}

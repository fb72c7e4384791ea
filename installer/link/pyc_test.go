package link

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitSources(t *testing.T) {
	src := make([]string, 10)
	for i := range src {
		src[i] = fmt.Sprint(i)
	}
	for _, tt := range []struct{ n, min, parts int }{{4, 64, 1}, {4, 2, 4}, {3, 3, 3}, {16, 1, 10}, {0, 1, 1}} {
		parts := splitSources(src, tt.n, tt.min)
		var joined []string
		for _, p := range parts {
			if len(p) == 0 {
				t.Errorf("n=%d min=%d: an empty part", tt.n, tt.min)
			}
			joined = append(joined, p...)
		}
		if len(parts) != tt.parts || !reflect.DeepEqual(joined, src) {
			t.Errorf("n=%d min=%d: %v; want %d parts holding every source in order", tt.n, tt.min, parts, tt.parts)
		}
	}
}

// TestCompileInParts compiles a few hundred files with a real Python 3.11
// in parts, and reports a broken file without losing the others.
func TestCompileInParts(t *testing.T) {
	py, err := exec.LookPath("python3.11")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3.11 is missing (the Makefile installs it)")
		}
		t.Skip("python3.11 is not installed")
	}
	prefix := t.TempDir()
	os.MkdirAll(filepath.Join(prefix, "bin"), 0o755)
	if err := os.Symlink(py, filepath.Join(prefix, "bin", "python3.11")); err != nil {
		t.Fatal(err)
	}
	pyinfo, err := NewPython("3.11.2", "lib/python3/dist-packages", "linux-64")
	if err != nil {
		t.Fatal(err)
	}
	opts := &Options{Prefix: prefix, Subdir: "linux-64", Python: pyinfo, TempDir: t.TempDir(), Workers: 4}
	var sources []string
	for i := 0; i < 300; i++ {
		rel := fmt.Sprintf("lib/python3/dist-packages/pkg%d/mod.py", i)
		sources = append(sources, rel)
		os.MkdirAll(filepath.Join(prefix, filepath.Dir(rel)), 0o755)
		body := fmt.Sprintf("X = %d\n", i)
		if i == 150 {
			body = "def broken(:\n"
		}
		os.WriteFile(filepath.Join(prefix, rel), []byte(body), 0o644)
	}
	note := Compile(context.Background(), opts, sources)
	if !strings.Contains(note, "pyc compilation reported a problem") || !strings.Contains(note, "pkg150") {
		t.Errorf("note %q; want the broken file reported", note)
	}
	for i, rel := range sources {
		_, err := os.Stat(filepath.Join(prefix, pyinfo.PycPath(rel)))
		if (err == nil) == (i == 150) {
			t.Errorf("%s: .pyc exists = %v", rel, err == nil)
		}
	}
}

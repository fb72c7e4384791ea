package link

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCompileOnEveryCore compiles 100 modules with a real python through
// a wrapper that logs each compileall run: the files are split over
// Workers processes, and every .pyc is where conda-meta says it is.
func TestCompileOnEveryCore(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the wrapper is a shell script")
	}
	real, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on this machine")
	}
	out, err := exec.Command(real, "-c", "import sys; print('%d.%d' % sys.version_info[:2])").Output()
	if err != nil {
		t.Skipf("python3 does not run: %v", err)
	}
	ver := strings.TrimSpace(string(out))
	prefix := t.TempDir()
	py, err := NewPython(ver, "", "linux-64")
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(prefix, "runs.log")
	wrapper := fmt.Sprintf("#!/bin/sh\n[ \"$1\" = --version ] || echo \"$$\" >> %q\nexec %q \"$@\"\n", log, real)
	exe := filepath.Join(prefix, filepath.FromSlash(py.Interpreter()))
	os.MkdirAll(filepath.Dir(exe), 0o755)
	if err := os.WriteFile(exe, []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	var sources []string
	for i := range 100 {
		s := fmt.Sprintf("lib/python%s/site-packages/pkg%d/m%03d.py", ver, i%3, i)
		p := filepath.Join(prefix, filepath.FromSlash(s))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(fmt.Sprintf("X = %d\n", i)), 0o644)
		sources = append(sources, s)
	}
	opts := &Options{Prefix: prefix, Subdir: "linux-64", Python: py, TempDir: t.TempDir(), Workers: 3}
	if note := Compile(t.Context(), opts, sources, nil); note != "" {
		t.Fatalf("Compile: %s", note)
	}
	for _, s := range sources {
		if _, err := os.Stat(filepath.Join(prefix, filepath.FromSlash(py.PycPath(s)))); err != nil {
			t.Errorf("%s was not compiled: %v", s, err)
		}
	}
	runs, _ := os.ReadFile(log)
	if n := len(strings.Fields(string(runs))); n != 3 {
		t.Errorf("compileall ran %d times; want 3 (one per worker)", n)
	}
	// A handful of files is not worth more than one process.
	os.Remove(log)
	if note := Compile(t.Context(), opts, sources[:5], nil); note != "" {
		t.Fatal(note)
	}
	if runs, _ := os.ReadFile(log); len(strings.Fields(string(runs))) != 1 {
		t.Errorf("5 files ran compileall %d times; want 1", len(strings.Fields(string(runs))))
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
	note := Compile(t.Context(), opts, sources, nil)
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

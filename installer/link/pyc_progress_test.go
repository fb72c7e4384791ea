package link

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// hostPython returns the real executable of this machine's python3 (not
// a shim that runs it) and its X.Y version, or skips the test.
func hostPython(t *testing.T) (exe, ver string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on this machine")
	}
	out, err := exec.Command(py, "-c", "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])").Output()
	if err != nil {
		t.Skipf("python3 does not run: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		t.Skipf("python3 printed %q", out)
	}
	return f[0], f[1]
}

// pycPrefix makes a prefix whose bin/pythonX.Y is exe (a symlink) and
// writes the given modules into its site-packages; it returns the Options
// and the prefix-relative sources.
func pycPrefix(t *testing.T, exe, ver string, modules []string, workers int) (*Options, []string) {
	t.Helper()
	prefix := t.TempDir()
	py, err := NewPython(ver, "", "linux-64")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(prefix, filepath.FromSlash(py.Interpreter()))
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, bin); err != nil {
		t.Fatal(err)
	}
	var sources []string
	for i, body := range modules {
		s := fmt.Sprintf("lib/python%s/site-packages/pkg%d/m%04d.py", ver, i%7, i)
		p := filepath.Join(prefix, filepath.FromSlash(s))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, s)
	}
	return &Options{Prefix: prefix, Subdir: "linux-64", Python: py, TempDir: t.TempDir(), Workers: workers}, sources
}

// progressLog records Compile's progress calls and fails the test if two
// overlap.
type progressLog struct {
	t      *testing.T
	busy   atomic.Bool
	mu     sync.Mutex
	calls  []int64
	onCall func()
}

func (l *progressLog) add(n int64) {
	if l.busy.Swap(true) {
		l.t.Error("two progress calls at once")
	}
	defer l.busy.Store(false)
	l.mu.Lock()
	l.calls = append(l.calls, n)
	l.mu.Unlock()
	if l.onCall != nil {
		l.onCall()
	}
}

func (l *progressLog) sum() (sum, largest int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range l.calls {
		sum += n
		largest = max(largest, n)
	}
	return sum, largest
}

// missingPycs returns the sources whose .pyc does not exist.
func missingPycs(opts *Options, sources []string) (missing []string) {
	for _, s := range sources {
		if _, err := os.Stat(filepath.Join(opts.Prefix, filepath.FromSlash(opts.Python.PycPath(s)))); err != nil {
			missing = append(missing, s)
		}
	}
	return missing
}

// TestCompileReportsProgress compiles 400 modules with the real python3
// on two workers: progress comes file by file as compileall goes (not
// once a process ends), one call at a time, and adds up to the files; a
// second run, where every .pyc is up to date and compileall prints
// nothing, still adds up.
func TestCompileReportsProgress(t *testing.T) {
	exe, ver := hostPython(t)
	modules := make([]string, 400)
	for i := range modules {
		modules[i] = fmt.Sprintf("X = %d\ndef f(a):\n    return a * X\n", i)
	}
	opts, sources := pycPrefix(t, exe, ver, modules, 2)
	log := &progressLog{t: t}
	if note := Compile(t.Context(), opts, sources, log.add); note != "" {
		t.Fatalf("Compile: %s", note)
	}
	sum, largest := log.sum()
	if sum != int64(len(sources)) {
		t.Errorf("progress added up to %d; want %d", sum, len(sources))
	}
	if len(log.calls) <= opts.Workers || largest > 50 {
		t.Errorf("progress came in %d calls, the largest %d files; want it file by file, not per process", len(log.calls), largest)
	}
	if missing := missingPycs(opts, sources); len(missing) > 0 {
		t.Errorf("%d .py not compiled, e.g. %s", len(missing), missing[0])
	}

	again := &progressLog{t: t}
	if note := Compile(t.Context(), opts, sources, again.add); note != "" {
		t.Fatalf("Compile again: %s", note)
	}
	if sum, _ := again.sum(); sum != int64(len(sources)) {
		t.Errorf("with every .pyc up to date, progress added up to %d; want %d", sum, len(sources))
	}
}

// TestCompileBrokenFileIsANote: a module with a syntax error is a note
// that names it as compileall -q would, the other modules are compiled,
// and progress still adds up to every file.
func TestCompileBrokenFileIsANote(t *testing.T) {
	exe, ver := hostPython(t)
	modules := make([]string, 200)
	for i := range modules {
		modules[i] = fmt.Sprintf("X = %d\n", i)
	}
	modules[100] = "def broken(:\n"
	opts, sources := pycPrefix(t, exe, ver, modules, 2)
	log := &progressLog{t: t}
	note := Compile(t.Context(), opts, sources, log.add)
	broken := sources[100]
	if !strings.Contains(note, "pyc compilation reported a problem") ||
		!strings.Contains(note, "*** Error compiling '"+broken+"'") || !strings.Contains(note, "SyntaxError") {
		t.Errorf("note %q; want the broken file and its SyntaxError", note)
	}
	if strings.Contains(note, "Compiling") || strings.Contains(note, sources[101]) {
		t.Errorf("note %q names files that compiled", note)
	}
	if sum, _ := log.sum(); sum != int64(len(sources)) {
		t.Errorf("progress added up to %d; want %d", sum, len(sources))
	}
	if missing := missingPycs(opts, sources); len(missing) != 1 || missing[0] != broken {
		t.Errorf("not compiled: %v; want only %s", missing, broken)
	}
}

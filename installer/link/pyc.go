package link

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ProbeTimeout bounds how long `python --version` may take before the
// interpreter is judged unusable on this machine.
var ProbeTimeout = 20 * time.Second

// Interpreter returns the host path of the env's python if it exists and
// runs on this machine, or "" and the reason it cannot be used.
func Interpreter(ctx context.Context, opts *Options) (string, string) {
	py := opts.Python
	if py == nil {
		return "", "the environment has no python"
	}
	if !RunsOnHost(opts.Subdir, opts.hostOS()) {
		return "", fmt.Sprintf("the environment is for %s and this machine runs %s", opts.Subdir, opts.hostOS())
	}
	exe := hostPath(opts.Prefix, py.Interpreter())
	if _, err := os.Stat(exe); err != nil {
		return "", fmt.Sprintf("%q does not exist", exe)
	}
	pctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	cmd := exec.CommandContext(pctx, exe, "--version")
	cmd.Dir = opts.Prefix
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Sprintf("%q does not run here: %v %s", exe, err, strings.TrimSpace(string(out)))
	}
	return exe, ""
}

// Compile byte-compiles the prefix-relative .py files sources with the
// env's python as conda does (`python -Wi -m compileall -l -i LIST -j 0`,
// cwd = prefix), but on every core: compileall compiles the files of a
// list one after another (its -j only spreads the files of a folder), so
// the list is split into one list per worker (opts.Workers, else one per
// CPU) and as many compileall processes run at once. It returns a note
// instead of an error when compiling is skipped or fails: conda only logs
// those too.
//
// progress (may be nil) is told, one call at a time, how many more files
// are done as compileall reaches them: conda passes -q, but without it
// compileall prints a "Compiling 'FILE'..." line as it starts each file
// that is not up to date, which is what is counted (the same .pyc are
// written; one process per worker as before, so it costs no python
// start-ups). Files compileall skips as up to date, or does not reach
// because it failed, are counted when their process ends, so the calls add
// up to len(sources) unless ctx is cancelled.
func Compile(ctx context.Context, opts *Options, sources []string, progress func(int64)) string {
	if len(sources) == 0 {
		return ""
	}
	report := func(int64) {}
	if progress != nil {
		report = syncProgress(progress)
	}
	exe, why := Interpreter(ctx, opts)
	if exe == "" {
		report(int64(len(sources)))
		return "pyc compilation skipped: " + why
	}
	n := min(opts.workers(), (len(sources)+minPycChunk-1)/minPycChunk)
	chunks := make([][]string, n)
	for i, s := range sources {
		chunks[i%n] = append(chunks[i%n], s) // round robin: big and small files spread
	}
	notes := make([]string, n)
	var wg sync.WaitGroup
	for i, c := range chunks {
		wg.Go(func() { notes[i] = compileList(ctx, opts, exe, c, report) })
	}
	wg.Wait()
	var out []string
	for _, s := range notes {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

// minPycChunk is the fewest files worth a python process of their own.
const minPycChunk = 32

// compileList runs one compileall over sources, telling report of each
// file it starts and, when it ends, of those it did not mention.
func compileList(ctx context.Context, opts *Options, exe string, sources []string, report func(int64)) string {
	counted := 0
	defer func() {
		if rest := len(sources) - counted; rest > 0 && ctx.Err() == nil {
			report(int64(rest))
		}
	}()
	list, err := os.CreateTemp(opts.tempDir(), "pyc-*.txt")
	if err != nil {
		return fmt.Sprintf("pyc compilation skipped: failed to write the file list: %v", err)
	}
	defer os.Remove(list.Name())
	_, err = list.WriteString(strings.Join(sources, "\n") + "\n")
	if cerr := list.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Sprintf("pyc compilation skipped: failed to write the file list: %v", err)
	}
	args := []string{"-Wi", "-m", "compileall", "-l", "-i", list.Name()}
	if atLeast36(opts.Python.Version) {
		args = append(args, "-j", "0")
	}
	// What is not a "Compiling" line is a problem report. Without -q
	// compileall names a file that fails only on its "Compiling" line and
	// then prints "*** MESSAGE"; the note puts it as -q would, "*** Error
	// compiling 'FILE'..." and the message.
	var problems, stderr bytes.Buffer
	last := ""
	lines := &lineWriter{line: func(l string) {
		if file, ok := strings.CutPrefix(l, "Compiling "); ok {
			last = file
			if counted < len(sources) {
				counted++
				report(1)
			}
			return
		}
		if msg, ok := strings.CutPrefix(l, "*** "); ok && last != "" {
			problems.WriteString("*** Error compiling " + last + "\n")
			l = msg
		}
		last = ""
		problems.WriteString(l + "\n")
	}}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = opts.Prefix
	// Lines as they are printed, not a pipe's buffer at a time; and in
	// UTF-8, so that a file name the console's code page cannot encode
	// (Windows) does not stop compileall.
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1", "PYTHONIOENCODING=utf-8:backslashreplace")
	cmd.Stdout = lines
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	lines.flush()
	if err != nil {
		return fmt.Sprintf("pyc compilation reported a problem: %v %s", err, strings.TrimSpace(problems.String()+stderr.String()))
	}
	return ""
}

// lineWriter hands line each complete line written to it (without the
// line ending); flush hands it the last, unterminated one.
type lineWriter struct {
	line    func(string)
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.partial = append(w.partial, p...)
			return n, nil
		}
		w.partial = append(w.partial, p[:i]...)
		w.line(strings.TrimSuffix(string(w.partial), "\r"))
		w.partial = w.partial[:0]
		p = p[i+1:]
	}
}

func (w *lineWriter) flush() {
	if len(w.partial) > 0 {
		w.line(string(w.partial))
		w.partial = nil
	}
}

func atLeast36(v string) bool {
	maj, min, _ := strings.Cut(v, ".")
	a, _ := strconv.Atoi(maj)
	b, _ := strconv.Atoi(min)
	return a > 3 || a == 3 && b >= 6
}

// PycTargets returns the host paths of the .pyc files and of the
// __pycache__ folders (that do not exist yet) compiling sources creates.
func PycTargets(opts *Options, sources []string) (files, dirs []string) {
	seen := map[string]bool{}
	for _, s := range sources {
		p := hostPath(opts.Prefix, opts.Python.PycPath(s))
		files = append(files, p)
		d := filepath.Dir(p)
		if !seen[d] {
			seen[d] = true
			if _, err := os.Lstat(d); err != nil {
				dirs = append(dirs, d)
			}
		}
	}
	return files, dirs
}

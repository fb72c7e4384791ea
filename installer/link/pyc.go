package link

import (
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
// env's python as conda does (`python -Wi -m compileall -q -l -i LIST -j 0`,
// cwd = prefix), but on every core: compileall compiles the files of a
// list one after another (its -j only spreads the files of a folder), so
// the list is split into one list per worker (opts.Workers, else one per
// CPU) and as many compileall processes run at once. It returns a note
// instead of an error when compiling is skipped or fails: conda only logs
// those too.
func Compile(ctx context.Context, opts *Options, sources []string) string {
	if len(sources) == 0 {
		return ""
	}
	exe, why := Interpreter(ctx, opts)
	if exe == "" {
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
		wg.Go(func() { notes[i] = compileList(ctx, opts, exe, c) })
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

// compileList runs one compileall over sources.
func compileList(ctx context.Context, opts *Options, exe string, sources []string) string {
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
	args := []string{"-Wi", "-m", "compileall", "-q", "-l", "-i", list.Name()}
	if atLeast36(opts.Python.Version) {
		args = append(args, "-j", "0")
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = opts.Prefix
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Sprintf("pyc compilation reported a problem: %v %s", err, strings.TrimSpace(string(out)))
	}
	return ""
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

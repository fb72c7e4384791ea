package link

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
// env's python as conda does (`python -Wi -m compileall -q -l -i LIST -j
// 0`, cwd = prefix). compileall compiles the files of a list one after
// another (its -j only spreads folders), so onboard splits the list over
// every core (opts.Workers) and runs one compileall per part at once. It returns
// a note instead of an error when compiling is skipped or fails: conda only
// logs those too.
func Compile(ctx context.Context, opts *Options, sources []string) string {
	if len(sources) == 0 {
		return ""
	}
	exe, why := Interpreter(ctx, opts)
	if exe == "" {
		return "pyc compilation skipped: " + why
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	parts := splitSources(sources, workers, minPycPart)
	notes := make([]string, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			notes[i] = compileList(ctx, opts, exe, part)
		}()
	}
	wg.Wait()
	for _, n := range notes {
		if n != "" {
			return n
		}
	}
	return ""
}

// minPycPart is the fewest files worth a compileall process of their own
// (each starts an interpreter, about 20 ms).
const minPycPart = 64

// splitSources cuts sources into at most n parts of at least min files
// each (one part when there are few), keeping their order.
func splitSources(sources []string, n, min int) [][]string {
	if k := len(sources) / min; k < n {
		n = k
	}
	if n < 1 {
		n = 1
	}
	parts := make([][]string, 0, n)
	for i := 0; i < n; i++ {
		lo, hi := i*len(sources)/n, (i+1)*len(sources)/n
		parts = append(parts, sources[lo:hi])
	}
	return parts
}

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

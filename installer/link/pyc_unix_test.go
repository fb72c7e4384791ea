//go:build unix

package link

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// pidWrapper replaces the prefix's python with a script that appends its
// process id to a log and then becomes exe (exec: the same process), so
// the test knows which processes Compile started. --version runs are not
// logged.
func pidWrapper(t *testing.T, opts *Options, exe string) (log string) {
	t.Helper()
	log = filepath.Join(t.TempDir(), "pids.log")
	bin := filepath.Join(opts.Prefix, filepath.FromSlash(opts.Python.Interpreter()))
	os.Remove(bin)
	script := fmt.Sprintf("#!/bin/sh\n[ \"$1\" = --version ] || echo \"$$\" >> %q\nexec %q \"$@\"\n", log, exe)
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return log
}

// TestCompileCancelKillsChildren cancels at the first file reported: the
// compileall processes are killed (gone once Compile returns), the files
// they had not reached are not compiled, and their progress is not
// reported as done.
func TestCompileCancelKillsChildren(t *testing.T) {
	exe, ver := hostPython(t)
	// Modules that take a while each, so that compileall is far from done
	// when the cancel comes.
	var body strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&body, "v%d = [%d, 'x%d', {%d: %d}]\n", i, i, i, i, i)
	}
	modules := make([]string, 200)
	for i := range modules {
		modules[i] = body.String()
	}
	opts, sources := pycPrefix(t, exe, ver, modules, 2)
	log := pidWrapper(t, opts, exe)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	progress := &progressLog{t: t, onCall: cancel}
	note := Compile(ctx, opts, sources, progress.add)

	if !strings.Contains(note, "pyc compilation reported a problem") {
		t.Errorf("note %q; want the killed compileall reported", note)
	}
	raw, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	pids := strings.Fields(string(raw))
	// The second may not have started yet when the cancel came.
	if len(pids) < 1 || len(pids) > opts.Workers {
		t.Fatalf("%d compileall processes started (%v); want 1 to %d", len(pids), pids, opts.Workers)
	}
	for _, p := range pids {
		pid, _ := strconv.Atoi(p)
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("compileall process %d still exists after Compile returned (kill 0: %v)", pid, err)
		}
	}
	if sum, _ := progress.sum(); sum >= int64(len(sources)) {
		t.Errorf("progress added up to %d of %d files after the cancel; want only those reached", sum, len(sources))
	}
	if missing := missingPycs(opts, sources); len(missing) == 0 {
		t.Error("every .pyc was written; the cancel did not stop compileall")
	}
}

// TestCompileFailedProcessCompletesProgress: a compileall that fails
// before compiling anything is a note naming what it printed, and its
// files are still counted, so the stage's progress ends complete.
func TestCompileFailedProcessCompletesProgress(t *testing.T) {
	modules := make([]string, 100)
	for i := range modules {
		modules[i] = "X = 1\n"
	}
	opts, sources := pycPrefix(t, "/bin/true", "3.11", modules, 2)
	bin := filepath.Join(opts.Prefix, filepath.FromSlash(opts.Python.Interpreter()))
	os.Remove(bin)
	script := "#!/bin/sh\n[ \"$1\" = --version ] && exit 0\necho 'no module named compileall' >&2\nexit 3\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	progress := &progressLog{t: t}
	note := Compile(t.Context(), opts, sources, progress.add)
	if !strings.Contains(note, "exit status 3") || !strings.Contains(note, "no module named compileall") {
		t.Errorf("note %q; want the exit status and what the process printed", note)
	}
	if sum, _ := progress.sum(); sum != int64(len(sources)) {
		t.Errorf("progress added up to %d; want %d", sum, len(sources))
	}
}

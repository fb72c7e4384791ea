//go:build linux

package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/link"
	"onboard/internal/realbundle"
)

// The real-bundle case: Debian's Python 3.11 and Jupyter Notebook as real
// conda packages (internal/realbundle), installed whole with
// installer.Install, then its .pyc compilation measured alone: one
// compileall over the whole list (what conda runs) against onboard's
// parts on every core.
const (
	realInstallName  = "real bundle: installer.Install of Debian Python + Jupyter (2 envs)"
	realSerialName   = "real bundle: .pyc of the Jupyter stack, one compileall (conda's way)"
	realParallelName = "real bundle: .pyc of the Jupyter stack, onboard's parts on every core"
)

// measureReal adds the real-bundle steps, or says why it cannot. The
// install's progress trace is kept in out (progress-trace-real.txt).
func measureReal(ctx context.Context, res *results, out, run string) error {
	if err := realbundle.Available(); err != nil {
		fmt.Printf("real bundle: skipped: %v\n", err)
		return nil
	}
	root, err := realbundle.DefaultRoot()
	if err != nil {
		return err
	}
	rb, err := realbundle.Build(ctx, root)
	if err != nil {
		return err
	}
	zip := filepath.Join(run, "real-bundle.zip")
	if err := os.MkdirAll(run, 0o755); err != nil {
		return err
	}
	if _, err := bundle.Build(ctx, bundle.BuildOptions{Spec: rb.Spec, Output: zip}); err != nil {
		return fmt.Errorf("failed to build the real bundle: %w", err)
	}
	if err := readAll(zip); err != nil {
		return err
	}
	prefix := filepath.Join(run, "real-prefix")
	trace, err := filepath.Abs(filepath.Join(out, "progress-trace-real.txt"))
	if err != nil {
		return err
	}
	inst, err := child(ctx, realInstallName, "real-install", zip, prefix, filepath.Join(run, "real-home"), trace)
	if err != nil {
		return err
	}
	res.Steps = append(res.Steps, inst)
	printStep(inst)
	fmt.Println("    " + inst.Note)
	serial, err := child(ctx, realSerialName, "real-pyc", "", "", prefix, "1")
	if err != nil {
		return err
	}
	res.Steps = append(res.Steps, serial)
	printStep(serial)
	par, err := child(ctx, realParallelName, "real-pyc", "", "", prefix, strconv.Itoa(runtime.NumCPU()))
	if err != nil {
		return err
	}
	par.Ratio = par.Seconds / serial.Seconds
	par.CPU = (par.User + par.Sys) / (serial.User + serial.Sys)
	par.Note += " (ratios are to the one-compileall step)"
	res.Steps = append(res.Steps, par)
	printStep(par)
	fmt.Printf("    %s; one compileall used %.1f s of CPU in %.1f s, the parts %.1f s of CPU in %.1f s\n",
		par.Note, serial.User+serial.Sys, serial.Seconds, par.User+par.Sys, par.Seconds)
	return nil
}

// stageTimer is a Reporter that times the install's stages.
type stageTimer struct {
	mu    sync.Mutex
	cur   installer.Stage
	since time.Time
	spent map[installer.Stage]time.Duration
	order []installer.Stage // stages in the order they first ran
}

func newStageTimer() *stageTimer {
	return &stageTimer{spent: map[installer.Stage]time.Duration{}}
}

func (s *stageTimer) Stage(st installer.Stage, _ int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.cur != "" {
		s.spent[s.cur] += now.Sub(s.since)
	}
	if _, seen := s.spent[st]; !seen && st != "" {
		s.spent[st] = 0
		s.order = append(s.order, st)
	}
	s.cur, s.since = st, now
}

// summary ends the current stage and lists the time of each stage, and
// what the run spent outside the stages ("other": the work between them,
// such as the maintenance app and the manifest of an Install), given the
// run's total.
func (s *stageTimer) summary(total time.Duration) string {
	s.Stage("", 0)
	var parts []string
	var sum time.Duration
	for _, st := range s.order {
		parts = append(parts, fmt.Sprintf("%s %.2f s", st, s.spent[st].Seconds()))
		sum += s.spent[st]
	}
	parts = append(parts, fmt.Sprintf("other %.2f s", (total-sum).Seconds()))
	return "stages: " + strings.Join(parts, ", ")
}
func (s *stageTimer) Advance(int64) {}
func (s *stageTimer) Item(string)   {}

// realInstallChild is `child real-install BUNDLE PREFIX HOME TRACE`: the
// whole install, with HOME in the run folder (environments.txt), no
// launchers, its progress trace saved in TRACE ("0": not saved).
func realInstallChild(ctx context.Context, zip, prefix, home, tracePath string) (string, error) {
	os.Setenv("HOME", home)
	os.Unsetenv("XDG_DATA_HOME")
	b, err := bundle.Open(zip)
	if err != nil {
		return "", err
	}
	defer b.Close()
	st := newStageTimer()
	rec := &wizard.TraceRecorder{Next: st, Plan: wizard.PlanInstall(&b.Manifest, realbundle.Subdir)}
	start := time.Now()
	if _, err := installer.Install(ctx, installer.Options{Prefix: prefix, Bundle: b, Subdir: realbundle.Subdir, Reporter: rec}); err != nil {
		return "", err
	}
	if tracePath != "0" {
		if err := writeTrace(tracePath, rec.Done()); err != nil {
			return "", err
		}
	}
	total := time.Since(start)
	st.Stage("", 0)
	return fmt.Sprintf("%.2f s of .pyc compilation (%.0f%% of the install), %.2f s extracting, %.2f s linking",
		st.spent[installer.StageCompile].Seconds(), 100*st.spent[installer.StageCompile].Seconds()/total.Seconds(),
		st.spent[installer.StageExtract].Seconds(), st.spent[installer.StageLink].Seconds()), nil
}

// realPycChild is `child real-pyc - - PREFIX WORKERS`: the team env's
// .pyc removed, then compiled again by link.Compile with that many workers.
func realPycChild(ctx context.Context, prefix string, workers int) (string, error) {
	env := filepath.Join(prefix, "envs", realbundle.JupyterEnv)
	site := filepath.Join(env, "lib", "python3", "dist-packages")
	var sources []string
	err := filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "__pycache__" {
			if err := os.RemoveAll(p); err != nil {
				return err
			}
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".py") && d.Type().IsRegular() {
			rel, _ := filepath.Rel(env, p)
			sources = append(sources, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	py, err := link.NewPython("3.11", "lib/python3/dist-packages", realbundle.Subdir)
	if err != nil {
		return "", err
	}
	opts := &link.Options{Prefix: env, Subdir: realbundle.Subdir, Python: py, TempDir: os.TempDir(), Workers: workers}
	if note := link.Compile(ctx, opts, sources, nil); note != "" && !strings.Contains(note, "reported a problem") {
		return "", fmt.Errorf("compiling: %s", note)
	}
	return fmt.Sprintf("%d .py files, %d worker(s)", len(sources), workers), nil
}

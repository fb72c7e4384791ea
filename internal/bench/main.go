//go:build unix

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"onboard/installer/pkg"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "child" {
		err = runChild(ctx, os.Args[2:])
	} else if len(os.Args) > 1 && os.Args[1] == "scale-child" {
		err = runScaleChild(ctx, os.Args[2:])
	} else {
		err = runBench(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// runChild is one measured step in its own process: child cold|warm
// ENVDIR PKGS PREFIX WORKERS, child real-install BUNDLE PREFIX HOME 0, or
// child real-pyc - - PREFIX WORKERS.
func runChild(ctx context.Context, args []string) error {
	if len(args) != 5 {
		return fmt.Errorf("failed to parse the child arguments %q: want cold|warm ENVDIR PKGS PREFIX WORKERS", args)
	}
	workers, _ := strconv.Atoi(args[4])
	var note string
	var err error
	switch args[0] {
	case "real-install":
		note, err = realInstallChild(ctx, args[1], args[2], args[3])
	case "real-pyc":
		note, err = realPycChild(ctx, args[3], workers)
	default:
		note, err = installChild(ctx, args, workers)
	}
	if err == nil {
		fmt.Printf("%s\nhwm_kb=%d\n", note, peakRSS())
	}
	return err
}

// installChild is the cold or warm InstallEnv of the generated environment.
func installChild(ctx context.Context, args []string, workers int) (string, error) {
	rs, err := requests(args[1], args[2])
	if err != nil {
		return "", err
	}
	step := coldChild
	if args[0] == "warm" {
		step = warmChild
	}
	return step(ctx, rs, args[3], workers)
}

// peakRSS returns this process's VmHWM (KB): the peak RSS of its own
// memory since exec. ru_maxrss of a child is not used for that: Go starts
// children with CLONE_VM, and Linux keeps the parent's high-water mark in
// the child's ru_maxrss at exec.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func requests(envDir, pkgs string) ([]pkg.Request, error) {
	b, err := os.ReadFile(filepath.Join(envDir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("failed to read the manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("failed to parse the manifest: %w", err)
	}
	rs := make([]pkg.Request, len(m.Archives))
	for i, a := range m.Archives {
		rs[i] = pkg.Request{Archive: filepath.Join(envDir, a.Path), PkgsDir: pkgs,
			Expect: pkg.Expect{SHA256: a.SHA256, Size: a.Size}}
	}
	return rs, nil
}

type results struct {
	Seed       uint64        `json:"seed"`
	When       string        `json:"when"`
	CPUs       int           `json:"cpus"`
	Workers    int           `json:"workers"`
	Packages   int           `json:"packages"`
	Files      int           `json:"files"`
	Unpacked   int64         `json:"unpacked_bytes"`
	Archives   int64         `json:"archive_bytes"`
	Conda      int           `json:"conda_archives"`
	GenSeconds float64       `json:"generate_seconds,omitempty"`
	Steps      []measurement `json:"steps"`
	Warning    string        `json:"warning,omitempty"`
}

func runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	seed := fs.Uint64("seed", 1, "seed of the generated environment")
	out := fs.String("out", ".bench", "folder for the generated environment, runs and results")
	workers := fs.Int("workers", runtime.NumCPU(), "extraction workers of onboard")
	keep := fs.Bool("keep", false, "keep the extracted trees (default: delete them at the end)")
	scale := fs.String("scale", "", "run the scale series instead: install, verify and repair of the environment at these sizes, e.g. 1,4,8 (docs/performance.md)")
	scaleSteps := fs.String("scale-steps", "install,verify,repair", "the steps of the scale series (install comes first whenever verify or repair is asked for)")
	real := fs.String("real", "yes", "the real Debian Python + Jupyter bundle case: yes, no, or only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *scale != "" {
		return runScale(ctx, *out, *seed, *scale, *scaleSteps, *keep)
	}
	logf := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	run := filepath.Join(*out, "runs", time.Now().Format("20060102-150405"))
	res := results{Seed: *seed, When: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(), Workers: *workers}
	if *real != "only" {
		t0 := time.Now()
		m, envDir, err := ensureEnv(*out, *seed, runtime.NumCPU(), logf)
		if err != nil {
			return err
		}
		res = describe(m, *seed, *workers)
		if gen := time.Since(t0).Seconds(); gen > 1 {
			res.GenSeconds = gen
		}
		res.Warning = recentDelete(*out)
		if err := measureAll(ctx, &res, envDir, run, m); err != nil {
			return err
		}
	}
	if *real != "no" {
		if err := measureReal(ctx, &res, run); err != nil {
			return err
		}
	}
	if err := save(*out, res); err != nil {
		return err
	}
	if !*keep {
		cleanup(*out, run)
	}
	return nil
}

func describe(m *manifest, seed uint64, workers int) results {
	res := results{Seed: seed, When: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(),
		Workers: workers, Packages: len(m.Archives)}
	for _, a := range m.Archives {
		res.Files += a.Files
		res.Unpacked += a.Unpacked
		res.Archives += a.Size
		if filepath.Ext(a.Path) == ".conda" {
			res.Conda++
		}
	}
	return res
}

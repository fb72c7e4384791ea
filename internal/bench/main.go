//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
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
	} else if len(os.Args) > 1 && os.Args[1] == "replay" {
		err = runReplay(os.Args[2:])
	} else {
		err = runBench(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// runChild is one measured step in its own process:
//
//	child onepass ENVDIR PREFIX       InstallEnv, no package cache
//	child cache ENVDIR PKGS PREFIX    InstallEnv through the package cache
//	child install BUNDLE PREFIX 0|1   installer.Install (1: --keep-package-cache)
//	child verify PREFIX
//	child repair PREFIX BUNDLE
//	child real-install BUNDLE PREFIX HOME TRACE   the real Debian Python + Jupyter bundle (TRACE "0": no progress trace)
//	child real-pyc - - PREFIX WORKERS         its .pyc compilation
//	child program HOME EXE ARGS...    a program (the onboard CLI), HOME its home
//
// It prints a note, then hwm_kb= (peak RSS) and write_bytes= (what it
// caused to be written, /proc/self/io).
func runChild(ctx context.Context, args []string) error {
	bad := fmt.Errorf("failed to parse the child arguments %q", args)
	if len(args) < 2 {
		return bad
	}
	var note string
	var err error
	hwm := peakRSS
	if args[0] == "program" && len(args) >= 4 { // HOME, the program, its command
		// its peak RSS is its own ru_maxrss: this small process starts it,
		// and the benchmark's, whose memory a started program's ru_maxrss
		// takes in (exec keeps the larger), is not its parent
		var rss int64
		rss, err = runProgram(ctx, args[1], args[2], args[3:]...)
		hwm = func() int64 { return rss }
		note = "ran " + filepath.Base(args[2]) + " " + args[3]
	} else if p := os.Getenv("BENCH_CPUPROFILE"); p != "" {
		if f, ferr := os.Create(p); ferr == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	switch {
	case args[0] == "program" && len(args) >= 4:
	case args[0] == "onepass" && len(args) == 3:
		var rs []pkg.Request
		if rs, err = requests(args[1], ""); err == nil {
			note, err = installEnv(ctx, rs, args[2], filepath.Join(args[2], "pkgs"), true)
		}
	case args[0] == "cache" && len(args) == 4:
		var rs []pkg.Request
		if rs, err = requests(args[1], args[2]); err == nil {
			note, err = installEnv(ctx, rs, args[3], args[2], false)
		}
	case args[0] == "install" && len(args) == 4:
		note, err = install(ctx, args[1], args[2], args[3] == "1")
	case args[0] == "verify" && len(args) == 2:
		note, err = verify(ctx, args[1])
	case args[0] == "repair" && len(args) == 3:
		note, err = repair(ctx, args[1], args[2])
	case args[0] == "real-install" && len(args) == 5:
		note, err = realInstallChild(ctx, args[1], args[2], args[3], args[4])
	case args[0] == "real-pyc" && len(args) == 5:
		workers, _ := strconv.Atoi(args[4])
		note, err = realPycChild(ctx, args[3], workers)
	default:
		return bad
	}
	if p := os.Getenv("BENCH_MEMPROFILE"); p != "" && err == nil {
		if f, ferr := os.Create(p); ferr == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	if err == nil {
		io := procIO()
		fmt.Printf("%s\nhwm_kb=%d\nwrite_bytes=%d\nwchar=%d\ncancelled_write_bytes=%d\n", note, hwm(),
			io["write_bytes"], io["wchar"], io["cancelled_write_bytes"])
	}
	return err
}

// writeBytes is write_bytes of /proc/self/io: the bytes this process
// caused to be sent to storage (page-cache writes count when dirtied).
func writeBytes() int64 { return procIO()["write_bytes"] }

// procIO reads /proc/self/io: wchar (bytes passed to write(2) and the
// like: what the program wrote, whole pages or not), write_bytes (pages
// dirtied in the page cache: a 300-byte file counts 4 KiB) and
// cancelled_write_bytes (dirty pages dropped before they reached the
// disk, by a file truncated or deleted soon after it was written).
func procIO() map[string]int64 {
	out := map[string]int64{}
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			out[k] = n
		}
	}
	return out
}

// runProgram runs exe with args, HOME set to home and no XDG folders
// (its launchers and state go into home), its output discarded but for a
// failure's, and returns its peak RSS in KB. Its I/O counts in this
// process's /proc/self/io once it is reaped.
func runProgram(ctx context.Context, home, exe string, args ...string) (int64, error) {
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME=", "XDG_CONFIG_HOME=", "XDG_STATE_HOME=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s: %w: %s", exe, err, out.String())
	}
	return int64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss), nil
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
	Shape      string        `json:"shape"`
	Rounds     int           `json:"rounds"`
	LoadBefore string        `json:"loadavg_before"`
	LoadAfter  string        `json:"loadavg_after"`
	Steps      []measurement `json:"steps"`
	// CLI is the onboard program's install, the median of the rounds
	// (BENCH_ONBOARD): the figure a person timing `onboard install` sees
	CLI     *measurement `json:"cli_install,omitempty"`
	Warning string       `json:"warning,omitempty"`
}

func runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	seed := fs.Uint64("seed", 1, "seed of the generated environment")
	out := fs.String("out", ".bench", "folder for the generated environment, runs and results")
	workers := fs.Int("workers", runtime.NumCPU(), "extraction workers of onboard")
	keep := fs.Bool("keep", false, "keep the extracted trees (default: delete them at the end)")
	shape := fs.String("shape", "default", "environment: default, dense (the shape of issue #15) or files-N (one package of N files)")
	rounds := fs.Int("rounds", 3, "rounds of the alternating shell-loop / onboard runs")
	scale := fs.String("scale", "", "run the scale series instead: install, verify and repair of the environment at these sizes, e.g. 1,4,8 (docs/performance.md)")
	scaleSteps := fs.String("scale-steps", "install,verify,repair", "the steps of the scale series (install comes first whenever verify or repair is asked for)")
	real := fs.String("real", "no", "the real Debian Python + Jupyter bundle case: yes, no, or only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *scale != "" {
		return runScale(ctx, *out, *seed, *scale, *scaleSteps, *keep)
	}
	logf := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	run, err := filepath.Abs(filepath.Join(*out, "runs", time.Now().Format("20060102-150405")))
	if err != nil {
		return err
	}
	res := results{Seed: *seed, When: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(), Workers: *workers}
	if *real != "only" {
		t0 := time.Now()
		m, envDir, err := ensureEnv(*out, *shape, *seed, runtime.NumCPU(), logf)
		if err != nil {
			return err
		}
		res = describe(m, *seed, *workers)
		res.Shape, res.Rounds = *shape, max(1, *rounds)
		if gen := time.Since(t0).Seconds(); gen > 1 {
			res.GenSeconds = gen
		}
		res.Warning = recentDelete(*out)
		if err := measureAll(ctx, &res, envDir, run, m); err != nil {
			return err
		}
	}
	if *real != "no" {
		if err := measureReal(ctx, &res, *out, run); err != nil {
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

//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"onboard/installer/bundle"
	"onboard/installer/maintain"
	"onboard/installer/state"
)

// The scale series (issue #19): the generated environment at several
// multiples of its size (packages, files and bytes), each made into a
// bundle, then a full installer.Install, maintain.Verify and, after a few
// files are deleted, maintain.Repair, each in a child process. For each it
// reports the time per GB and per 10,000 files, the peak RSS and the bytes
// written, and flags costs that grow faster than the environment.

// scaleStep is one measured step of the scale series.
type scaleStep struct {
	Factor     int     `json:"factor"`
	Step       string  `json:"step"` // install, verify, repair
	Packages   int     `json:"packages"`
	Files      int     `json:"files"`
	Unpacked   int64   `json:"unpacked_bytes"`
	Seconds    float64 `json:"seconds"`
	User       float64 `json:"user_s"`
	Sys        float64 `json:"sys_s"`
	PeakRSS    int64   `json:"peak_rss_kb"`
	Written    int64   `json:"write_bytes"` // /proc/self/io write_bytes: what reached the block layer
	WChar      int64   `json:"wchar"`       // /proc/self/io wchar: bytes passed to write()
	SecPerGB   float64 `json:"seconds_per_gb"`
	SecPer10k  float64 `json:"seconds_per_10k_files"`
	WrittenPGB float64 `json:"written_per_gb"`
	Growth     float64 `json:"cost_growth_vs_first,omitempty"` // CPU seconds per file relative to the smallest factor
	RSSGrowth  float64 `json:"rss_growth_vs_first,omitempty"`
	Note       string  `json:"note,omitempty"`
	LoadBefore string  `json:"loadavg_before,omitempty"`
	LoadAfter  string  `json:"loadavg_after,omitempty"`
	// The install step's disk space and time left (scaleprogress.go):
	// TimeLeft as the live install showed it, TimeLeftReplay from its
	// saved trace replayed through this build's progress model, and
	// TimeLeftManifest replayed with the .pyc counted (benchPlan).
	Disk             *diskFigures     `json:"disk,omitempty"`
	TimeLeft         []timeLeftFigure `json:"time_left,omitempty"`
	TimeLeftReplay   []timeLeftFigure `json:"time_left_replay,omitempty"`
	TimeLeftManifest []timeLeftFigure `json:"time_left_manifest_plan,omitempty"`
	Trace            string           `json:"trace,omitempty"` // the saved progress trace
	// Program is the onboard program's own install of the same bundle
	// into another folder (BENCH_ONBOARD), beside the engine's: its peak
	// RSS is what a person sees (audit BI 3: 10-20 MB more)
	Program *measurement `json:"program_install,omitempty"`
}

type scaleResults struct {
	Kind    string      `json:"kind"` // "scale"
	Seed    uint64      `json:"seed"`
	When    string      `json:"when"`
	CPUs    int         `json:"cpus"`
	Steps   []scaleStep `json:"steps"`
	Flags   []string    `json:"flags,omitempty"`
	Warning string      `json:"warning,omitempty"`
}

// Thresholds for flagging growth: the machine is noisy (±25 % between
// runs), so only clear departures from linear are flagged. Growth is
// measured on CPU time (user + system), which other work on the machine
// disturbs far less than wall time.
const (
	maxCostGrowth = 1.35 // CPU seconds per file at N× over that at the smallest size
	maxRSSGrowth  = 1.5  // peak RSS at N× over the smallest size
)

func runScale(ctx context.Context, out string, seed uint64, factorList, stepList string, keep bool) error {
	want := map[string]bool{"install": true}
	for _, st := range strings.Split(stepList, ",") {
		switch st = strings.TrimSpace(st); st {
		case "install", "verify", "repair":
			want[st] = true
		default:
			return fmt.Errorf("-scale-steps %q: want install, verify and/or repair", stepList)
		}
	}
	var factors []int
	for _, f := range strings.Split(factorList, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 || k > 64 {
			return fmt.Errorf("-scale %q: want factors 1..64 separated by commas, e.g. 1,4,8", factorList)
		}
		factors = append(factors, k)
	}
	sort.Ints(factors)
	logf := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	res := scaleResults{Kind: "scale", Seed: seed, When: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(),
		Warning: recentDelete(out)}
	if res.Warning != "" {
		fmt.Println("WARNING:", res.Warning)
	}
	runRoot, err := filepath.Abs(filepath.Join(out, "runs", "scale-"+time.Now().Format("20060102-150405")))
	if err != nil {
		return err
	}
	// Every size's trees stay until the series ends: on a file system that
	// skips recently deleted inodes (ext4 without a journal, as here), a
	// size installed after another size's delete creates its files several
	// times slower (docs/performance.md, "Deleted trees").
	for _, k := range factors {
		steps, err := scaleOne(ctx, out, seed, k, filepath.Join(runRoot, fmt.Sprintf("x%d", k)), want, logf)
		if err != nil {
			return err
		}
		res.Steps = append(res.Steps, steps...)
	}
	if !keep {
		cleanup(out, runRoot)
	}
	res.Flags = scaleFlags(res.Steps)
	printScale(res)
	b, _ := json.Marshal(res)
	f, err := os.OpenFile(filepath.Join(out, "results.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("failed to save the results: %w", err)
	}
	defer f.Close()
	_, err = f.Write(append(b, '\n'))
	return err
}

// scaleOne generates (or reuses) the environment at factor k, makes its
// bundle, and measures install, verify and repair into run.
func scaleOne(ctx context.Context, out string, seed uint64, k int, run string, want map[string]bool, logf func(string, ...any)) ([]scaleStep, error) {
	sh := defaultShape
	sh.Packages, sh.Files, sh.Bytes = sh.Packages*k, sh.Files*k, sh.Bytes*int64(k)
	dir := filepath.Join(out, fmt.Sprintf("env-s%d-v%d", seed, genVersion))
	if k != 1 {
		dir += fmt.Sprintf("-x%d", k)
	}
	m, envDir, err := ensureEnvIn(dir, seed, sh, runtime.NumCPU(), logf)
	if err != nil {
		return nil, err
	}
	bz, err := ensureBundle(ctx, envDir, m)
	if err != nil {
		return nil, err
	}
	d := describe(m, seed, 0)
	fmt.Printf("scale %d×: %d packages, %d files, %.0f MB unpacked, %.0f MB of archives\n", k, d.Packages, d.Files, mb(d.Unpacked), mb(d.Archives))
	if err := readAll(bz); err != nil { // into the page cache, as the normal bench does
		return nil, err
	}
	prefix := filepath.Join(run, "prefix")
	home := filepath.Join(run, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	var steps []scaleStep
	for _, step := range []string{"install", "verify", "repair"} {
		if !want[step] {
			continue
		}
		if step == "repair" {
			n, err := damageEvery(prefix, 1000)
			if err != nil {
				return nil, err
			}
			logf("deleted %d files (one in 1,000) for repair", n)
		}
		var s scaleStep
		if step == "install" {
			s, err = scaleInstall(ctx, out, seed, k, home, bz, prefix)
		} else {
			s, err = scaleChild(ctx, home, step, bz, prefix)
		}
		if err != nil {
			return nil, err
		}
		s.Factor, s.Packages, s.Files, s.Unpacked = k, d.Packages, d.Files, d.Unpacked
		gb := float64(d.Unpacked) / (1 << 30)
		s.SecPerGB, s.SecPer10k, s.WrittenPGB = s.Seconds/gb, s.Seconds/(float64(d.Files)/10000), float64(s.Written)/gb
		fmt.Printf("  %-8s %8.2f s  user %7.2f  sys %7.2f  peak RSS %4d MB  written %6.0f MB  %6.2f s/GB  %6.2f s/10k files  %s\n",
			step, s.Seconds, s.User, s.Sys, s.PeakRSS/1024, mb(s.Written), s.SecPerGB, s.SecPer10k, s.Note)
		printProgressFigures(s)
		steps = append(steps, s)
	}
	// the program's own install of the bundle, into another folder, after
	// the steps: its tree would have pushed the others' out of the page
	// cache before verify read them (8x: 15.6 s against 2.6 s)
	if exe := os.Getenv("BENCH_ONBOARD"); exe != "" && want["install"] {
		m, err := cliInstall(ctx, exe, home, bz, prefix+"-program")
		if err != nil {
			return nil, err
		}
		steps[0].Program = &m
		fmt.Printf("  program  %8.2f s  user %7.2f  sys %7.2f  peak RSS %4d MB  written %6.0f MB  (onboard install --silent)\n",
			m.Seconds, m.User, m.Sys, m.PeakRSS/1024, mb(m.WriteBytes))
	}
	return steps, nil
}

// damageEvery deletes every n-th regular file of the prefix (in a fixed order,
// outside conda-meta, pkgs and .onboard) and returns how many.
func damageEvery(prefix string, n int) (int, error) {
	var files []string
	err := filepath.WalkDir(prefix, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "conda-meta", "pkgs", state.DirName:
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	count := 0
	for i := n / 2; i < len(files); i += n {
		if err := os.Remove(files[i]); err != nil {
			return count, err
		}
		count++
	}
	return count, nil
}

// scaleInstall is the install step: the child installs with the front
// ends' progress model and saves its trace in out; meanwhile the free space
// of the prefix's file system is sampled; then the disk figures are
// worked out and the trace replayed.
func scaleInstall(ctx context.Context, out string, seed uint64, k int, home, bz, prefix string) (scaleStep, error) {
	trace, err := filepath.Abs(filepath.Join(out, fmt.Sprintf("progress-trace-s%d-v%d-x%d.txt", seed, genVersion, k)))
	if err != nil {
		return scaleStep{}, err
	}
	w, err := watchDisk(filepath.Dir(prefix), 200*time.Millisecond)
	if err != nil {
		return scaleStep{}, err
	}
	s, err := scaleChild(ctx, home, "install", bz, prefix, trace)
	peak, at, settled := w.end()
	if err != nil {
		return s, err
	}
	s.Trace = trace
	if s.Disk, err = diskOf(ctx, bz, prefix, peak, settled, at); err != nil {
		return s, err
	}
	b, err := bundle.Open(bz)
	if err != nil {
		return s, err
	}
	defer b.Close()
	if s.TimeLeftReplay, s.TimeLeftManifest, err = replayTrace(trace, &b.Manifest); err != nil {
		return s, err
	}
	return s, nil
}

// scaleChild runs `bench scale-child STEP BUNDLE PREFIX [TRACE]` with HOME
// set to home, and measures it.
func scaleChild(ctx context.Context, home, step, bz, prefix string, extra ...string) (scaleStep, error) {
	self, err := os.Executable()
	if err != nil {
		return scaleStep{}, fmt.Errorf("failed to find the benchmark binary: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, append([]string{"scale-child", step, bz, prefix}, extra...)...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "share"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	var outBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outBuf, &outBuf
	load := loadavg()
	start := time.Now()
	err = cmd.Run()
	s := scaleStep{Step: step, Seconds: time.Since(start).Seconds(), LoadBefore: load, LoadAfter: loadavg()}
	if err != nil {
		return s, fmt.Errorf("scale step %s failed: %w: %s", step, err, outBuf.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	s.User, s.Sys = tv(ru.Utime), tv(ru.Stime)
	for _, l := range strings.Split(outBuf.String(), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), "=")
		n, _ := strconv.ParseInt(v, 10, 64)
		switch {
		case !ok:
		case k == "hwm_kb":
			s.PeakRSS = n
		case k == "write_bytes":
			s.Written = n
		case k == "wchar":
			s.WChar = n
		case k == "note":
			s.Note = v
		case k == "timeleft":
			if f, ok := parseTimeLeft(v); ok {
				s.TimeLeft = append(s.TimeLeft, f)
			}
		}
	}
	return s, nil
}

// runScaleChild is one measured step: scale-child install|verify|repair
// BUNDLE PREFIX, and for install the file to save its progress trace in.
func runScaleChild(ctx context.Context, args []string) error {
	if len(args) < 3 || len(args) != 3+btoi(args[0] == "install") {
		return fmt.Errorf("failed to parse the scale-child arguments %q: want install BUNDLE PREFIX TRACE, or verify|repair BUNDLE PREFIX", args)
	}
	step, bz, prefix := args[0], args[1], args[2]
	var note string
	switch step {
	case "install":
		var err error
		if note, err = installWithProgress(ctx, bz, prefix, args[3]); err != nil {
			return err
		}
	case "verify":
		r, err := maintain.Verify(ctx, prefix, maintain.VerifyOptions{EnvironmentsTxt: "-", SkipLaunchers: true})
		if err != nil {
			return err
		}
		if !r.Healthy {
			return fmt.Errorf("verify found %d problems in a fresh install", len(r.Problems))
		}
		note = "healthy"
	case "repair":
		r, err := maintain.Repair(ctx, prefix, maintain.RepairOptions{BundlePath: bz, EnvironmentsTxt: "-"})
		if err != nil {
			return err
		}
		if len(r.Left) > 0 {
			return fmt.Errorf("repair left %d problems", len(r.Left))
		}
		note = fmt.Sprintf("%d problems, %d fixes", len(r.Before), len(r.Fixed))
	default:
		return fmt.Errorf("unknown scale step %q", step)
	}
	fmt.Printf("note=%s\nhwm_kb=%d\n", note, peakRSS())
	if b, err := os.ReadFile("/proc/self/io"); err == nil {
		fmt.Print(strings.ReplaceAll(string(b), ": ", "="))
	}
	return nil
}

// scaleFlags compares each step's cost per file and peak RSS with the
// smallest factor's.
func scaleFlags(steps []scaleStep) []string {
	first := map[string]*scaleStep{}
	var flags []string
	for i := range steps {
		s := &steps[i]
		f := first[s.Step]
		if f == nil {
			first[s.Step] = s
			continue
		}
		s.Growth = (s.cpu() / float64(s.Files)) / (f.cpu() / float64(f.Files))
		if f.PeakRSS > 0 {
			s.RSSGrowth = float64(s.PeakRSS) / float64(f.PeakRSS)
		}
		if s.Growth > maxCostGrowth {
			flags = append(flags, fmt.Sprintf("%s at %d×: %.2f× the CPU time per file of %d× (more than linear)", s.Step, s.Factor, s.Growth, f.Factor))
		}
		if s.RSSGrowth > maxRSSGrowth {
			flags = append(flags, fmt.Sprintf("%s at %d×: peak RSS %.2f× that of %d× (memory grows with the environment)", s.Step, s.Factor, s.RSSGrowth, f.Factor))
		}
	}
	return flags
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s scaleStep) cpu() float64 { return s.User + s.Sys }

func printScale(res scaleResults) {
	fmt.Println("\nscale series (growth: CPU time per file relative to the smallest size; 1.00 = linear):")
	fmt.Printf("  %-6s %-8s %8s %10s %8s %9s %10s %8s %10s %8s\n", "size", "step", "files", "seconds", "cpu s", "s/GB", "s/10k f", "growth", "peak RSS", "RSS ×")
	for _, s := range res.Steps {
		g, r := "1.00", "1.00"
		if s.Growth > 0 {
			g, r = fmt.Sprintf("%.2f", s.Growth), fmt.Sprintf("%.2f", s.RSSGrowth)
		}
		fmt.Printf("  %-6s %-8s %8d %10.2f %8.2f %9.2f %10.2f %8s %7d MB %8s\n", fmt.Sprintf("%d×", s.Factor), s.Step, s.Files, s.Seconds, s.cpu(), s.SecPerGB, s.SecPer10k, g, s.PeakRSS/1024, r)
	}
	sizes := map[int]bool{}
	for _, s := range res.Steps {
		sizes[s.Factor] = true
	}
	switch {
	case len(sizes) < 2:
		fmt.Println("one size only: nothing to compare growth with")
	case len(res.Flags) == 0:
		fmt.Println("no step grows faster than the environment, and no peak RSS grows with it")
	}
	for _, f := range res.Flags {
		fmt.Println("FLAG:", f)
	}
	printProgressTable(res.Steps)
}

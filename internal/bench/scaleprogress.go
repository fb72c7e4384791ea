//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/platform"
)

// Issue #19 asks that the Welcome step's "Disk space needed", the free-space
// check before an install and the time left the progress shows hold within
// 10% at the scale series' sizes. The install step of the scale series
// measures all three (docs/performance.md, "Scale series").

// progressPercents are where the time left is read.
var progressPercents = []int{10, 25, 50, 75}

// diskFigures is the install step's disk space: the Welcome estimate, what
// the free-space check requires, and what the install really took.
type diskFigures struct {
	Estimate int64 `json:"estimate_bytes"` // wizard.Summarize(...).DiskBytes: the Welcome step and the console
	// EstimateNoPyc is the same formula without the .pyc files, which the
	// generated environment's python (a stand-in with no interpreter)
	// never compiles: what this install really writes, by the estimate.
	EstimateNoPyc int64 `json:"estimate_without_pyc_bytes"`
	Need          int64 `json:"check_needs_bytes"` // platform.RequiredFree of the plan's need (the estimate less a hard-linked bundle): what the free-space check asks for
	Du            int64 `json:"du_bytes"`          // du -sk of the finished prefix, in bytes
	Peak          int64 `json:"peak_bytes"`        // most of the file system's free space in use during the install (statfs)
	// PeakAt is when the peak was seen, in seconds from the start of the child.
	PeakAt float64 `json:"peak_at_s"`
	// Settled is the free space before the install less that after it: what
	// the install left behind, as statfs sees it. Far from Du, other writers
	// on the file system disturbed the statfs figures (or the carried bundle
	// is a hard link, which du counts and statfs does not).
	Settled        int64   `json:"settled_bytes"`
	Carry          string  `json:"carry,omitempty"` // how the bundle was kept for repairs: hard link, reflink or copy
	EstPerDu       float64 `json:"estimate_per_du"`
	EstPerPeak     float64 `json:"estimate_per_peak"`
	NoPycPerDu     float64 `json:"estimate_without_pyc_per_du"`
	NeedPerPeak    float64 `json:"check_per_peak"`
	NeedNoPycPerPk float64 `json:"check_without_pyc_per_peak"`
}

// timeLeftFigure is the time left shown at one percentage of the install.
type timeLeftFigure struct {
	Percent int     `json:"percent"`
	At      float64 `json:"at_s"`     // when the bar first showed it, from the first progress call
	Shown   float64 `json:"shown_s"`  // the time left it showed
	Actual  float64 `json:"actual_s"` // the time that really remained
	Error   float64 `json:"error"`    // (shown - actual) / actual
	Known   bool    `json:"known"`
}

func figuresOf(ss []wizard.TimeLeftSample) []timeLeftFigure {
	var out []timeLeftFigure
	for _, s := range ss {
		out = append(out, timeLeftFigure{Percent: s.Percent, At: s.At.Seconds(), Shown: s.Shown.Seconds(),
			Actual: s.Actual.Seconds(), Error: s.Error(), Known: s.Known})
	}
	return out
}

// diskWatch samples the free space of a file system while an install runs.
type diskWatch struct {
	dir    string
	start  time.Time
	before int64
	mu     sync.Mutex
	least  int64
	leastT time.Duration
	stop   chan struct{}
	done   chan struct{}
}

// freeBytes is the space free for unprivileged users on dir's file system,
// as the free-space check reads it (platform.hostFreeBytes).
func freeBytes(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("failed to read the free space of %q: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// watchDisk starts sampling the free space of dir's file system every
// interval.
func watchDisk(dir string, every time.Duration) (*diskWatch, error) {
	free, err := freeBytes(dir)
	if err != nil {
		return nil, err
	}
	w := &diskWatch{dir: dir, start: time.Now(), before: free, least: free, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				w.sample()
			}
		}
	}()
	return w, nil
}

func (w *diskWatch) sample() {
	free, err := freeBytes(w.dir)
	if err != nil {
		return
	}
	w.mu.Lock()
	if free < w.least {
		w.least, w.leastT = free, time.Since(w.start)
	}
	w.mu.Unlock()
}

// end stops the sampling and returns the peak use, when it was seen, and
// the use left at the end.
func (w *diskWatch) end() (peak int64, at time.Duration, settled int64) {
	close(w.stop)
	<-w.done
	w.sample()
	free, _ := freeBytes(w.dir)
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.before - w.least, w.leastT, w.before - free
}

// duBytes is `du -sk dir` in bytes.
func duBytes(ctx context.Context, dir string) (int64, error) {
	out, err := exec.CommandContext(ctx, "du", "-sk", dir).Output()
	if err != nil {
		return 0, fmt.Errorf("failed to run du -sk %q: %w", dir, err)
	}
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return 0, fmt.Errorf("du -sk %q printed nothing", dir)
	}
	kb, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("du -sk %q printed %q", dir, out)
	}
	return kb * 1024, nil
}

// carryOf reads how the install kept the bundle for repairs from its log.
func carryOf(prefix string) string {
	f, err := os.Open(filepath.Join(prefix, ".onboard", "install.log"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, rest, ok := strings.Cut(sc.Text(), "bundle for repairs: "); ok {
			how, _, _ := strings.Cut(rest, " of ")
			return how
		}
	}
	return ""
}

// diskOf fills the disk figures of an install of bz into prefix.
func diskOf(ctx context.Context, bz, prefix string, peak, settled int64, peakAt time.Duration) (*diskFigures, error) {
	b, err := bundle.Open(bz)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	// The Welcome step's figure; the wizard's Location step (CheckLocation)
	// and the installer's own check before it writes (checkTarget) require
	// the same DiskEstimate, without a package cache.
	est := wizard.Summarize(b, "linux-64").DiskBytes
	noPyc := withoutPyc(b.Manifest.Platforms["linux-64"]).DiskEstimate(wizard.MaintenanceAppBytes(), 0, false)
	du, err := duBytes(ctx, prefix)
	if err != nil {
		return nil, err
	}
	// the check counts the bundle's copy for repairs only when it will not
	// be a hard link (installer.Plan's NeedBytes); du, and so the Welcome
	// step's figure, count it in full (installer.CarriedBeyond)
	pl := b.Platform("linux-64")
	extra := installer.CarriedExtra(b, pl, prefix, false)
	d := &diskFigures{Estimate: est, EstimateNoPyc: noPyc, Need: platform.RequiredFree(est - installer.CarriedBeyond(b, pl) + extra), Du: du, Peak: peak,
		PeakAt: peakAt.Seconds(), Settled: settled, Carry: carryOf(prefix)}
	d.EstPerDu, d.NoPycPerDu = float64(est)/float64(du), float64(noPyc)/float64(du)
	if peak > 0 {
		d.EstPerPeak = float64(est) / float64(peak)
		d.NeedPerPeak = float64(d.Need) / float64(peak)
		d.NeedNoPycPerPk = float64(platform.RequiredFree(noPyc+extra)) / float64(peak)
	}
	return d, nil
}

// withoutPyc is a copy of pl whose packages compile no .py files.
func withoutPyc(pl *bundle.Platform) *bundle.Platform {
	strip := func(ps []bundle.Package) []bundle.Package {
		out := append([]bundle.Package(nil), ps...)
		for i := range out {
			out[i].PyFiles, out[i].PySize = 0, 0
		}
		return out
	}
	cp := &bundle.Platform{Base: strip(pl.Base), Envs: map[string][]bundle.Package{}}
	for n, ps := range pl.Envs {
		cp.Envs[n] = strip(ps)
	}
	return cp
}

// benchPlan is the Plan the front ends would make for the generated
// bundle, told the one thing its manifest cannot say: the python of the
// generated environment is a stand-in with no interpreter (gen.go), so the
// install compiles none of the .py files its noarch: python packages hold.
// With them counted, the model would expect minutes of compiling that
// never come (the time left of that plan is replayed too, for the record).
func benchPlan(m *bundle.Manifest) *wizard.Plan {
	plan := wizard.PlanInstall(m, "linux-64")
	for i := range plan.Envs {
		plan.Envs[i].PyFiles = 0
	}
	return plan
}

// installWithProgress is the scale-child install: installer.Install with
// the front ends' progress model (a wizard.Tracker with the install's
// Plan, ticked every second as the GUI does), recording what the engine
// reported into tracePath and printing the time left shown at each of
// progressPercents as "timeleft=PERCENT AT SHOWN ACTUAL KNOWN" lines.
func installWithProgress(ctx context.Context, bz, prefix, tracePath string) (string, error) {
	b, err := bundle.Open(bz)
	if err != nil {
		return "", err
	}
	defer b.Close()
	plan := benchPlan(&b.Manifest)
	smp := &wizard.TimeLeftSampler{Percents: progressPercents}
	rec := &wizard.TraceRecorder{Plan: plan}
	var mu sync.Mutex
	var t0 time.Time // the first progress call, as the recorder counts
	tr := &wizard.Tracker{Plan: plan, OnChange: func(p wizard.Progress) {
		mu.Lock()
		if t0.IsZero() {
			t0 = time.Now()
		}
		at := time.Since(t0)
		mu.Unlock()
		smp.See(p, at)
	}}
	rec.Next = tr
	tick := time.NewTicker(time.Second)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-tick.C:
				tr.Tick()
			case <-stop:
				return
			}
		}
	}()
	// The engine's log, timed on the trace's clock, beside the trace: what
	// happens while the progress says nothing.
	var logMu sync.Mutex
	var logLines strings.Builder
	logf := func(format string, args ...any) {
		mu.Lock()
		at := time.Duration(0)
		if !t0.IsZero() {
			at = time.Since(t0)
		}
		mu.Unlock()
		logMu.Lock()
		fmt.Fprintf(&logLines, "%d %s\n", at.Milliseconds(), fmt.Sprintf(format, args...))
		logMu.Unlock()
	}
	res, err := installer.Install(ctx, installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", Reporter: rec, Logf: logf})
	trace := rec.Done()
	tick.Stop()
	close(stop)
	if err != nil {
		return "", err
	}
	if tracePath != "" {
		if err := writeTrace(tracePath, trace); err != nil {
			return "", err
		}
		logMu.Lock()
		err := os.WriteFile(strings.TrimSuffix(tracePath, ".txt")+"-log.txt", []byte(logLines.String()), 0o644)
		logMu.Unlock()
		if err != nil {
			return "", fmt.Errorf("failed to save the install's log: %w", err)
		}
	}
	// The recorder's clock starts at the first call, the sampler's at the
	// first notification the Tracker makes for that call: the same moment
	// within microseconds.
	for _, s := range smp.Samples(trace.End) {
		fmt.Println(timeLeftLine(s))
	}
	return fmt.Sprintf("installed %s, changed %v", res.Version, res.Changed), nil
}

func writeTrace(path string, t *wizard.ProgressTrace) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("failed to save the progress trace: %w", err)
	}
	if _, err := t.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("failed to write the progress trace %q: %w", path, err)
	}
	return f.Close()
}

// timeLeftLine is how the child reports a sample to the parent.
func timeLeftLine(s wizard.TimeLeftSample) string {
	return fmt.Sprintf("timeleft=%d %.3f %.3f %.3f %t", s.Percent, s.At.Seconds(), s.Shown.Seconds(), s.Actual.Seconds(), s.Known)
}

// parseTimeLeft reads a "timeleft=" line's value.
func parseTimeLeft(v string) (timeLeftFigure, bool) {
	var f timeLeftFigure
	var known string
	if n, _ := fmt.Sscanf(v, "%d %g %g %g %s", &f.Percent, &f.At, &f.Shown, &f.Actual, &known); n != 5 {
		return f, false
	}
	f.Known = known == "true"
	if f.Actual > 0 {
		f.Error = (f.Shown - f.Actual) / f.Actual
	}
	return f, true
}

// replayTrace replays a saved trace through the progress model as it is
// in this build, with the trace's plan and, when m is given, with the
// plan the front ends make from m (the .pyc counted).
func replayTrace(path string, m *bundle.Manifest) (same, manifest []timeLeftFigure, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to read the progress trace: %w", err)
	}
	defer f.Close()
	t, err := wizard.ReadProgressTrace(f)
	if err != nil {
		return nil, nil, err
	}
	same = figuresOf(t.TimeLeft(progressPercents, time.Second))
	if m != nil {
		t.Plan = wizard.PlanInstall(m, "linux-64")
		manifest = figuresOf(t.TimeLeft(progressPercents, time.Second))
	}
	return same, manifest, nil
}

// printProgressFigures prints the install step's disk and time-left figures.
func printProgressFigures(s scaleStep) {
	if d := s.Disk; d != nil {
		fmt.Printf("  disk at %d×: Welcome estimate %.2f GB; du of the prefix %.2f GB (estimate/du %.3f); peak use %.2f GB at %.0f s (estimate/peak %.3f); left after: %.2f GB by statfs; bundle kept by %s\n",
			s.Factor, gb(d.Estimate), gb(d.Du), d.EstPerDu, gb(d.Peak), d.PeakAt, d.EstPerPeak, gb(d.Settled), firstOf(d.Carry, "?"))
		verdict := "passes only installs that fit"
		switch {
		case d.Peak == 0:
			verdict = "no peak measured"
		case d.NeedPerPeak < 1:
			verdict = "would pass an install that then runs out of room"
		case d.NeedPerPeak > 1.10:
			verdict = "demands more than 10% over what the install needs"
		}
		fmt.Printf("  free-space check at %d×: requires %.2f GB free = %.3f× the peak: %s\n", s.Factor, gb(d.Need), d.NeedPerPeak, verdict)
		fmt.Printf("  without the .pyc this environment cannot compile: estimate %.2f GB = %.3f× du; the check would ask %.3f× the peak\n",
			gb(d.EstimateNoPyc), d.NoPycPerDu, d.NeedNoPycPerPk)
		if d.Du > 0 && (float64(d.Settled) < 0.9*float64(d.Du) || float64(d.Settled) > 1.1*float64(d.Du)) {
			fmt.Printf("  note: statfs saw %.2f GB left behind against du's %.2f GB: other writers on the file system, or a hard-linked bundle (%s)\n",
				gb(d.Settled), gb(d.Du), firstOf(d.Carry, "?"))
		}
	}
	if len(s.TimeLeft) > 0 {
		fmt.Printf("  time left at %d× (load %s → %s):", s.Factor, s.LoadBefore, s.LoadAfter)
		for _, f := range s.TimeLeft {
			if !f.Known {
				fmt.Printf("  %d%% at %.0f s: none shown;", f.Percent, f.At)
				continue
			}
			fmt.Printf("  %d%% at %.0f s: shown %.0f s, remained %.0f s (%+.0f%%);", f.Percent, f.At, f.Shown, f.Actual, 100*f.Error)
		}
		fmt.Println()
	}
	if len(s.TimeLeftManifest) > 0 {
		fmt.Printf("  time left with the .pyc counted (the plan the front ends make for this bundle):")
		for _, f := range s.TimeLeftManifest {
			fmt.Printf("  %d%%: %+.0f%%;", f.Percent, 100*f.Error)
		}
		fmt.Println()
	}
}

func gb(n int64) float64 { return float64(n) / 1e9 }

func firstOf(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// printProgressTable is the summary of the install steps' disk and
// time-left figures, one row per size.
func printProgressTable(steps []scaleStep) {
	head := false
	for _, s := range steps {
		if s.Disk == nil {
			continue
		}
		if !head {
			head = true
			fmt.Println("\ndisk space and time left of the install (issue #19: estimate/du within 0.90–1.10, check/peak within 1.00–1.10, time left")
			fmt.Println("within ±10% from 25% on; \"-pyc\": without the .pyc the generated python cannot compile; wall-clock figures move with the load):")
			fmt.Printf("  %-5s %9s %9s %7s %9s %7s %9s %9s  %-9s %-9s %-9s %-9s %s\n", "size", "estimate", "du", "est/du", "-pyc/du", "peak", "chk/peak", "-pyc chk",
				"left@10%", "left@25%", "left@50%", "left@75%", "load before → after")
		}
		d := s.Disk
		left := make([]string, len(progressPercents))
		for i := range left {
			left[i] = "–"
		}
		for _, f := range s.TimeLeft {
			for i, p := range progressPercents {
				if p == f.Percent && f.Known {
					left[i] = fmt.Sprintf("%+.0f%%", 100*f.Error)
				}
			}
		}
		fmt.Printf("  %-5s %7.2fGB %7.2fGB %7.3f %9.3f %5.2fGB %9.3f %9.3f  %-9s %-9s %-9s %-9s %s → %s\n", fmt.Sprintf("%d×", s.Factor),
			gb(d.Estimate), gb(d.Du), d.EstPerDu, d.NoPycPerDu, gb(d.Peak), d.NeedPerPeak, d.NeedNoPycPerPk, left[0], left[1], left[2], left[3],
			loadOne(s.LoadBefore), loadOne(s.LoadAfter))
	}
}

// loadOne is the one-minute load average of a /proc/loadavg line.
func loadOne(l string) string {
	f := strings.Fields(l)
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// runReplay is `bench replay TRACE...`: each saved progress trace replayed
// through this build's progress model, with the time each stage took.
func runReplay(paths []string) error {
	if len(paths) == 0 {
		return fmt.Errorf("replay: name the progress traces to replay, e.g. .bench/progress-trace-s1-v2-x8.txt")
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("failed to read the progress trace: %w", err)
		}
		t, err := wizard.ReadProgressTrace(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		fmt.Printf("%s: %.1f s in all\n ", p, t.End.Seconds())
		var prev *wizard.TraceEvent
		for i, e := range t.Events {
			if e.Stage == "" {
				continue
			}
			if prev != nil {
				fmt.Printf(" %s %.1f s;", prev.Stage, (e.At - prev.At).Seconds())
			}
			prev = &t.Events[i]
		}
		if prev != nil {
			fmt.Printf(" %s %.1f s\n", prev.Stage, (t.End - prev.At).Seconds())
		}
		for _, s := range t.TimeLeft(progressPercents, time.Second) {
			fmt.Printf("  %d%% at %.1f s: shown %.1f s, remained %.1f s (%+.0f%%)\n", s.Percent, s.At.Seconds(), s.Shown.Seconds(), s.Actual.Seconds(), 100*s.Error())
		}
	}
	return nil
}

package wizard

import (
	"fmt"
	"sync"
	"time"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/internal/humanize"
)

// One progress model serves the GUI, the console and --json: a Tracker
// turns the engine's Reporter calls into Progress snapshots. Given the
// install's Plan it numbers the steps of the whole install (one per env,
// after a copy step when the package cache is kept) and keeps an overall percentage that never goes
// back and reaches 100 only when the front end calls Finish.

// Plan is what an install works through, read from the bundle's manifest
// in the order installer.Install runs it: with Copy, a copy of every
// package file of the subdir into PREFIX/pkgs (--keep-package-cache);
// then each env, base first and the others by name, each package read
// once from the bundle (hashed, unpacked and linked in one pass).
type Plan struct {
	Bytes int64 // every package file of the subdir, each counted once
	Envs  []PlanEnv
	Copy  bool // the install keeps a package cache: a copy step comes first
}

// PlanEnv is one env of a Plan, with what the manifest says its packages
// hold (the size facts are 0 for a bundle built before they were recorded).
type PlanEnv struct {
	Name     string
	Packages int
	Bytes    int64 // its package files
	Files    int   // the files they install
	Unpacked int64 // and their bytes
	PyFiles  int   // .py files compiled to .pyc at install (noarch: python)
	Bz2Bytes int64 // the bytes of its .tar.bz2 package files (slow to decode)
}

// PlanInstall returns the Plan of installing subdir of m; nil when m has
// no payload for subdir.
func PlanInstall(m *bundle.Manifest, subdir string) *Plan {
	p := m.Platforms[subdir]
	if p == nil {
		return nil
	}
	plan := &Plan{}
	seen := map[string]bool{}
	add := func(name string, pkgs []bundle.Package) {
		e := PlanEnv{Name: name, Packages: len(pkgs)}
		envFacts(&e, pkgs)
		for _, pk := range pkgs {
			e.Bytes += pk.Size
			if !seen[pk.ZipPath()] {
				seen[pk.ZipPath()] = true
				plan.Bytes += pk.Size
			}
		}
		plan.Envs = append(plan.Envs, e)
	}
	add("base", p.Base)
	for _, n := range p.EnvNames() {
		add(n, p.Envs[n])
	}
	return plan
}

// Steps is the number of numbered steps of the install: the copy, when
// there is one, and one per env.
func (p *Plan) Steps() int { return p.copySteps() + len(p.Envs) }

func (p *Plan) copySteps() int {
	if p.Copy {
		return 1
	}
	return 0
}

// linkGuess estimates, before the link stage says, how many bytes linking
// an env writes per byte of its package files (for the bytes shown).
const linkGuess = 2

// stageLabels name every stage, for operations without a Plan too.
var stageLabels = map[installer.Stage]string{
	installer.StageCheck:     "Checking the bundle",
	installer.StageExtract:   "Unpacking packages",
	installer.StageLink:      "Installing packages",
	installer.StageScripts:   "Running package scripts",
	installer.StageCompile:   "Compiling Python files",
	installer.StageMetadata:  "Registering the packages", // conda's records, in words a newcomer knows (audit Y2)
	installer.StageLaunchers: "Creating shortcuts",
	installer.StageVerify:    "Verifying files",
	installer.StageRollback:  "Undoing what was done",
}

// UninstallLabels name the stages of an uninstall, for Tracker.Labels:
// it goes through the stages of an install, undoing them, and the bar read
// "Uninstalling: creating launchers" while it removed them (audit AX U3).
var UninstallLabels = map[installer.Stage]string{
	installer.StageScripts:   "Running the packages' removal scripts",
	installer.StageLaunchers: "Removing the shortcuts",
	installer.StageMetadata:  "Removing the files",
}

// copyLabel is the install's first extract stage: the archives are copied
// into PREFIX/pkgs.
const copyLabel = "Copying packages"

// Progress is a snapshot of a Tracker, ready to show.
type Progress struct {
	Stage         installer.Stage
	Label         string  // "Unpacking packages"
	Env           string  // the env being installed; "" outside the env steps
	Num, Count    int     // step Num of Count of the install, from 1; 0 without a Plan
	Item          string  // the package being worked on
	StageDone     int64   // units of the current stage done (bytes or items)
	StageTotal    int64   // and in all; 0 when unknown
	StageFraction float64 // 0..1 of the current stage; 0 when its total is unknown
	Fraction      float64 // 0..1 of the whole operation; never goes back
	Percent       int     // Fraction in whole percent; 100 only once finished
	BytesDone     int64   // bytes read or written so far
	BytesTotal    int64   // about how many in all; 0 when unknown
	BytesPerSec   float64 // 0 when unknown
	Left          time.Duration
	LeftKnown     bool
	Done          bool // Finish was called
}

// Title is the step and what it does: "[3/4] base: Unpacking packages".
func (p Progress) Title() string {
	s := p.Label
	if p.Env != "" {
		s = p.Env + ": " + s
	}
	if p.Num > 0 {
		s = fmt.Sprintf("[%d/%d] %s", p.Num, p.Count, s)
	}
	return s
}

// Line is the console's plain line: "[3/4] base: Unpacking packages...
// 42% (about 40 s left)"; for one stage without a Plan, "Verifying
// files... 42% (1.2 MB of 4.0 MB, 3.1 MB/s, about 40 s left)".
func (p Progress) Line() string {
	s := fmt.Sprintf("%s... %d%%", p.Title(), p.Percent)
	if p.Done { // "[2/2] Installed 100%": no "..." once it is over
		s = fmt.Sprintf("%s %d%%", p.Title(), p.Percent)
	}
	var extra []string
	if b := p.Bytes(); b != "" {
		extra = append(extra, b)
	}
	if d := p.Detail(); d != "" {
		extra = append(extra, d)
	}
	if len(extra) > 0 {
		s += " (" + join(extra) + ")"
	}
	return s
}

// Bytes is "1.2 MB of 4.0 MB" where the bar is that count: one
// stage without a Plan (a verify hashing its bytes). It is "" when
// nothing is counted yet, and for a planned install, whose bar weighs each
// stage by its time and whose bytes (read, then written) reach their total
// long before the install ends: a figure beside the bar that disagrees
// with it tells a person nothing (--json still carries the counts).
func (p Progress) Bytes() string {
	switch {
	case p.BytesDone == 0 || p.Count > 0:
		return ""
	case p.BytesTotal > 0:
		return humanize.Bytes(p.BytesDone) + " of " + humanize.Bytes(p.BytesTotal) // the recorded sizes: no "about" (audit Y2)
	default:
		return humanize.Bytes(p.BytesDone)
	}
}

// Detail is the speed and the time left: "12.3 MB/s, about 1 min left";
// for a planned install only the time left, as its bytes are not what the
// bar counts (see Bytes).
func (p Progress) Detail() string {
	var parts []string
	if p.BytesPerSec > 0 && p.Count == 0 {
		parts = append(parts, humanize.Bytes(int64(p.BytesPerSec))+"/s")
	}
	if p.LeftKnown {
		parts = append(parts, leftText(p.Left))
	}
	return join(parts)
}

func join(parts []string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}

// leftText says the time left: "a few seconds left", "about 40 s left".
func leftText(d time.Duration) string {
	if d < 10*time.Second {
		return "a few seconds left"
	}
	return "about " + humanDuration(d) + " left"
}

func humanDuration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return "a few seconds"
	case d < 90*time.Second:
		return fmt.Sprintf("%d s", int(d.Seconds()+0.5))
	default:
		return fmt.Sprintf("%d min", int(d.Minutes()+0.5))
	}
}

// Tracker is an installer.Reporter that keeps the state of a long
// operation for a user interface. Its methods never block; OnChange, when
// set, is called after a change: at each stage, item and whole percent,
// and otherwise at most every Interval. It must itself not block: the GUI
// hands the update to fyne.Do.
type Tracker struct {
	OnChange func(Progress)
	Interval time.Duration    // 0 = 100ms
	Now      func() time.Time // nil = time.Now
	// Plan numbers the steps of an install and weighs them; nil = an
	// operation shown stage by stage (verify, repair, uninstall).
	Plan *Plan
	// Labels name stages instead of the install's words (UninstallLabels);
	// a stage it leaves out keeps its install label.
	Labels map[installer.Stage]string

	mu         sync.Mutex
	nmu        sync.Mutex // serialises OnChange calls
	p          Progress
	total      int64 // of the current stage
	done       int64
	start      time.Time // of the operation (of the stage without a Plan)
	stageStart time.Time // of the current stage
	byteStart  time.Time // first byte counted
	lastNotify time.Time
	costs      *planCosts
	linkBytes  []int64 // per env: the link stage's total, or a guess
	stageBytes bool    // the current stage counts bytes
	bytesPrev  int64   // bytes of finished stages
	sub        float64 // share of the env step before the current stage
	subW       float64 // share of the env step of the current stage
}

var _ installer.Reporter = (*Tracker)(nil)

func (t *Tracker) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Stage starts stage s whose work totals total units.
func (t *Tracker) Stage(s installer.Stage, total int64) {
	t.mu.Lock()
	now := t.now()
	if t.start.IsZero() || t.Plan == nil && s != installer.StageRollback {
		t.start = now
	}
	if t.Plan != nil && t.linkBytes == nil {
		t.linkBytes = make([]int64, len(t.Plan.Envs))
		for i, e := range t.Plan.Envs {
			t.linkBytes[i] = e.Bytes * linkGuess
		}
	}
	if t.stageBytes {
		t.bytesPrev += t.done
	}
	t.p.Stage, t.p.Item, t.total, t.done = s, "", total, 0
	t.stageStart = now
	t.p.StageFraction = 0
	t.stageBytes = isByteStage(s)
	if t.stageBytes && t.byteStart.IsZero() {
		t.byteStart = now
	}
	t.p.Label = t.Labels[s]
	if t.p.Label == "" {
		t.p.Label = stageLabels[s]
	}
	if t.p.Label == "" {
		t.p.Label = string(s)
	}
	if t.Plan == nil {
		t.p.Fraction, t.p.Percent = 0, 0
	} else {
		t.enterStep(s, total)
	}
	t.update(now)
	t.lastNotify = now
	t.mu.Unlock()
	t.notify()
}

// enterStep moves the step count on for stage s of an install; t.mu is
// held.
func (t *Tracker) enterStep(s installer.Stage, total int64) {
	t.p.Count = t.Plan.Steps()
	switch {
	case s == installer.StageRollback:
		t.p.Env = "" // the bar stays where the install stopped
		return
	case s == installer.StageCheck:
		return // a check before the steps (the bundle's hashes), not a step of its own
	case s == installer.StageExtract && t.Plan.Copy && t.p.Num == 0:
		t.p.Num, t.p.Label = 1, copyLabel
		return
	case s == installer.StageExtract && t.p.Num < t.p.Count:
		t.p.Num++
		t.sub = 0
	}
	if env := t.p.Num - 1 - t.Plan.copySteps(); env >= 0 && env < len(t.Plan.Envs) {
		t.p.Env = t.Plan.Envs[env].Name
		before, share := t.planCosts().envs[env].stageShare(s)
		t.sub, t.subW = max(t.sub, before), share
		if s == installer.StageLink {
			t.linkBytes[env] = total
		}
	}
	if s == installer.StageLaunchers {
		// the shortcuts are the install's, in the applications menu, not
		// the last env's ("team: Creating shortcuts": audit BO 7)
		t.p.Env = ""
	}
}

// planCosts returns the Plan's costs, worked out once; t.mu is held.
func (t *Tracker) planCosts() *planCosts {
	if t.costs == nil {
		c := t.Plan.costs()
		t.costs = &c
	}
	return t.costs
}

// Advance adds n units of work done.
func (t *Tracker) Advance(n int64) {
	t.mu.Lock()
	now := t.now()
	t.done += n
	pct := t.p.Percent
	t.update(now)
	due := t.p.Percent != pct || now.Sub(t.lastNotify) >= t.interval()
	if due {
		t.lastNotify = now
	}
	t.mu.Unlock()
	if due {
		t.notify()
	}
}

// Item names what is being worked on.
func (t *Tracker) Item(name string) {
	t.mu.Lock()
	t.p.Item = name
	t.mu.Unlock()
	t.notify()
}

// Finish marks the operation done: 100%, label said by the front end
// ("Installed").
func (t *Tracker) Finish(label string) {
	t.mu.Lock()
	t.p.Fraction, t.p.Percent, t.p.Done = 1, 100, true
	t.p.StageFraction, t.p.LeftKnown, t.p.Left = 1, false, 0
	t.p.Label, t.p.Env, t.p.Item = label, "", ""
	if t.p.Count > 0 {
		t.p.Num = t.p.Count
	}
	if t.p.BytesDone > 0 {
		// the total was "about"; once done it is what was done (the last
		// event had 3,718,364 of 3,718,366 bytes at 100%, audit Y3)
		t.p.BytesTotal = t.p.BytesDone
	}
	t.mu.Unlock()
	t.notify()
}

// Tick recomputes speed and time left when the engine has been quiet for
// a while (a big file being written); the GUI calls it every second.
func (t *Tracker) Tick() {
	t.mu.Lock()
	if t.start.IsZero() || t.p.Done {
		t.mu.Unlock()
		return
	}
	t.update(t.now())
	t.mu.Unlock()
	t.notify()
}

// Snapshot returns the current progress.
func (t *Tracker) Snapshot() Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.p
}

func (t *Tracker) interval() time.Duration {
	if t.Interval > 0 {
		return t.Interval
	}
	return 100 * time.Millisecond
}

// notify calls OnChange with the latest snapshot, one call at a time, so
// that what a front end sees never goes back even when the engine reports
// from several goroutines.
func (t *Tracker) notify() {
	if t.OnChange == nil {
		return
	}
	t.nmu.Lock()
	defer t.nmu.Unlock()
	t.OnChange(t.Snapshot())
}

// update recomputes the derived fields; t.mu is held.
func (t *Tracker) update(now time.Time) {
	if t.p.Done {
		return
	}
	t.p.StageDone, t.p.StageTotal = t.done, t.total
	if t.total > 0 {
		t.p.StageFraction = min(1, float64(t.done)/float64(t.total))
	}
	f := t.p.StageFraction
	t.p.BytesDone, t.p.BytesTotal = t.bytesPrev, 0
	if t.Plan == nil {
		t.p.BytesDone = 0 // each stage is its own bar
	}
	if t.stageBytes {
		t.p.BytesDone += t.done
	}
	if t.Plan != nil {
		f = t.overall()
		t.p.BytesTotal = int64(t.Plan.copySteps()) * t.Plan.Bytes
		for i, e := range t.Plan.Envs {
			t.p.BytesTotal += e.Bytes + t.linkBytes[i]
		}
	} else if t.stageBytes {
		t.p.BytesTotal = t.total
	}
	if t.p.BytesTotal < t.p.BytesDone {
		t.p.BytesTotal = t.p.BytesDone
	}
	if t.p.Stage != installer.StageRollback && f > t.p.Fraction {
		t.p.Fraction = min(f, 1)
	}
	t.p.Percent = min(99, int(t.p.Fraction*100))
	if el := now.Sub(t.byteStart).Seconds(); !t.byteStart.IsZero() && el > 0.5 {
		t.p.BytesPerSec = float64(t.p.BytesDone) / el
	}
	el := now.Sub(t.start)
	t.p.LeftKnown = t.p.Fraction > 0.02 && el > time.Second && t.p.Stage != installer.StageRollback
	if t.p.LeftKnown {
		t.p.Left = t.left(el, now.Sub(t.stageStart))
	}
}

// stageOwnWeight is how many seconds of the install's pace the current
// stage's own pace is weighed against, so that a stage's first moments,
// when its pace says little, do not move the time left.
const stageOwnWeight = 0.5

// left is the time left el into the install and es into its stage: the
// elapsed time scaled by the share still to do, except that the rest of
// the current stage goes at that stage's own pace once it has one. The
// stages of an install do not keep the model's ratios on every machine:
// unpacking's cost per byte moves with the page cache and the machine's
// memory (docs/performance.md, "Time left across the machine's states")
// while linking's does not, and a stage that has run a while knows its
// own pace better than the model does. The stages after it are still
// scaled by the whole's pace. t.mu is held.
func (t *Tracker) left(el, es time.Duration) time.Duration {
	f := t.p.Fraction
	kg := el.Seconds() / f // seconds per share of the install, so far
	left := kg * (1 - f)
	w := t.stageWeight()
	if sf := t.stageDone(); w > 0 && sf > 0 && sf < 1 && es > 0 {
		ks := es.Seconds() / (w * sf) // the same, in this stage
		k := (es.Seconds()*ks + stageOwnWeight*kg) / (es.Seconds() + stageOwnWeight)
		left += (1 - sf) * w * (k - kg)
	}
	return time.Duration(max(0, left) * float64(time.Second))
}

// stageWeight is the current stage's share of the whole install by the
// model, or 0 when it has none (no Plan, a check, the launchers); t.mu is
// held.
func (t *Tracker) stageWeight() float64 {
	if t.Plan == nil || t.p.Num == 0 {
		return 0
	}
	c := t.planCosts()
	i := t.p.Num - 1
	if c.total <= 0 || i >= len(c.steps) {
		return 0
	}
	w := c.steps[i] / c.total
	if t.p.Num > t.Plan.copySteps() {
		w *= t.subW
	}
	return w
}

// overall is the share of the install done, by the progress model's
// costs; t.mu is held.
func (t *Tracker) overall() float64 {
	c := t.planCosts()
	if c.total <= 0 || t.p.Num == 0 {
		return 0
	}
	var before, cur float64
	for i, u := range c.steps {
		if i < t.p.Num-1 {
			before += u
		} else if i == t.p.Num-1 {
			cur = u
		}
	}
	in := t.p.StageFraction
	if t.p.Num > t.Plan.copySteps() { // an env's step, made of its stages
		in = t.sub + t.subW*t.stageDone()
	}
	return (before + cur*min(in, 1)) / c.total
}

// stageDone is the share of the current stage's expected time that is
// done: its share of work, except in an env's extraction, whose cost per
// unit rises as it goes (extractGrowthPerGiB); t.mu is held.
func (t *Tracker) stageDone() float64 {
	sf := t.p.StageFraction
	if t.Plan == nil || t.p.Stage != installer.StageExtract {
		return sf
	}
	env := t.p.Num - 1 - t.Plan.copySteps()
	if env < 0 || env >= len(t.Plan.Envs) {
		return sf
	}
	return extractTimeShare(sf, t.Plan.Envs[env].growth())
}

func isByteStage(s installer.Stage) bool {
	return s == installer.StageCheck || s == installer.StageExtract || s == installer.StageLink || s == installer.StageVerify
}

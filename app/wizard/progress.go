package wizard

import (
	"fmt"
	"sync"
	"time"

	"onboard/installer"
	"onboard/internal/humanize"
)

// stageInfo is how a stage of an install is shown, and its share of the
// whole progress bar.
type stageInfo struct {
	stage  installer.Stage
	label  string
	weight float64
}

// installStages are the stages of an install in the order they run.
var installStages = []stageInfo{
	{installer.StageCheck, "Checking the bundle", 2},
	{installer.StageExtract, "Unpacking packages", 45},
	{installer.StageLink, "Installing packages", 35},
	{installer.StageScripts, "Running package scripts", 5},
	{installer.StageCompile, "Compiling Python files", 8},
	{installer.StageMetadata, "Writing conda records", 2},
	{installer.StageLaunchers, "Creating launchers", 3},
}

// otherLabels names the stages that are not part of an install.
var otherLabels = map[installer.Stage]string{
	installer.StageVerify:   "Verifying files",
	installer.StageRollback: "Rolling back",
}

// Progress is a snapshot of a Tracker, ready to show.
type Progress struct {
	Stage         installer.Stage
	Label         string  // "Unpacking packages"
	Num, Count    int     // position of the stage among installStages, from 1; 0 if none
	Item          string  // the package being worked on
	StageFraction float64 // 0..1 of the current stage; 0 when its total is unknown
	Fraction      float64 // 0..1 of the whole install; never goes back
	BytesPerSec   float64 // 0 when unknown
	Left          time.Duration
	LeftKnown     bool
}

// Line is the console form: "[3/7] Installing packages... 42%".
func (p Progress) Line() string {
	pct := int(p.StageFraction*100 + 0.5)
	if p.Num == 0 {
		return fmt.Sprintf("%s... %d%%", p.Label, pct)
	}
	return fmt.Sprintf("[%d/%d] %s... %d%%", p.Num, p.Count, p.Label, pct)
}

// Detail is one line of speed and time left: "12.3 MB/s, about 1 min left".
func (p Progress) Detail() string {
	var s string
	if p.BytesPerSec > 0 {
		s = humanize.Bytes(int64(p.BytesPerSec)) + "/s"
	}
	if p.LeftKnown {
		if s != "" {
			s += ", "
		}
		s += "about " + humanDuration(p.Left) + " left"
	}
	return s
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
// set, is called after a change (at most every Interval for Advance) and
// must itself not block: the GUI hands the update to fyne.Do.
type Tracker struct {
	OnChange func(Progress)
	Interval time.Duration    // 0 = 100ms
	Now      func() time.Time // nil = time.Now

	mu         sync.Mutex
	p          Progress
	total      int64
	done       int64
	start      time.Time
	byteStart  time.Time
	bytesDone  int64
	lastNotify time.Time
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
	if t.start.IsZero() {
		t.start = now
	}
	t.p.Stage, t.p.Item, t.total, t.done = s, "", total, 0
	t.p.Label, t.p.Num, t.p.Count = stageLabel(s)
	t.p.StageFraction = 0
	if isByteStage(s) {
		t.byteStart, t.bytesDone = now, 0
	}
	t.update(now)
	p := t.p
	t.lastNotify = now
	t.mu.Unlock()
	t.notify(p)
}

// Advance adds n units of work done.
func (t *Tracker) Advance(n int64) {
	t.mu.Lock()
	now := t.now()
	t.done += n
	if isByteStage(t.p.Stage) {
		t.bytesDone += n
	}
	t.update(now)
	p, due := t.p, now.Sub(t.lastNotify) >= t.interval()
	if due {
		t.lastNotify = now
	}
	t.mu.Unlock()
	if due {
		t.notify(p)
	}
}

// Item names what is being worked on.
func (t *Tracker) Item(name string) {
	t.mu.Lock()
	t.p.Item = name
	p := t.p
	t.mu.Unlock()
	t.notify(p)
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

func (t *Tracker) notify(p Progress) {
	if t.OnChange != nil {
		t.OnChange(p)
	}
}

// update recomputes the derived fields; t.mu is held.
func (t *Tracker) update(now time.Time) {
	if t.total > 0 {
		t.p.StageFraction = min(1, float64(t.done)/float64(t.total))
	}
	if f := overall(t.p.Stage, t.p.StageFraction); f > t.p.Fraction {
		t.p.Fraction = f
	}
	if el := now.Sub(t.byteStart).Seconds(); isByteStage(t.p.Stage) && el > 0.5 {
		t.p.BytesPerSec = float64(t.bytesDone) / el
	}
	el := now.Sub(t.start)
	t.p.LeftKnown = t.p.Fraction > 0.02 && el > time.Second
	if t.p.LeftKnown {
		t.p.Left = time.Duration(float64(el) * (1 - t.p.Fraction) / t.p.Fraction)
	}
}

func isByteStage(s installer.Stage) bool {
	return s == installer.StageExtract || s == installer.StageLink || s == installer.StageVerify
}

func stageLabel(s installer.Stage) (label string, num, count int) {
	for i, si := range installStages {
		if si.stage == s {
			return si.label, i + 1, len(installStages)
		}
	}
	if l, ok := otherLabels[s]; ok {
		return l, 0, 0
	}
	return string(s), 0, 0
}

// overall is the share of an install done when stage s is frac done.
func overall(s installer.Stage, frac float64) float64 {
	var sum, before, w float64
	found := false
	for _, si := range installStages {
		sum += si.weight
		if si.stage == s {
			found, w = true, si.weight
		} else if !found {
			before += si.weight
		}
	}
	if !found {
		return 0
	}
	return (before + w*frac) / sum
}

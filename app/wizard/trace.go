package wizard

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"onboard/installer"
)

// A ProgressTrace is what an install told its Reporter, with the times, so
// that the progress model can be replayed and checked against the time the
// install really took (the benchmark's scale series records one; the unit
// tests replay it). Advance calls close together are summed into one event.
type ProgressTrace struct {
	Plan   *Plan
	Events []TraceEvent
	End    time.Duration // when the install returned, from the first call
}

// TraceEvent is one Stage call (Stage set) or a sum of Advance calls.
type TraceEvent struct {
	At      time.Duration // since the first call
	Stage   installer.Stage
	Total   int64 // of the stage
	Advance int64
}

// TraceRecorder is an installer.Reporter that records a ProgressTrace and
// passes every call on to Next (a Tracker, say).
type TraceRecorder struct {
	Next   installer.Reporter
	Plan   *Plan
	Window time.Duration    // Advance calls within it are one event; 0 = 100ms
	Now    func() time.Time // nil = time.Now

	mu        sync.Mutex
	start     time.Time
	events    []TraceEvent
	pending   int64     // advanced since the last event
	pendFirst time.Time // the first of those calls
	pendAt    time.Time // and the last
}

var _ installer.Reporter = (*TraceRecorder)(nil)

func (r *TraceRecorder) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// since returns the time of now from the first call; r.mu is held.
func (r *TraceRecorder) since(now time.Time) time.Duration {
	if r.start.IsZero() {
		r.start = now
	}
	return now.Sub(r.start)
}

// flush writes the pending Advance calls as one event; r.mu is held.
func (r *TraceRecorder) flush() {
	if r.pending != 0 {
		r.events = append(r.events, TraceEvent{At: r.since(r.pendAt), Advance: r.pending})
		r.pending = 0
	}
}

// Stage records the start of a stage.
func (r *TraceRecorder) Stage(s installer.Stage, total int64) {
	r.mu.Lock()
	r.flush()
	r.events = append(r.events, TraceEvent{At: r.since(r.now()), Stage: s, Total: total})
	r.mu.Unlock()
	if r.Next != nil {
		r.Next.Stage(s, total)
	}
}

// Advance records work done.
func (r *TraceRecorder) Advance(n int64) {
	r.mu.Lock()
	now := r.now()
	r.since(now)
	w := r.Window
	if w <= 0 {
		w = 100 * time.Millisecond
	}
	if r.pending != 0 && now.Sub(r.pendFirst) >= w {
		r.flush()
	}
	if r.pending == 0 {
		r.pendFirst = now
	}
	r.pending += n
	r.pendAt = now
	r.mu.Unlock()
	if r.Next != nil {
		r.Next.Advance(n)
	}
}

// Item is passed on, not recorded: it does not move the progress.
func (r *TraceRecorder) Item(name string) {
	if r.Next != nil {
		r.Next.Item(name)
	}
}

// Done ends the recording (the install has returned) and returns it.
func (r *TraceRecorder) Done() *ProgressTrace {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flush()
	return &ProgressTrace{Plan: r.Plan, Events: append([]TraceEvent(nil), r.events...), End: r.since(r.now())}
}

// The text form of a trace: a header line, the plan as JSON, then one line
// per event in milliseconds, and the end.
//
//	onboard progress trace 1
//	plan {"Bytes":...}
//	0 stage extract 2147483648
//	105 advance 1048576
//	...
//	312000 end
const traceHeader = "onboard progress trace 1"

// WriteTo writes the trace in its text form.
func (t *ProgressTrace) WriteTo(w io.Writer) (int64, error) {
	plan, err := json.Marshal(t.Plan)
	if err != nil {
		return 0, fmt.Errorf("failed to encode the trace's plan: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nplan %s\n", traceHeader, plan)
	for _, e := range t.Events {
		if e.Stage != "" {
			fmt.Fprintf(&b, "%d stage %s %d\n", e.At.Milliseconds(), e.Stage, e.Total)
		} else {
			fmt.Fprintf(&b, "%d advance %d\n", e.At.Milliseconds(), e.Advance)
		}
	}
	fmt.Fprintf(&b, "%d end\n", t.End.Milliseconds())
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// ReadProgressTrace reads a trace that WriteTo wrote.
func ReadProgressTrace(rd io.Reader) (*ProgressTrace, error) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	t := &ProgressTrace{}
	line, ended := 0, false
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		bad := func(why string) error { return fmt.Errorf("progress trace line %d %q: %s", line, s, why) }
		switch {
		case line == 1:
			if s != traceHeader {
				return nil, bad("not a progress trace (want " + traceHeader + ")")
			}
			continue
		case line == 2:
			js, ok := strings.CutPrefix(s, "plan ")
			if !ok {
				return nil, bad("want the plan")
			}
			if err := json.Unmarshal([]byte(js), &t.Plan); err != nil {
				return nil, bad(err.Error())
			}
			continue
		case s == "" || ended:
			continue
		}
		f := strings.Fields(s)
		ms, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return nil, bad("want the milliseconds first")
		}
		at := time.Duration(ms) * time.Millisecond
		switch {
		case len(f) == 2 && f[1] == "end":
			t.End, ended = at, true
		case len(f) == 3 && f[1] == "advance":
			n, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				return nil, bad("want a number of units")
			}
			t.Events = append(t.Events, TraceEvent{At: at, Advance: n})
		case len(f) == 4 && f[1] == "stage":
			n, err := strconv.ParseInt(f[3], 10, 64)
			if err != nil {
				return nil, bad("want the stage's total")
			}
			t.Events = append(t.Events, TraceEvent{At: at, Stage: installer.Stage(f[2]), Total: n})
		default:
			return nil, bad("want 'MS stage NAME TOTAL', 'MS advance N' or 'MS end'")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("failed to read the progress trace: %w", err)
	}
	if line < 2 || t.Plan == nil || !ended {
		return nil, fmt.Errorf("the progress trace is incomplete: %d lines, no end line", line)
	}
	return t, nil
}

// TimeLeftSample is the time left a Tracker showed when its percentage
// first reached Percent, against the time that really remained.
type TimeLeftSample struct {
	Percent int           `json:"percent"`
	At      time.Duration `json:"at_ns"`     // since the install started
	Shown   time.Duration `json:"shown_ns"`  // the time left shown; 0 when not yet known
	Actual  time.Duration `json:"actual_ns"` // End - At
	Known   bool          `json:"known"`     // a time left was shown
}

// Error is (shown - actual) / actual: +0.2 says 20% too long.
func (s TimeLeftSample) Error() float64 {
	if s.Actual <= 0 {
		return 0
	}
	return float64(s.Shown-s.Actual) / float64(s.Actual)
}

// TimeLeftSampler watches a Tracker's snapshots (its OnChange) and keeps
// the time left shown when the percentage first reaches each of Percents.
type TimeLeftSampler struct {
	Percents []int
	mu       sync.Mutex
	got      []TimeLeftSample
}

// See is the Tracker's OnChange: p was shown at.
func (s *TimeLeftSampler) See(p Progress, at time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.got) < len(s.Percents) && p.Percent >= s.Percents[len(s.got)] && !p.Done {
		smp := TimeLeftSample{Percent: s.Percents[len(s.got)], At: at, Known: p.LeftKnown}
		if p.LeftKnown {
			smp.Shown = p.Left
		}
		s.got = append(s.got, smp)
	}
}

// Samples returns what was seen, with the time that really remained when
// the install ended at end.
func (s *TimeLeftSampler) Samples(end time.Duration) []TimeLeftSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]TimeLeftSample(nil), s.got...)
	for i := range out {
		out[i].Actual = end - out[i].At
	}
	return out
}

// TimeLeft replays the trace through a new Tracker on the trace's own
// clock, with a Tick every tick as the GUI does (0: none), and returns the
// time left it shows when it first reaches each of percents.
func (t *ProgressTrace) TimeLeft(percents []int, tick time.Duration) []TimeLeftSample {
	var clock time.Duration
	base := time.Unix(0, 0)
	smp := &TimeLeftSampler{Percents: percents}
	tr := &Tracker{Plan: t.Plan, Now: func() time.Time { return base.Add(clock) }}
	tr.OnChange = func(p Progress) { smp.See(p, clock) }
	nextTick := tick
	for _, e := range t.Events {
		for tick > 0 && nextTick < e.At {
			clock = nextTick
			tr.Tick()
			nextTick += tick
		}
		clock = e.At
		if e.Stage != "" {
			tr.Stage(e.Stage, e.Total)
		} else {
			tr.Advance(e.Advance)
		}
	}
	return smp.Samples(t.End)
}

package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	"onboard/app/wizard"
	"onboard/installer"
)

// jsonReporter prints the progress model of the GUI and the console
// (app/wizard.Tracker) as JSON lines: {"event":"stage",...} when a step or
// stage starts, {"event":"item",...} for each package named, and
// {"event":"progress",...} at each whole percent of the whole install.
type jsonReporter struct {
	*wizard.Tracker
	mu        sync.Mutex
	enc       *json.Encoder
	lastTitle string
	lastItem  string
	lastPct   int
}

func newJSONReporter(w io.Writer, plan *wizard.Plan) *jsonReporter {
	r := &jsonReporter{enc: json.NewEncoder(w), lastPct: -1}
	r.Tracker = &wizard.Tracker{Plan: plan, OnChange: r.emit}
	return r
}

func (r *jsonReporter) emit(p wizard.Progress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev := wizard.ProgressEvent{Stage: p.Stage, Label: p.Label, Env: p.Env, Step: p.Num, Steps: p.Count,
		Done: p.StageDone, Total: p.StageTotal, StagePercent: int(p.StageFraction * 100), Percent: p.Percent,
		BytesDone: p.BytesDone, BytesTotal: p.BytesTotal, BytesPerSec: int64(p.BytesPerSec)}
	if p.LeftKnown {
		left := int64(p.Left.Seconds() + 0.5)
		ev.SecondsLeft = &left
	}
	if t := p.Title(); t != r.lastTitle && !p.Done {
		r.lastTitle = t
		ev.Event = "stage"
		r.enc.Encode(ev)
	}
	if p.Item != "" && p.Item != r.lastItem {
		r.lastItem = p.Item
		ev.Event, ev.Name = "item", p.Item
		r.enc.Encode(ev)
		ev.Name = ""
	}
	if p.Percent != r.lastPct {
		r.lastPct = p.Percent
		ev.Event = "progress"
		r.enc.Encode(ev)
	}
}

// textReporter prints, for people, a line when a step or stage starts and
// at every 10% of the install: "onboard: [3/4] base: Unpacking packages...
// 42% (…)".
type textReporter struct {
	*wizard.Tracker
	mu        sync.Mutex
	w         io.Writer
	lastTitle string
	lastPct   int
}

func newTextReporter(w io.Writer, plan *wizard.Plan) *textReporter {
	r := &textReporter{w: w}
	r.Tracker = &wizard.Tracker{Plan: plan, OnChange: r.print}
	return r
}

func (r *textReporter) print(p wizard.Progress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.Title() == r.lastTitle && p.Percent/10 == r.lastPct/10 {
		return
	}
	r.lastTitle, r.lastPct = p.Title(), p.Percent
	fmt.Fprintf(r.w, "onboard: %s\n", p.Line())
}

// absPath makes a --prefix absolute.
func absPath(p string) (string, error) {
	if p == "" {
		return "", &installer.UsageError{Msg: "empty --prefix"}
	}
	a, err := filepath.Abs(wizard.ExpandHome(p))
	if err != nil {
		return "", &installer.UsageError{Msg: fmt.Sprintf("bad --prefix %q: %v", p, err)}
	}
	return a, nil
}

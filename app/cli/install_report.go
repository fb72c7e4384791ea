package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	"onboard/installer"
)

// jsonReporter prints progress as JSON lines: {"event":"stage",...} when a
// stage starts, {"event":"progress",...} at each whole percent, and
// {"event":"item",...} for each item named.
type jsonReporter struct {
	mu          sync.Mutex
	enc         *json.Encoder
	stage       installer.Stage
	total, done int64
	pct         int64
}

func newJSONReporter(w io.Writer) *jsonReporter { return &jsonReporter{enc: json.NewEncoder(w)} }

func (r *jsonReporter) Stage(s installer.Stage, total int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stage, r.total, r.done, r.pct = s, total, 0, 0
	r.enc.Encode(map[string]any{"event": "stage", "stage": s, "total": total})
}

func (r *jsonReporter) Advance(n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done += n
	if r.total <= 0 {
		return
	}
	if p := r.done * 100 / r.total; p > r.pct {
		r.pct = p
		r.enc.Encode(map[string]any{"event": "progress", "stage": r.stage, "done": r.done, "total": r.total, "percent": p})
	}
}

func (r *jsonReporter) Item(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.enc.Encode(map[string]any{"event": "item", "stage": r.stage, "name": name})
}

// textReporter prints one line per stage for people.
type textReporter struct {
	mu sync.Mutex
	w  io.Writer
}

func newTextReporter(w io.Writer) *textReporter { return &textReporter{w: w} }

func (r *textReporter) Stage(s installer.Stage, total int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, "onboard: %s\n", s)
}
func (r *textReporter) Advance(int64) {}
func (r *textReporter) Item(string)   {}

// absPath makes a --prefix absolute.
func absPath(p string) (string, error) {
	if p == "" {
		return "", &installer.UsageError{Msg: "empty --prefix"}
	}
	a, err := filepath.Abs(p)
	if err != nil {
		return "", &installer.UsageError{Msg: fmt.Sprintf("bad --prefix %q: %v", p, err)}
	}
	return a, nil
}

package wizard

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"onboard/installer"
)

// A recording passes every call on, sums Advance calls that come within
// its window, and reads back as it was written.
func TestTraceRecorderRoundTrip(t *testing.T) {
	var now time.Time
	at := func(ms int) { now = time.Unix(100, 0).Add(time.Duration(ms) * time.Millisecond) }
	plan := &Plan{Bytes: 100, Envs: []PlanEnv{{Name: "base", Packages: 2, Bytes: 100, Files: 40, Unpacked: 300}}}
	tr := &Tracker{Plan: plan, Now: func() time.Time { return now }}
	rec := &TraceRecorder{Next: tr, Plan: plan, Now: func() time.Time { return now }}
	at(0)
	rec.Stage(installer.StageExtract, 100)
	at(10)
	rec.Advance(10)
	at(50)
	rec.Advance(20) // within 100ms of the first pending call: summed
	at(150)
	rec.Advance(30) // a new event
	rec.Item("a.conda")
	at(200)
	rec.Stage(installer.StageLink, 300)
	at(250)
	rec.Advance(300)
	at(1500)
	trace := rec.Done()

	want := []TraceEvent{
		{At: 0, Stage: installer.StageExtract, Total: 100},
		{At: 50 * time.Millisecond, Advance: 30},
		{At: 150 * time.Millisecond, Advance: 30},
		{At: 200 * time.Millisecond, Stage: installer.StageLink, Total: 300},
		{At: 250 * time.Millisecond, Advance: 300},
	}
	if !reflect.DeepEqual(trace.Events, want) || trace.End != 1500*time.Millisecond {
		t.Fatalf("recorded %+v, end %v;\nwant %+v, end 1.5s", trace.Events, trace.End, want)
	}
	if p := tr.Snapshot(); p.Stage != installer.StageLink || p.StageDone != 300 || p.Item != "" {
		t.Fatalf("the tracker behind the recorder saw %+v", p)
	}
	var buf bytes.Buffer
	if _, err := trace.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadProgressTrace(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, trace) {
		t.Fatalf("read back %+v\nwant %+v", back, trace)
	}
}

func TestReadProgressTraceRefusesBadInput(t *testing.T) {
	good := "onboard progress trace 1\nplan {\"Bytes\":1}\n0 stage extract 1\n5 advance 1\n9 end\n"
	if _, err := ReadProgressTrace(strings.NewReader(good)); err != nil {
		t.Fatalf("a good trace: %v", err)
	}
	for _, c := range []struct{ name, text, want string }{
		{"not a trace", "hello\n", "line 1"},
		{"no plan", "onboard progress trace 1\n0 stage extract 1\n", "line 2"},
		{"no end", "onboard progress trace 1\nplan {}\n0 stage extract 1\n", "no end line"},
		{"bad event", strings.Replace(good, "5 advance 1", "5 advance x", 1), "line 4"},
		{"unknown event", strings.Replace(good, "5 advance 1", "5 jump 1", 1), "line 4"},
	} {
		if _, err := ReadProgressTrace(strings.NewReader(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v; want one naming %q", c.name, err, c.want)
		}
	}
}

package wizard_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
)

// checkMonotone fails when the snapshots of one install break the promises
// of the progress model: percentage, fraction, bytes and step never go
// back, steps are numbered without gaps, and 100% comes only at the end.
func checkMonotone(t *testing.T, got []wizard.Progress, count int) {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("no progress was reported")
	}
	prev := wizard.Progress{}
	for i, p := range got {
		if p.Count != count {
			t.Fatalf("snapshot %d: %d steps, want %d: %+v", i, p.Count, count, p)
		}
		if p.Percent < prev.Percent || p.Fraction < prev.Fraction || p.BytesDone < prev.BytesDone || p.Num < prev.Num {
			t.Fatalf("snapshot %d went back:\n%+v\nafter\n%+v", i, p, prev)
		}
		if p.Num > prev.Num+1 {
			t.Fatalf("snapshot %d skipped from step %d to %d", i, prev.Num, p.Num)
		}
		if p.Percent == 100 && !p.Done {
			t.Fatalf("snapshot %d shows 100%% before the end: %+v", i, p)
		}
		prev = p
	}
}

func TestProgressOfARealInstall(t *testing.T) {
	b := wizardtest.Bundle(t)
	sub := wizardtest.Subdir()
	plan := wizard.PlanInstall(&b.Manifest, sub)
	if plan == nil || len(plan.Envs) != 2 || plan.Envs[0].Name != "base" || plan.Envs[1].Name != "team" || plan.Envs[1].Packages != 2 {
		t.Fatalf("plan %+v", plan)
	}
	var mu sync.Mutex
	var got []wizard.Progress
	tr := &wizard.Tracker{Plan: plan, OnChange: func(p wizard.Progress) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}}
	t.Setenv("HOME", t.TempDir())
	_, err := installer.Install(context.Background(), installer.Options{
		Prefix: filepath.Join(t.TempDir(), "inst"), Bundle: b, Subdir: sub, Reporter: tr,
	})
	if err != nil {
		t.Fatal(err)
	}
	end := tr.Snapshot()
	if end.Num != plan.Steps() || end.Env != "" || end.Percent >= 100 { // the shortcuts are no env's (audit BO 7)
		t.Fatalf("before Finish: %+v", end)
	}
	tr.Finish("Installed")
	mu.Lock()
	defer mu.Unlock()
	checkMonotone(t, got, 2)
	last := got[len(got)-1]
	if !last.Done || last.Percent != 100 || last.Num != 2 || last.BytesDone == 0 || last.BytesTotal < last.BytesDone {
		t.Fatalf("last %+v", last)
	}
	// what a person reads beside the bar is its percent and the time
	// left, never a byte count that reaches its total at half the bar
	for i, p := range got {
		if p.BytesDone > 0 && (p.Bytes() != "" || strings.Contains(p.Line(), "B/s") || regexp.MustCompile(`B of [0-9]`).MatchString(p.Line())) {
			t.Fatalf("snapshot %d shows bytes beside a bar weighed by time: %q", i, p.Line())
		}
	}
	var titles []string
	for _, p := range got {
		if len(titles) == 0 || titles[len(titles)-1] != p.Title() {
			titles = append(titles, p.Title())
		}
	}
	want := []string{"[1/2] base: Unpacking packages", "[1/2] base: Installing packages",
		"[2/2] team: Unpacking packages", "[2/2] team: Installing packages", "[2/2] Installed"}
	joined := strings.Join(titles, "\n")
	for _, w := range want {
		if !strings.Contains(joined, w+"\n") && !strings.HasSuffix(joined, w) {
			t.Errorf("no step %q in:\n%s", w, joined)
		}
	}
}

func TestProgressOfAFailedInstallStaysPut(t *testing.T) {
	b := wizardtest.Bundle(t)
	plan := wizard.PlanInstall(&b.Manifest, wizardtest.Subdir())
	tr := &wizard.Tracker{Plan: plan}
	tr.Stage(installer.StageExtract, plan.Envs[0].Bytes)
	tr.Advance(plan.Envs[0].Bytes)
	tr.Stage(installer.StageExtract, plan.Envs[1].Bytes)
	tr.Advance(plan.Envs[1].Bytes / 2)
	before := tr.Snapshot()
	tr.Stage(installer.StageRollback, 0)
	p := tr.Snapshot()
	if p.Label != "Undoing what was done" || p.Percent != before.Percent || p.Num != 2 || p.LeftKnown {
		t.Fatalf("rolling back: %+v (before %+v)", p, before)
	}
}

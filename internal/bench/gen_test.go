//go:build linux

package main

import (
	"fmt"
	"testing"
)

// TestPlanShape checks the generated environment's plan against the shape
// the benchmark promises (docs/performance.md), without writing it.
func TestPlanShape(t *testing.T) {
	ps := planEnv(1, defaultShape)
	var files, placeholders, bz2, symlinks, python int
	for _, p := range ps {
		files += len(p.spec.Files)
		if p.bz2 {
			bz2++
		}
		if p.spec.Name == "python" {
			python++
		}
		for _, f := range p.spec.Files {
			if f.Placeholder != "" {
				placeholders++
			}
			if f.Symlink != "" {
				symlinks++
			}
		}
	}
	tests := []struct {
		what     string
		got      int
		min, max int
	}{
		{"packages", len(ps), 150, 150},
		{"files", files, 39000, 41500},
		{".tar.bz2 packages", bz2, 30, 30},
		{"placeholder files", placeholders, 200, 600},
		{"symlinks", symlinks, 100, 300},
		{"python packages", python, 1, 1},
	}
	for _, tt := range tests {
		if tt.got < tt.min || tt.got > tt.max {
			t.Errorf("%s = %d; want %d..%d", tt.what, tt.got, tt.min, tt.max)
		}
	}
	t.Logf("files %d, placeholders %d, symlinks %d", files, placeholders, symlinks)
}

func TestPlanDeterministic(t *testing.T) {
	small := defaultShape
	small.Packages, small.Files, small.Bytes = 20, 2000, 20<<20
	a, b := planEnv(7, small), planEnv(7, small)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("two plans of seed 7 differ; want the same plan")
	}
	if c := planEnv(8, small); fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("plans of seeds 7 and 8 are equal; want them to differ")
	}
}

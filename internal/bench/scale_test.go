//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScaleFlags(t *testing.T) {
	steps := []scaleStep{
		{Factor: 1, Step: "install", Files: 1000, User: 8, Sys: 2, Seconds: 30, PeakRSS: 100},
		{Factor: 1, Step: "verify", Files: 1000, User: 2, Seconds: 2, PeakRSS: 50},
		{Factor: 4, Step: "install", Files: 4000, User: 34, Sys: 8, Seconds: 200, PeakRSS: 110}, // linear in CPU within noise; wall is load
		{Factor: 4, Step: "verify", Files: 4000, User: 12, Sys: 4, Seconds: 8, PeakRSS: 50},     // 2× CPU per file
		{Factor: 8, Step: "install", Files: 8000, User: 71, Sys: 10, Seconds: 90, PeakRSS: 400}, // memory grows
	}
	flags := scaleFlags(steps)
	if len(flags) != 2 || !strings.Contains(flags[0], "verify at 4×") || !strings.Contains(flags[1], "install at 8×: peak RSS") {
		t.Fatalf("flags = %q; want verify at 4× (time) and install at 8× (memory)", flags)
	}
	if g := steps[2].Growth; g < 1.04 || g > 1.06 {
		t.Errorf("growth of install at 4× = %.3f; want 1.05", g)
	}
}

func TestDamage(t *testing.T) {
	prefix := t.TempDir()
	for _, d := range []string{"lib", "conda-meta", "pkgs", ".onboard"} {
		os.MkdirAll(filepath.Join(prefix, d), 0o755)
		for i := range 10 {
			os.WriteFile(filepath.Join(prefix, d, string(rune('a'+i))), []byte("x"), 0o644)
		}
	}
	n, err := damageEvery(prefix, 4)
	if err != nil || n != 2 {
		t.Fatalf("damage = %d, %v; want 2 of the 10 files in lib", n, err)
	}
	for _, d := range []string{"conda-meta", "pkgs", ".onboard"} {
		if es, _ := os.ReadDir(filepath.Join(prefix, d)); len(es) != 10 {
			t.Errorf("damage touched %s", d)
		}
	}
	if es, _ := os.ReadDir(filepath.Join(prefix, "lib")); len(es) != 8 {
		t.Errorf("lib has %d files; want 8", len(es))
	}
}

// TestScaledPlan: the 4× environment has 4× the packages, files and bytes.
func TestScaledPlan(t *testing.T) {
	count := func(sh envShape) (pk, files int) {
		for _, p := range planEnv(1, sh) {
			pk++
			files += len(p.spec.Files)
		}
		return
	}
	p1, f1 := count(defaultShape)
	sh := defaultShape
	sh.Packages, sh.Files, sh.Bytes = sh.Packages*4, sh.Files*4, sh.Bytes*4
	p4, f4 := count(sh)
	if p4 != 4*p1 || float64(f4) < 3.9*float64(f1) || float64(f4) > 4.1*float64(f1) {
		t.Errorf("4× plan: %d packages, %d files; 1×: %d, %d", p4, f4, p1, f1)
	}
}

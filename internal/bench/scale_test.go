//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/app/wizard"
	"onboard/installer/bundle"
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

// The child's time-left lines reach the parent whole.
func TestTimeLeftLine(t *testing.T) {
	s := wizard.TimeLeftSample{Percent: 25, At: 30 * time.Second, Shown: 90 * time.Second, Actual: 120 * time.Second, Known: true}
	v, ok := strings.CutPrefix(timeLeftLine(s), "timeleft=")
	if !ok {
		t.Fatalf("line %q", timeLeftLine(s))
	}
	f, ok := parseTimeLeft(v)
	if !ok || f.Percent != 25 || f.At != 30 || f.Shown != 90 || f.Actual != 120 || !f.Known || f.Error != -0.25 {
		t.Fatalf("parsed %+v, %v; want 25%% at 30 s, 90 s shown of 120 s (-25%%)", f, ok)
	}
	if _, ok := parseTimeLeft("25 x"); ok {
		t.Fatal("a broken line was read")
	}
}

func TestCarryOf(t *testing.T) {
	prefix := t.TempDir()
	os.MkdirAll(filepath.Join(prefix, ".onboard"), 0o755)
	if got := carryOf(prefix); got != "" {
		t.Fatalf("no log: %q", got)
	}
	log := "2026-12-02T05:00:00Z install x\n2026-12-02T05:01:00Z bundle for repairs: hard link of \"/b/bundle.zip\"\n"
	os.WriteFile(filepath.Join(prefix, ".onboard", "install.log"), []byte(log), 0o644)
	if got := carryOf(prefix); got != "hard link" {
		t.Fatalf("carry = %q; want hard link", got)
	}
}

// The estimate without .pyc drops what compiling would add, and leaves
// the manifest as it was.
func TestWithoutPyc(t *testing.T) {
	nb := bundle.Package{Fn: "nb.conda", Subdir: "noarch", Size: 2000, UnpackedSize: 9000, Files: 20, Dirs: 3, PySize: 5000, PyFiles: 4}
	pl := &bundle.Platform{Base: []bundle.Package{nb}, Envs: map[string][]bundle.Package{"team": {nb}}}
	with, without := pl.DiskEstimate(0, 0, false), withoutPyc(pl).DiskEstimate(0, 0, false)
	if without >= with || pl.Base[0].PyFiles != 4 || pl.Envs["team"][0].PySize != 5000 {
		t.Fatalf("with .pyc %d, without %d; manifest now %+v", with, without, pl)
	}
	nb.PyFiles, nb.PySize = 0, 0
	want := (&bundle.Platform{Base: []bundle.Package{nb}, Envs: map[string][]bundle.Package{"team": {nb}}}).DiskEstimate(0, 0, false)
	if without != want {
		t.Fatalf("without .pyc %d; want %d", without, want)
	}
}

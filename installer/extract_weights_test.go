package installer

import (
	"context"
	"math"
	"os"
	"sync"
	"testing"

	"onboard/installer/pkg"
)

// The extract stage's progress follows each package's expected cost: a
// package of many small files takes more of the bar per archive byte than
// one of a few large files, and the stage still totals its archives'
// bytes; without facts for every package, the bytes are as they are.
func TestExtractWeights(t *testing.T) {
	fs := []PackageFile{{Files: 10, Unpacked: 100 << 20}, {Files: 10_000, Unpacked: 10 << 20}}
	sizes := []int64{50 << 20, 5 << 20}
	total := sizes[0] + sizes[1]
	w := extractWeights(fs, sizes, total)
	var sum float64
	for i := range w {
		sum += w[i] * float64(sizes[i])
	}
	if math.Abs(sum-float64(total)) > 1 {
		t.Fatalf("weighted bytes total %.0f; want the archives' %d", sum, total)
	}
	if !(w[1] > 2*w[0]) {
		t.Fatalf("weights %v: the package of 10,000 small files should weigh far more per byte", w)
	}
	// The same package as a .tar.bz2 weighs more: bzip2 decodes slowly.
	bz := []PackageFile{{Path: "a-1-0.conda", Files: 100, Unpacked: 20 << 20}, {Path: "b-1-0.tar.bz2", Files: 100, Unpacked: 20 << 20}}
	if w := extractWeights(bz, []int64{8 << 20, 8 << 20}, 16<<20); !(w[1] > 2*w[0]) {
		t.Fatalf("weights %v: the .tar.bz2 should weigh far more per byte than the same .conda", w)
	}
	// The same cost, split for pkg.ExtractAll's order: bzip2's is the
	// bytes'.
	a, b := extractCostOf(bz[0], 8<<20), extractCostOf(bz[1], 8<<20)
	if a.Files != b.Files || !(b.Bytes > 2*a.Bytes) || a.Files+a.Bytes != ExtractCost(100, 20<<20, 8<<20, false) {
		t.Fatalf("split costs %+v and %+v: want the same files' cost, the .tar.bz2's bytes dearer, and ExtractCost in sum", a, b)
	}
	fs[0].Files = 0
	if c := extractCostOf(fs[0], sizes[0]); c != (pkg.Cost{}) {
		t.Fatalf("without the facts, the split cost is %+v; want none (ExtractAll then goes largest first)", c)
	}
	for i, v := range extractWeights(fs, sizes, total) {
		if v != 1 {
			t.Fatalf("without the facts of every package, weight %d is %v; want 1", i, v)
		}
	}
}

// ExtractAll scales each package's reported bytes by its Weight, exactly
// in sum (fractions carried), from its worker goroutines.
func TestExtractAllWeightsProgress(t *testing.T) {
	s := newEnvSetup(t)
	a, b := s.fx+"/main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2", s.fx+"/rattler/symlink-test-1.0.0-0.conda"
	var mu sync.Mutex
	var got int64
	_, err := pkg.ExtractAll(context.Background(), []pkg.Request{
		{Archive: a, PkgsDir: s.pkgs, Weight: 0.5},
		{Archive: b, PkgsDir: s.pkgs, Weight: 3},
	}, 2, func(n int64) { mu.Lock(); got += n; mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	want := float64(fileSize(t, a))*0.5 + float64(fileSize(t, b))*3
	if math.Abs(float64(got)-want) > 2 {
		t.Fatalf("progress %d; want %.0f (each archive's bytes times its weight)", got, want)
	}
}

func fileSize(t *testing.T, p string) int64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

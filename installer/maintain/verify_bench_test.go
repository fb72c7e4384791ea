package maintain

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"onboard/installer/internal/testkit"
)

// TestVerifySpeedVsSha256sum measures Verify on a big generated prefix
// against `sha256sum` over the same files in one process. It is slow and
// writes ONBOARD_VERIFY_BENCH megabytes (e.g. 600), so it only runs when
// that variable is set; docs/maintenance.md records its figures.
func TestVerifySpeedVsSha256sum(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("ONBOARD_VERIFY_BENCH"))
	if mb <= 0 {
		t.Skip("set ONBOARD_VERIFY_BENCH=<megabytes> to measure verify against sha256sum")
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("sha256sum is not installed")
	}
	prefix := filepath.Join(t.TempDir(), "bench")
	files := genBenchPrefix(t, prefix, int64(mb)<<20)
	args := make([]string, len(files))
	for i, f := range files {
		args[i] = filepath.Join(prefix, f)
	}
	best := func(f func()) time.Duration {
		var b time.Duration
		for i := range 3 {
			s := time.Now()
			f()
			if d := time.Since(s); i == 0 || d < b {
				b = d
			}
		}
		return b
	}
	var r *Report
	dv := best(func() {
		var err error
		r, err = Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: "-"})
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
	})
	ds := best(func() {
		if out, err := exec.Command("sha256sum", args...).CombinedOutput(); err != nil {
			t.Fatalf("sha256sum: %v: %.200s", err, out)
		}
	})
	t.Logf("%d files, %d MB: verify %v (%.0f MB/s), sha256sum %v (%.0f MB/s), ratio %.2f",
		r.Files, r.Bytes>>20, dv.Round(time.Millisecond), float64(r.Bytes)/dv.Seconds()/1e6,
		ds.Round(time.Millisecond), float64(r.Bytes)/ds.Seconds()/1e6, ds.Seconds()/dv.Seconds())
	if dv >= ds {
		t.Errorf("verify took %v; want less than sha256sum's %v", dv, ds)
	}
}

// genBenchPrefix writes packages of many small and a few large files with
// their conda-meta records, and returns the file paths.
func genBenchPrefix(t *testing.T, prefix string, total int64) []string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 8<<20)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	var all []string
	var written int64
	for p := 0; written < total; p++ {
		dist := fmt.Sprintf("pkg%03d-1.0-0", p)
		var files []string
		var paths []map[string]any
		for f := 0; f < 200 && written < total; f++ {
			size := 2<<10 + rng.IntN(60<<10)
			if f%50 == 0 {
				size = 1<<20 + rng.IntN(7<<20)
			}
			rel := fmt.Sprintf("lib/%s/f%04d.bin", dist, f)
			off := rng.IntN(len(buf) - size + 1)
			data := buf[off : off+size]
			// As an install does: the package copy, hard-linked into the env.
			src := filepath.Join(prefix, "pkgs", dist, filepath.FromSlash(rel))
			testkit.MustWrite(t, src, string(data))
			if err := os.MkdirAll(filepath.Dir(filepath.Join(prefix, rel)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(src, filepath.Join(prefix, rel)); err != nil {
				t.Fatal(err)
			}
			h := sum(string(data))
			files = append(files, rel)
			paths = append(paths, map[string]any{"_path": rel, "path_type": "hardlink",
				"sha256": h, "sha256_in_prefix": h, "size_in_bytes": size})
			written += int64(size)
		}
		all = append(all, files...)
		rec, _ := json.Marshal(map[string]any{"name": dist[:6], "version": "1.0", "build": "0", "files": files,
			"extracted_package_dir": filepath.Join(prefix, "pkgs", dist),
			"paths_data":            map[string]any{"paths_version": 1, "paths": paths}})
		testkit.MustWrite(t, filepath.Join(prefix, "conda-meta", dist+".json"), string(rec))
	}
	testkit.MustWrite(t, filepath.Join(prefix, "conda-meta", "history"), "")
	return all
}

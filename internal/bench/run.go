//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// measurement is one timed step.
type measurement struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
	PeakRSS int64   `json:"peak_rss_kb,omitempty"`  // VmHWM of the child
	MaxRSS  int64   `json:"ru_maxrss_kb,omitempty"` // getrusage of the child (see peakRSS)
	User    float64 `json:"user_s"`
	Sys     float64 `json:"sys_s"`
	Ratio   float64 `json:"ratio_to_baseline,omitempty"`     // wall time
	CPU     float64 `json:"cpu_ratio_to_baseline,omitempty"` // user+sys time
	Note    string  `json:"note,omitempty"`
	Round   int     `json:"round,omitempty"`
	// WriteBytes is the child's write_bytes (/proc/self/io); WriteRatio
	// is that over the payload (unpacked bytes).
	WriteBytes int64 `json:"write_bytes,omitempty"`
	// WChar is what the child passed to write(2) (/proc/self/io wchar):
	// the logical bytes, a small file counting its length, not a page.
	// For a shell loop it is the bytes of the files it extracted (its own
	// wchar would count every byte piped between unzip, zstd and tar).
	// Cancelled is cancelled_write_bytes: pages dirtied and then dropped
	// before they reached the disk (a file deleted soon after it was
	// written), counted in WriteBytes all the same.
	WChar      int64   `json:"wchar,omitempty"`
	Cancelled  int64   `json:"cancelled_write_bytes,omitempty"`
	WCharRatio float64 `json:"wchar_ratio_to_payload,omitempty"`
	WriteRatio float64 `json:"write_ratio_to_payload,omitempty"`
	WriteShell float64 `json:"write_ratio_to_shell_loop,omitempty"` // over the sequential shell loop's write_bytes
	VsSha256   float64 `json:"ratio_to_sha256sum,omitempty"`        // verify: wall time over sha256sum's
	VsOpenSSL  float64 `json:"ratio_to_openssl,omitempty"`          // verify: wall time over openssl dgst's, a process per core
}

// baseline extracts every archive with the system's tools into a new
// folder, with workers shell pipelines at a time (1: one after another):
// tar -xjf for .tar.bz2 (tar runs bzip2), and for .conda `unzip -p` of
// each component piped into `zstd -dc | tar -x`.
func baseline(ctx context.Context, envDir, dest string, m *manifest, workers int) (measurement, error) {
	start := time.Now()
	var ru, bz syscall.Rusage // all, and the .tar.bz2 archives alone
	var written int64
	var mu sync.Mutex
	jobs := make(chan archiveInfo)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for a := range jobs {
				d := filepath.Join(dest, strings.TrimSuffix(strings.TrimSuffix(a.Path, ".conda"), ".tar.bz2"))
				if err := os.MkdirAll(d, 0o755); err != nil {
					errc <- err
					return
				}
				for _, script := range baselineScripts(filepath.Join(envDir, a.Path), d) {
					u, wb, err := runShellIO(ctx, script)
					if err != nil {
						errc <- err
						return
					}
					mu.Lock()
					written += wb
					addRusage(&ru, u)
					if strings.HasSuffix(a.Path, ".tar.bz2") {
						addRusage(&bz, u)
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, a := range m.Archives {
		jobs <- a
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return measurement{}, err
	default:
	}
	name := "shell loop: tar/zstd/bzip2, one archive after another"
	if workers > 1 {
		name = fmt.Sprintf("shell loop: tar/zstd/bzip2, %d archives at a time", workers)
	}
	secs := time.Since(start).Seconds()
	return measurement{Name: name, Seconds: secs, User: tv(ru.Utime), Sys: tv(ru.Stime), WriteBytes: written, WChar: fileBytes(dest),
		Note: fmt.Sprintf("cpu: .tar.bz2 archives user %.2f s sys %.2f s; .conda archives user %.2f s sys %.2f s",
			tv(bz.Utime), tv(bz.Stime), tv(ru.Utime)-tv(bz.Utime), tv(ru.Stime)-tv(bz.Stime))}, nil
}

func baselineScripts(archive, dest string) []string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	if strings.HasSuffix(archive, ".tar.bz2") {
		return []string{fmt.Sprintf("tar -xjf %s -C %s", q(archive), q(dest))}
	}
	stem := strings.TrimSuffix(filepath.Base(archive), ".conda")
	var out []string
	for _, c := range []string{"pkg-", "info-"} {
		out = append(out, fmt.Sprintf("set -o pipefail; unzip -p %s %s | zstd -dcq | tar -x -C %s",
			q(archive), q(c+stem+".tar.zst"), q(dest)))
	}
	return out
}

func runShell(ctx context.Context, script string) (*syscall.Rusage, error) {
	ru, _, err := runShellIO(ctx, script)
	return ru, err
}

// runShellIO runs script in bash and also returns the bytes it caused to
// be written: the shell's /proc/self/io write_bytes at its end, which
// includes those of the children it has reaped.
func runShellIO(ctx context.Context, script string) (*syscall.Rusage, int64, error) {
	cmd := exec.CommandContext(ctx, "bash", "-c", script+"\nsed -n 's/^write_bytes: //p' /proc/$$/io")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, 0, fmt.Errorf("failed to run %q: %w: %s", script, err, stderr.String())
	}
	lines := strings.Fields(stdout.String())
	var wb int64
	if len(lines) > 0 {
		wb, _ = strconv.ParseInt(lines[len(lines)-1], 10, 64)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage), wb, nil
}

// child runs this program again in child mode and measures it: wall time,
// CPU time and peak RSS (ru_maxrss of the child, in KB on Linux).
func child(ctx context.Context, name string, args ...string) (measurement, error) {
	self, err := os.Executable()
	if err != nil {
		return measurement{}, fmt.Errorf("failed to find the benchmark binary: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, append([]string{"child"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	secs := time.Since(start).Seconds()
	if err != nil {
		return measurement{}, fmt.Errorf("failed to run %s: %w: %s", name, err, out.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	note, tail, _ := strings.Cut(strings.TrimSpace(out.String()), "\nhwm_kb=")
	m := measurement{Name: name, Seconds: secs, MaxRSS: int64(ru.Maxrss), User: tv(ru.Utime), Sys: tv(ru.Stime), Note: note}
	for i, l := range strings.Split("hwm_kb="+tail, "\n") {
		k, v, _ := strings.Cut(l, "=")
		n, _ := strconv.ParseInt(v, 10, 64)
		switch {
		case i == 0:
			m.PeakRSS = n
		case k == "write_bytes":
			m.WriteBytes = n
		case k == "wchar":
			m.WChar = n
		case k == "cancelled_write_bytes":
			m.Cancelled = n
		}
	}
	return m, nil
}

// fileBytes is the size of every regular file under dir: what a shell
// loop that extracted into dir wrote, as wchar counts it for onboard.
func fileBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func addRusage(sum, u *syscall.Rusage) {
	sum.Utime.Sec += u.Utime.Sec
	sum.Utime.Usec += u.Utime.Usec
	sum.Stime.Sec += u.Stime.Sec
	sum.Stime.Usec += u.Stime.Usec
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

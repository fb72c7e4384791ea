//go:build linux

package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// measureAll runs every step, each into a new folder under run, and
// prints them as they finish. The archives (and the bundle) are read once
// first so every step finds them in the page cache. The shell loop, its
// two-worker variant and onboard's one-pass InstallEnv run in rounds, in
// a rotating order, so that a noisy minute falls on all of them; ratios
// are to the median of the sequential shell loop.
func measureAll(ctx context.Context, res *results, envDir, run string, m *manifest) error {
	bnd, err := ensureBundle(ctx, envDir, m)
	if err != nil {
		return err
	}
	for _, a := range m.Archives {
		if err := readAll(filepath.Join(envDir, a.Path)); err != nil {
			return err
		}
	}
	if err := readAll(bnd); err != nil {
		return err
	}
	fmt.Printf("environment %s: %d packages (%d .conda), %d files, %.0f MB unpacked, %.0f MB of archives\n",
		res.Shape, res.Packages, res.Conda, res.Files, mb(res.Unpacked), mb(res.Archives))
	if res.Warning != "" {
		fmt.Println("WARNING:", res.Warning)
	}
	res.LoadBefore = loadavg()
	fmt.Println("load average before:", res.LoadBefore)
	if err := os.MkdirAll(filepath.Join(run, "home"), 0o755); err != nil {
		return err
	}
	os.Setenv("HOME", filepath.Join(run, "home")) // environments.txt of the Install steps
	kinds := []string{"seq", "par", "onepass"}
	// the onboard program itself, as a person runs it (audit BI: the
	// headline was one in-process install against the loop's median, and
	// the program holds 10-20 MB more than the engine alone)
	cli := os.Getenv("BENCH_ONBOARD")
	if cli != "" {
		kinds = append(kinds, "cli")
	}
	byKind := map[string][]measurement{}
	for r := range res.Rounds {
		for k := range kinds {
			kind := kinds[(k+r)%len(kinds)]
			dest := filepath.Join(run, fmt.Sprintf("r%d-%s", r, kind))
			var s measurement
			switch kind {
			case "seq":
				s, err = baseline(ctx, envDir, dest, m, 1)
			case "par":
				s, err = baseline(ctx, envDir, dest, m, 2)
			case "onepass":
				s, err = child(ctx, "onboard InstallEnv, one pass (no package cache)", "onepass", envDir, dest)
			case "cli":
				s, err = cliInstall(ctx, cli, filepath.Join(run, "home"), bnd, dest)
			}
			if err != nil {
				return err
			}
			s.Round = r + 1
			byKind[kind] = append(byKind[kind], s)
			printStep(s)
		}
	}
	base := median(byKind["seq"])
	for _, kind := range kinds {
		for _, s := range byKind[kind] {
			res.Steps = append(res.Steps, ratios(s, base, res.Unpacked))
		}
	}
	fmt.Printf("median of the sequential shell loop: %.2f s (user %.2f, sys %.2f)\n", base.Seconds, base.User, base.Sys)
	if c := byKind["cli"]; len(c) > 0 {
		// the headline: the program's median against the loop's median,
		// the CPU ratio of those two runs beside it
		mc := ratios(median(c), base, res.Unpacked)
		mc.Name = fmt.Sprintf("onboard install --silent, median of %d rounds", len(c))
		mc.Round = 0
		res.CLI = &mc
		fmt.Printf("%s: %.2f s, ratio %.2f (cpu %.2f), peak RSS %d MB\n", mc.Name, mc.Seconds, mc.Ratio, mc.CPU, mc.PeakRSS/1024)
	}
	for _, s := range res.Steps {
		if s.Name != base.Name || s.Round != base.Round {
			fmt.Printf("  round %d: ", s.Round)
			printStep(s)
		}
	}
	if len(m.Archives) > 2 {
		s, err := child(ctx, "onboard InstallEnv through a package cache (as before #15)", "cache", envDir, filepath.Join(run, "pkgs"), filepath.Join(run, "cache-prefix"))
		if err != nil {
			return err
		}
		res.Steps = append(res.Steps, ratios(s, base, res.Unpacked))
		printStep(res.Steps[len(res.Steps)-1])
	}
	cold := filepath.Join(run, "inst-cold")
	steps := []struct {
		name string
		args []string
	}{
		{"install: cold, from the bundle, no package cache", []string{"install", bnd, cold, "0"}},
		{"install: cold, --keep-package-cache", []string{"install", bnd, filepath.Join(run, "inst-keep"), "1"}},
		{"install: again (nothing to do)", []string{"install", bnd, cold, "0"}},
		{"verify", []string{"verify", cold}},
	}
	for _, st := range steps {
		s, err := child(ctx, st.name, st.args...)
		if err != nil {
			return err
		}
		res.Steps = append(res.Steps, ratios(s, base, res.Unpacked))
		printStep(res.Steps[len(res.Steps)-1])
	}
	verifyStep := len(res.Steps) - 1
	sha, err := sha256sumPrefix(ctx, cold)
	if err != nil {
		return err
	}
	res.Steps = append(res.Steps, ratios(sha, base, 0))
	printStep(sha)
	res.Steps[verifyStep].VsSha256 = res.Steps[verifyStep].Seconds / sha.Seconds
	fmt.Printf("verify / sha256sum = %.2f\n", res.Steps[verifyStep].VsSha256)
	if ossl, err := opensslPrefix(ctx, cold); err == nil {
		res.Steps = append(res.Steps, ratios(ossl, base, 0))
		printStep(ossl)
		res.Steps[verifyStep].VsOpenSSL = res.Steps[verifyStep].Seconds / ossl.Seconds
		fmt.Printf("verify / openssl dgst on %d processes = %.2f\n", runtime.NumCPU(), res.Steps[verifyStep].VsOpenSSL)
	} else {
		fmt.Println("no openssl baseline:", err)
	}
	fh := hashCost(res.Unpacked)
	res.Steps = append(res.Steps, fh)
	printStep(fh)
	n, err := damage(cold, 10)
	if err != nil {
		return err
	}
	s, err := child(ctx, fmt.Sprintf("repair: %d packages with a file deleted", n), "repair", cold, bnd)
	if err != nil {
		return err
	}
	res.Steps = append(res.Steps, ratios(s, base, res.Unpacked))
	printStep(res.Steps[len(res.Steps)-1])
	res.LoadAfter = loadavg()
	fmt.Println("load average after:", res.LoadAfter)
	return nil
}

// ratios fills s's ratios to base (wall and CPU) and of its bytes written
// to the payload.
func ratios(s, base measurement, payload int64) measurement {
	s.Ratio = s.Seconds / base.Seconds
	s.CPU = (s.User + s.Sys) / (base.User + base.Sys)
	if payload > 0 && s.WriteBytes > 0 {
		s.WriteRatio = float64(s.WriteBytes) / float64(payload)
		if base.WriteBytes > 0 {
			s.WriteShell = float64(s.WriteBytes) / float64(base.WriteBytes)
		}
	}
	if payload > 0 && s.WChar > 0 {
		s.WCharRatio = float64(s.WChar) / float64(payload)
	}
	return s
}

// median returns the measurement of median wall time; of an even number,
// the faster of the two middle ones (the harder baseline to beat).
func median(ms []measurement) measurement {
	s := append([]measurement(nil), ms...)
	sort.Slice(s, func(i, j int) bool { return s[i].Seconds < s[j].Seconds })
	return s[(len(s)-1)/2]
}

// sha256sumPrefix hashes every regular file of the prefix with sha256sum
// (one process at a time through xargs): verify's baseline. Not the
// files of PREFIX/.onboard, the kept bundle and the maintenance app, which
// verify does not hash: with them the baseline hashed 1.7× the bytes of
// the dense environment's verify (audit AJ 1).
func sha256sumPrefix(ctx context.Context, prefix string) (measurement, error) {
	start := time.Now()
	u, err := runShell(ctx, fmt.Sprintf("find '%s' -path '%s/.onboard' -prune -o -type f -print0 | xargs -0 sha256sum > /dev/null", prefix, prefix))
	if err != nil {
		return measurement{}, err
	}
	return measurement{Name: "sha256sum of the prefix's files (not .onboard/)", Seconds: time.Since(start).Seconds(), User: tv(u.Utime), Sys: tv(u.Stime)}, nil
}

// opensslPrefix hashes the same files as sha256sumPrefix with `openssl
// dgst -sha256`, one process per core: a public tool that uses the CPU's
// SHA instructions as Go does, which Debian's sha256sum does not (audit
// BI 2: verify was 0.18x sha256sum, and 0.75x this).
func opensslPrefix(ctx context.Context, prefix string) (measurement, error) {
	if _, err := exec.LookPath("openssl"); err != nil {
		return measurement{}, err
	}
	start := time.Now()
	u, err := runShell(ctx, fmt.Sprintf("find '%s' -path '%s/.onboard' -prune -o -type f -print0 | xargs -0 -P %d -n 2000 openssl dgst -sha256 > /dev/null", prefix, prefix, runtime.NumCPU()))
	if err != nil {
		return measurement{}, err
	}
	return measurement{Name: fmt.Sprintf("openssl dgst -sha256 of the same files, %d processes", runtime.NumCPU()), Seconds: time.Since(start).Seconds(), User: tv(u.Utime), Sys: tv(u.Stime)}, nil
}

// cliInstall runs the onboard program at exe, `install --silent` of the
// bundle bnd into dest with home as HOME, as a person or IT does, from a
// small child of this benchmark (child program): ru_maxrss of a program
// started by the benchmark itself takes in the benchmark's own peak (259
// MB where /usr/bin/time said 96).
func cliInstall(ctx context.Context, exe, home, bnd, dest string) (measurement, error) {
	m, err := child(ctx, "onboard install --silent (the program, from the bundle)", "program", home, exe, "install", "--silent", "--bundle", bnd, "--prefix", dest)
	m.MaxRSS = 0 // the child's, which holds the benchmark's
	return m, err
}

// hashCost is the CPU that checking each extracted file against
// paths.json adds to an install: the bytes are hashed as they stream past
// (no second read), so the cost is Go's sha256 over the payload, measured
// here on a 64 MiB buffer in memory and scaled to the payload.
func hashCost(payload int64) measurement {
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	start := time.Now()
	sha256.Sum256(buf)
	secs := time.Since(start).Seconds() * float64(payload) / float64(len(buf))
	return measurement{Name: "cost of the per-file sha256 check (Go sha256 over the payload, one core)", Seconds: secs, User: secs,
		Note: fmt.Sprintf("%.0f MB/s", float64(len(buf))/(1<<20)/(secs*float64(len(buf))/float64(payload)))}
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}

func readAll(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("failed to read %q: %w", p, err)
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

func printStep(s measurement) {
	line := fmt.Sprintf("%-80s %7.2f s  user %6.2f  sys %6.2f", s.Name, s.Seconds, s.User, s.Sys)
	if s.Ratio > 0 {
		line += fmt.Sprintf("  ratio %.2f (cpu %.2f)", s.Ratio, s.CPU)
	}
	if strings.HasPrefix(s.Note, "cpu:") {
		line += "\n    " + s.Note
	}
	if s.PeakRSS > 0 {
		line += fmt.Sprintf("  peak RSS %d MB", s.PeakRSS/1024)
	}
	if s.WriteBytes > 0 {
		line += fmt.Sprintf("  wrote %.0f MB", mb(s.WriteBytes))
		if s.WriteRatio > 0 {
			line += fmt.Sprintf(" (%.2f× payload", s.WriteRatio)
			if s.WriteShell > 0 {
				line += fmt.Sprintf(", %.2f× the shell loop", s.WriteShell)
			}
			line += ")"
		}
		if s.Cancelled > 0 {
			line += fmt.Sprintf(", %.0f MB of it dropped unwritten", mb(s.Cancelled))
		}
	}
	if s.WChar > 0 {
		line += fmt.Sprintf("; logical %.0f MB", mb(s.WChar))
		if s.WCharRatio > 0 {
			line += fmt.Sprintf(" (%.2f× payload)", s.WCharRatio)
		}
	}
	if strings.HasPrefix(s.Note, "stages:") || strings.Contains(s.Note, "; stages:") {
		line += "\n    " + s.Note
	}
	fmt.Println(line)
}

// save appends res to out/results.jsonl.
func save(out string, res results) error {
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	p := filepath.Join(out, "results.jsonl")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("failed to open %q: %w", p, err)
	}
	defer f.Close()
	_, err = f.Write(append(b, '\n'))
	fmt.Println("results appended to", p)
	return err
}

// cleanup deletes the run's trees in a detached background process (the
// disk is slow to create files right after a big delete, so nothing is
// timed after it) and notes when, so the next run can warn.
func cleanup(out, run string) {
	os.WriteFile(filepath.Join(out, "last-delete"), []byte(time.Now().Format(time.RFC3339)), 0o644)
	cmd := exec.Command("rm", "-rf", run)
	if err := cmd.Start(); err == nil {
		cmd.Process.Release()
		fmt.Println("deleting", run, "in the background")
	}
}

// recentDelete warns when a big tree was deleted less than 8 minutes ago
// (build-and-test-facts.md §6: file creation is then several times slower).
func recentDelete(out string) string {
	b, err := os.ReadFile(filepath.Join(out, "last-delete"))
	if err != nil {
		return ""
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(b)))
	if err != nil || time.Since(t) > 8*time.Minute {
		return ""
	}
	return fmt.Sprintf("the previous run's trees were deleted %s ago; file creation may be slower than usual (wait 8 minutes for clean figures)",
		time.Since(t).Round(time.Second))
}

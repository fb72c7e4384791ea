//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// measureAll runs the three steps, each into a new folder under run, and
// prints them as they finish. The archives are read once first so every
// step finds them in the page cache.
func measureAll(ctx context.Context, res *results, envDir, run string, m *manifest) error {
	for _, a := range m.Archives {
		if err := readAll(filepath.Join(envDir, a.Path)); err != nil {
			return err
		}
	}
	fmt.Printf("environment: %d packages (%d .conda), %d files, %.0f MB unpacked, %.0f MB of archives\n",
		res.Packages, res.Conda, res.Files, mb(res.Unpacked), mb(res.Archives))
	if res.Warning != "" {
		fmt.Println("WARNING:", res.Warning)
	}
	base, err := baseline(ctx, envDir, filepath.Join(run, "baseline"), m)
	if err != nil {
		return err
	}
	res.Steps = append(res.Steps, base)
	printStep(base)
	w := strconv.Itoa(res.Workers)
	pkgs := filepath.Join(run, "pkgs")
	for _, step := range []struct{ mode, name, prefix string }{
		{"cold", coldName, filepath.Join(run, "prefix-cold")},
		{"warm", warmName, filepath.Join(run, "prefix-warm")},
	} {
		s, err := child(ctx, step.name, step.mode, envDir, pkgs, step.prefix, w)
		if err != nil {
			return err
		}
		s.Ratio = s.Seconds / base.Seconds
		s.CPU = (s.User + s.Sys) / (base.User + base.Sys)
		res.Steps = append(res.Steps, s)
		printStep(s)
	}
	return nil
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
	if s.PeakRSS > 0 {
		line += fmt.Sprintf("  peak RSS %d MB", s.PeakRSS/1024)
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

//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/maintain"
	"onboard/installer/pkg"
)

// installEnv runs installer.InstallEnv over the generated archives: in one
// pass (no package cache), or through the package cache pkgs.
func installEnv(ctx context.Context, rs []pkg.Request, prefix, pkgs string, onePass bool) (string, error) {
	st := newStageTimer()
	req := installer.EnvRequest{Prefix: prefix, PkgsDir: pkgs, Subdir: "linux-64", EnvironmentsTxt: "-", NoPackageCache: onePass, Reporter: st}
	for _, r := range rs {
		req.Packages = append(req.Packages, installer.PackageFile{Path: r.Archive, SHA256: r.Expect.SHA256, Size: r.Expect.Size})
	}
	start := time.Now()
	res, err := installer.InstallEnv(ctx, req)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d packages linked, %d clashes; %s", len(res.Packages), len(res.Clashes), st.summary(time.Since(start))), nil
}

// install runs installer.Install of the bundle (the whole product path:
// packages read from the bundle, maintenance app, manifest).
func install(ctx context.Context, bundlePath, prefix string, keep bool) (string, error) {
	b, err := bundle.Open(bundlePath)
	if err != nil {
		return "", err
	}
	defer b.Close()
	st := newStageTimer()
	start := time.Now()
	res, err := installer.Install(ctx, installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", KeepPackageCache: keep, Reporter: st,
		Logf: timedLog(start)})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("changed %v; %s", res.Changed, st.summary(time.Since(start))), nil
}

func verify(ctx context.Context, prefix string) (string, error) {
	r, err := maintain.Verify(ctx, prefix, maintain.VerifyOptions{})
	if r == nil {
		return "", err
	}
	return fmt.Sprintf("%d packages, %d files, %d problems", r.Packages, r.Files, len(r.Problems)), nil
}

func repair(ctx context.Context, prefix, bundlePath string) (string, error) {
	r, err := maintain.Repair(ctx, prefix, maintain.RepairOptions{BundlePath: bundlePath})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d problems before, %d fixes, %d left", len(r.Before), len(r.Fixed), len(r.Left)), nil
}

// damage removes one file of each of the first n packages of prefix (by
// record name), for the repair step; it returns how many it removed.
func damage(prefix string, n int) (int, error) {
	recs, err := filepath.Glob(filepath.Join(prefix, "conda-meta", "*.json"))
	if err != nil {
		return 0, err
	}
	sort.Strings(recs)
	done := 0
	for _, rp := range recs {
		if done == n {
			break
		}
		b, err := os.ReadFile(rp)
		if err != nil {
			return done, err
		}
		// "files": [ "a", ... ]: the first file is enough.
		_, rest, ok := strings.Cut(string(b), `"files": [`)
		if !ok {
			continue
		}
		_, rest, _ = strings.Cut(rest, `"`)
		f, _, _ := strings.Cut(rest, `"`)
		if f != "" && os.Remove(filepath.Join(prefix, filepath.FromSlash(f))) == nil {
			done++
		}
	}
	return done, nil
}

// timedLog returns a Logf that writes each line, with the seconds since
// start, to the file BENCH_LOG names (nil when it is not set): where the
// time of an install goes between its stages.
func timedLog(start time.Time) installer.Logf {
	p := os.Getenv("BENCH_LOG")
	if p == "" {
		return nil
	}
	f, err := os.Create(p)
	if err != nil {
		return nil
	}
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(f, "%7.3f %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
}

//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/bundle"
)

// ensureBundle builds (once) a bundle of the generated environment with
// the project's own 'bundle build', for the Install, verify and repair
// steps.
func ensureBundle(ctx context.Context, envDir string, m *manifest) (string, error) {
	out := filepath.Join(envDir, "bundle.zip")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	dir := filepath.Join(envDir, "bundle-src")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	absEnv, err := filepath.Abs(envDir)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, a := range m.Archives {
		lines = append(lines, "https://bench.invalid/linux-64/"+a.Path+"#"+a.SHA256)
	}
	files := map[string]string{
		"base.txt": "@EXPLICIT\n" + strings.Join(lines, "\n") + "\n",
		"LICENSE":  "benchmark\n",
		"spec.toml": fmt.Sprintf("name = \"Bench\"\nid = \"org.onboard.bench\"\nversion = \"2026.12.0\"\nlicense = \"LICENSE\"\n"+
			"package_dirs = [%q]\n[platforms.linux-64]\nbase = \"base.txt\"\n", absEnv),
	}
	for n, d := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(d), 0o644); err != nil {
			return "", err
		}
	}
	if _, err := bundle.Build(ctx, bundle.BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: out, CacheDir: filepath.Join(dir, "cache")}); err != nil {
		return "", fmt.Errorf("failed to build the benchmark bundle: %w", err)
	}
	return out, nil
}

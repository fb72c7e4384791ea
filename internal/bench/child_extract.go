//go:build unix && !installenv

package main

import (
	"context"
	"fmt"

	"onboard/installer/pkg"
)

// stepNames say what the cold and warm steps measure in this build: until
// installer.InstallEnv exists, extraction into the package cache only
// (build with -tags installenv to measure the whole install).
const (
	coldName = "onboard cold: pkg.ExtractAll into an empty package cache (no linking yet)"
	warmName = "onboard warm: pkg.Cached on every package of an extracted cache (no linking yet)"
)

func coldChild(ctx context.Context, rs []pkg.Request, prefix string, workers int) (string, error) {
	xs, err := pkg.ExtractAll(ctx, rs, workers, nil)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d packages extracted", len(xs)), nil
}

func warmChild(ctx context.Context, rs []pkg.Request, prefix string, workers int) (string, error) {
	for _, r := range rs {
		if _, ok := pkg.Cached(r); !ok {
			return "", fmt.Errorf("failed to find %q in the package cache %q", r.Archive, r.PkgsDir)
		}
	}
	return fmt.Sprintf("%d packages found in the cache", len(rs)), nil
}

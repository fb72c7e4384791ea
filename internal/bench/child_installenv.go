//go:build unix

package main

import (
	"context"
	"fmt"

	"onboard/installer"
	"onboard/installer/pkg"
)

// stepNames say what the cold and warm steps measure in this build.
const (
	coldName = "onboard cold: installer.InstallEnv, empty package cache"
	warmName = "onboard warm: installer.InstallEnv, package cache already extracted"
)

func coldChild(ctx context.Context, rs []pkg.Request, prefix string, workers int) (string, error) {
	return installEnv(ctx, rs, prefix)
}

func warmChild(ctx context.Context, rs []pkg.Request, prefix string, workers int) (string, error) {
	return installEnv(ctx, rs, prefix)
}

func installEnv(ctx context.Context, rs []pkg.Request, prefix string) (string, error) {
	req := installer.EnvRequest{Prefix: prefix, PkgsDir: rs[0].PkgsDir, Subdir: "linux-64", EnvironmentsTxt: "-"}
	for _, r := range rs {
		req.Packages = append(req.Packages, installer.PackageFile{Path: r.Archive, SHA256: r.Expect.SHA256, Size: r.Expect.Size})
	}
	res, err := installer.InstallEnv(ctx, req)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d packages linked, %d clashes", len(res.Packages), len(res.Clashes)), nil
}

// Package testinstall gives the tests of the operations beside the install
// (installer/maintain, installer/uninstall) testkit's fixtures installed
// by the real installer.InstallEnv. It is for tests only; installer's own
// tests cannot use it (it imports installer) and keep their own adapter.
package testinstall

import (
	"context"
	"testing"

	"onboard/installer"
	"onboard/installer/internal/testkit"
)

// Fixtures installs testkit.TestEnvs with installer.InstallEnv.
func Fixtures(t *testing.T) *testkit.Fixture {
	return testkit.InstallFixtures(t, Env)
}

// Archives installs the archives of envs with installer.InstallEnv.
func Archives(t *testing.T, envs map[string][]string) *testkit.Fixture {
	return testkit.InstallArchives(t, envs, Env)
}

// Env is the testkit.EnvInstall that installer.InstallEnv carries out.
func Env(ctx context.Context, dir, pkgsDir, envTxt string, pkgs []testkit.Package) error {
	files := make([]installer.PackageFile, len(pkgs))
	for i, p := range pkgs {
		files[i] = installer.PackageFile{Path: p.Path, SHA256: p.SHA256, MD5: p.MD5, Size: p.Size}
	}
	_, err := installer.InstallEnv(ctx, installer.EnvRequest{Prefix: dir, PkgsDir: pkgsDir,
		Subdir: "linux-64", Packages: files, EnvironmentsTxt: envTxt, Command: "onboard test"})
	return err
}

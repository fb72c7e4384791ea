package maintain

import (
	"context"
	"testing"

	"onboard/installer"
	"onboard/installer/internal/testkit"
)

// installFixtures installs testkit.TestEnvs with installer.InstallEnv.
func installFixtures(t *testing.T) *testkit.Fixture {
	return testkit.InstallFixtures(t, installEnv)
}

// installArchives installs the archives of envs with installer.InstallEnv.
func installArchives(t *testing.T, envs map[string][]string) *testkit.Fixture {
	return testkit.InstallArchives(t, envs, installEnv)
}

// installEnv is the testkit.EnvInstall of these tests.
func installEnv(ctx context.Context, dir, pkgsDir, envTxt string, pkgs []testkit.Package) error {
	files := make([]installer.PackageFile, len(pkgs))
	for i, p := range pkgs {
		files[i] = installer.PackageFile{Path: p.Path, SHA256: p.SHA256, MD5: p.MD5, Size: p.Size}
	}
	_, err := installer.InstallEnv(ctx, installer.EnvRequest{Prefix: dir, PkgsDir: pkgsDir,
		Subdir: "linux-64", Packages: files, EnvironmentsTxt: envTxt, Command: "onboard test"})
	return err
}

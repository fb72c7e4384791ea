package installer

import (
	"context"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
)

// installFixtures installs testkit.TestEnvs with InstallEnv.
func installFixtures(t *testing.T) *testkit.Fixture {
	return testkit.InstallFixtures(t, fixtureEnv)
}

// fixtureEnv is the testkit.EnvInstall of these tests.
func fixtureEnv(ctx context.Context, dir, pkgsDir, envTxt string, pkgs []testkit.Package) error {
	files := make([]PackageFile, len(pkgs))
	for i, p := range pkgs {
		files[i] = PackageFile{Path: p.Path, SHA256: p.SHA256, MD5: p.MD5, Size: p.Size}
	}
	_, err := InstallEnv(ctx, EnvRequest{Prefix: dir, PkgsDir: pkgsDir,
		Subdir: "linux-64", Packages: files, EnvironmentsTxt: envTxt, Command: "onboard test"})
	return err
}

// kinds lists what verify found as "env dist path kind" lines.
func kinds(ps []maintain.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Env+" "+p.Package+" "+p.Path+" "+string(p.Kind))
	}
	return out
}

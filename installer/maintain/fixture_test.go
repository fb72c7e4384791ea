package maintain

import (
	"testing"

	"onboard/installer/internal/testinstall"
	"onboard/installer/internal/testkit"
)

// installFixtures installs testkit.TestEnvs with installer.InstallEnv.
func installFixtures(t *testing.T) *testkit.Fixture { return testinstall.Fixtures(t) }

// installArchives installs the archives of envs with installer.InstallEnv.
func installArchives(t *testing.T, envs map[string][]string) *testkit.Fixture {
	return testinstall.Archives(t, envs)
}

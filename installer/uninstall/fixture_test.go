package uninstall

import (
	"testing"

	"onboard/installer/internal/testinstall"
	"onboard/installer/internal/testkit"
)

// installFixtures installs testkit.TestEnvs with installer.InstallEnv.
func installFixtures(t *testing.T) *testkit.Fixture { return testinstall.Fixtures(t) }

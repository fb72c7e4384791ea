package cli

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"onboard/installer"
)

// FuzzInstallConfig reads fuzzed --config files: a file is accepted or
// refused with a usage error (exit 2), never a panic.
func FuzzInstallConfig(f *testing.F) {
	f.Add("prefix = \"/opt/acme\"\njupyter_launcher = false\nshell_setup = true\nall_users = true\nkeep_package_cache = true\nlog = \"logs/install.log\"\n")
	f.Add("prefix = 1\n[x]\ny = [\n")
	f.Fuzz(func(t *testing.T, config string) {
		p := filepath.Join(t.TempDir(), "it.toml")
		os.WriteFile(p, []byte(config), 0o644)
		_, err := parseInstall(t, "--config", p)
		var ue *installer.UsageError
		if err != nil && !errors.As(err, &ue) {
			t.Fatalf("a bad config gave %T (%v); want a *installer.UsageError", err, err)
		}
	})
}

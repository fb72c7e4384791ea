package installer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/internal/testkit"
)

// The envs a bundle freezes get conda's conda-meta/frozen (CEP 22): with
// the message conda shows as JSON, or empty for conda's own; the others
// none. A frozen env an env of the bundle does not have is refused when
// the bundle is built.
func TestInstallMarksFrozenEnvs(t *testing.T) {
	head := "name = \"T\"\nid = \"org.t\"\nversion = \"2026.12.0\"\n"
	b := testkit.BundleOfSpecs(t, head, "[frozen]\nbase = \"Managed by the platform team: \\\"conda create -n mine\\\" makes an env of your own.\"\n",
		testkit.Program("python", "1.0"))
	if s := b.Summary(); strings.Join(s.Frozen, ",") != "base" {
		t.Errorf("inspect's summary names frozen envs %q; want base", s.Frozen)
	}
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(prefix, "conda-meta", "frozen"))
	if want := `{"message":"Managed by the platform team: \"conda create -n mine\" makes an env of your own."}` + "\n"; err != nil || string(got) != want {
		t.Errorf("base's conda-meta/frozen: %q (%v); want %q", got, err, want)
	}
	if _, err := os.Stat(filepath.Join(prefix, "envs", "team", "conda-meta", "frozen")); err == nil {
		t.Error("team, which the bundle does not freeze, is frozen")
	}

	b = testkit.BundleOfSpecs(t, head, "[frozen]\nteam = \"\"\n", testkit.Program("python", "1.0"))
	prefix = filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(prefix, "envs", "team", "conda-meta", "frozen")); err != nil || len(got) != 0 {
		t.Errorf("team's conda-meta/frozen: %q (%v); want an empty file", got, err)
	}
	if _, err := os.Stat(filepath.Join(prefix, "conda-meta", "frozen")); err == nil {
		t.Error("base, which the bundle does not freeze, is frozen")
	}
	if log, _ := os.ReadFile(filepath.Join(prefix, ".onboard", "install.log")); !strings.Contains(string(log), "froze env team") {
		t.Errorf("the log does not say the env was frozen:\n%s", log)
	}
}

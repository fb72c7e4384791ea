package installer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"onboard/installer/maintain"
	"onboard/installer/state"
)

// The installed manifest says what the install made beside the prefix
// (state.Made), so that verify tells a lost launcher record from an
// install that made none (audit BM 7); an install without launchers or
// shell set-up records nothing, and is healthy without a record.
func TestInstallRecordsWhatItMade(t *testing.T) {
	b, root, _ := demoForLaunchers(t)
	with, without := filepath.Join(root, "with"), filepath.Join(root, "without")
	if _, err := Install(context.Background(), Options{Prefix: with, Bundle: b, Subdir: "linux-64",
		JupyterLauncher: true, MaintenanceLauncher: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(context.Background(), Options{Prefix: without, Bundle: b, Subdir: "linux-64", NoShortcuts: true}); err != nil {
		t.Fatal(err)
	}
	man, err := state.ReadManifest(with)
	if err != nil {
		t.Fatal(err)
	}
	if man.Made == nil || len(man.Made.Launchers) != len(b.Manifest.Launchers)+1 || !slices.Contains(man.Made.Launchers, b.Manifest.Launchers[0].Name) || !man.Made.Menus {
		t.Fatalf("made %+v; want the bundle's launchers, the maintenance one and the menus", man.Made)
	}
	if man, _ := state.ReadManifest(without); man.Made != nil {
		t.Errorf("an install without launchers recorded %+v; want nothing", man.Made)
	}
	for _, p := range []string{with, without} {
		os.Remove(state.LaunchersPath(p))
	}
	r, err := maintain.Verify(context.Background(), with, maintain.VerifyOptions{})
	if err == nil || len(r.Problems) != 1 || r.Problems[0].Kind != maintain.ProblemLauncher {
		t.Errorf("verify of an install whose launcher record is gone: %v %+v; want one launcher problem", err, r.Problems)
	}
	if r, err := maintain.Verify(context.Background(), without, maintain.VerifyOptions{}); err != nil {
		t.Errorf("verify of an install that made no launchers: %v %+v; want it healthy", err, r.Problems)
	}
}

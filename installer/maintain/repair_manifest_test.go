package maintain

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/state"
)

// A repair that writes a lost manifest again reads whom the install is
// for from conda's .nonadmin markers: the base's lost with the manifest,
// an env's still says "one user" (it said "all users").
func TestRepairedManifestOfAOneUserInstallWithoutTheBasesMarker(t *testing.T) {
	prefix, _ := installSmall(t)
	for _, p := range []string{filepath.Join(prefix, ".onboard", "manifest.json"), filepath.Join(prefix, ".nonadmin")} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := Repair(context.Background(), prefix, RepairOptions{EnvironmentsTxt: "-"}); err != nil {
		t.Fatalf("repair: %v (left %v)", err, kinds(res.Left))
	}
	m, err := state.ReadManifest(prefix)
	if err != nil || m.AllUsers {
		t.Fatalf("the manifest written again: %+v, %v; want one for one user", m, err)
	}
	if r, err := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: "-", SkipLaunchers: true}); err != nil || len(r.Problems) != 0 {
		t.Fatalf("verify after the repair: %v, %v", kinds(r.Problems), err)
	}
}

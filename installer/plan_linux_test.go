//go:build linux

package installer

import (
	"context"
	"path/filepath"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/platform"
)

// A disk too small for the install: the plan refuses it with no-space
// from the disk's real free space (statfs), and writes nothing on it;
// Install refuses it the same way before writing.
func TestPlanOnASmallDisk(t *testing.T) {
	withEnv(t, fakeEnv(""))
	disk := mountTiny(t, 256*1024)
	o := Options{Prefix: filepath.Join(disk, "acme"), Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}
	p := unchanged(t, disk, o)
	if p.Code != platform.ProblemNoSpace || p.ExitCode != ExitTarget || p.FreeBytes <= 0 || p.FreeBytes >= p.NeedBytes {
		t.Fatalf("plan on a %d-byte disk: %+v", 256*1024, p)
	}
	before := treeOf(t, disk)
	if _, err := Install(context.Background(), o); targetCode(err) != platform.ProblemNoSpace {
		t.Fatalf("Install: %v", err)
	}
	if treeOf(t, disk) != before {
		t.Fatal("the refused install wrote on the disk")
	}
}

package wizard

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"onboard/assets"
	"onboard/installer"
	"onboard/installer/bundle"
)

// The Welcome step's "Space needed on disk" is what the maintenance window
// later shows the install takes: the envs' sizes and the maintenance
// app's add up to du of the prefix, and the estimate is within 3% of it.
// The install keeps the whole bundle file for repairs, every platform's
// archives in it; Welcome counted this platform's alone (the demo's
// figures were 6% apart side by side in the README: review BF 12).
func TestWelcomeSpaceIsWhatTheMaintenanceWindowAddsUp(t *testing.T) {
	if testing.Short() {
		t.Skip("installs the demo bundle")
	}
	du, err := exec.LookPath("du")
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("no du here")
	}
	data := assets.DemoBundle()
	if data == nil {
		t.Skip("no demo bundle: run 'make demo'")
	}
	b, err := bundle.OpenBytes(data, "embedded demo") // as the window opens it
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Manifest.Platforms) < 2 {
		t.Fatalf("the demo bundle has %d platforms; this test needs others beside linux-64", len(b.Manifest.Platforms))
	}
	root := t.TempDir()
	t.Setenv("HOME", filepath.Join(root, "home"))
	t.Setenv("XDG_DATA_HOME", "")
	prefix := filepath.Join(root, "demo")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatalf("Install: %v", err)
	}
	out, err := exec.Command(du, "-s", "-B1", prefix).Output()
	if err != nil {
		t.Skipf("du -B1: %v", err)
	}
	total, _ := strconv.ParseInt(strings.Fields(string(out))[0], 10, 64)

	var shown int64 // what the maintenance window shows, row by row
	for _, env := range append([]string{"base"}, b.Platform("linux-64").EnvNames()...) {
		n, err := EnvSize(prefix, env)
		if err != nil {
			t.Fatal(err)
		}
		shown += n
	}
	app, err := MaintenanceSize(prefix)
	if err != nil {
		t.Fatal(err)
	}
	shown += app
	if d := total - shown; d < 0 || d > 2*4096 { // the prefix's envs/ and pkgs/ folders are no row's
		t.Errorf("the maintenance window's sizes add up to %d; du finds %d in the prefix", shown, total)
	}
	est := Summarize(b, "linux-64").DiskBytes
	if diff := float64(est-total) / float64(total); diff > 0.03 || diff < -0.03 {
		t.Fatalf("Welcome says about %d bytes; the install takes %d (%+.1f%%), the kept bundle %d", est, total, diff*100, b.ZipSize())
	}
}

// Where the kept bundle is a hard link to the bundle file, the Location
// step says "about NEED, SHARED less than the full size": the two add up
// to Welcome's figure, the other platforms' archives counted in SHARED
// (audit BJ 3: 29.4 MB + 1.1 MB against Welcome's 33.8 MB).
func TestLocationsSharedBytesAddUpToWelcome(t *testing.T) {
	data := assets.DemoBundle()
	if data == nil {
		t.Skip("no demo bundle: run 'make demo'")
	}
	dir := t.TempDir()
	t.Setenv("HOME", filepath.Join(dir, "home"))
	zipPath := filepath.Join(dir, "demo.zip")
	if err := os.WriteFile(zipPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p, err := installer.Plan(context.Background(), installer.Options{Prefix: filepath.Join(dir, "demo"), Bundle: b, Subdir: "linux-64"})
	if err != nil {
		t.Fatal(err)
	}
	if p.SharedBytes == 0 {
		t.Skip("the kept bundle would be copied here, not linked")
	}
	if welcome := Summarize(b, p.Subdir).DiskBytes; p.NeedBytes+p.SharedBytes != welcome {
		t.Fatalf("Location: %d, %d less than the full size; Welcome: %d", p.NeedBytes, p.SharedBytes, welcome)
	}
}

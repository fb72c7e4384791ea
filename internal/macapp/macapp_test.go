package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"

	"onboard/assets"
	"onboard/installer/bundle"
)

// demoBundle writes the embedded demo bundle (made by `make demo`) to dir.
func demoBundle(t *testing.T, dir string) string {
	t.Helper()
	data := assets.DemoBundle()
	if data == nil {
		t.Fatal("no demo bundle embedded: run 'make demo' first")
	}
	p := filepath.Join(dir, "bundle.zip")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlistVersion(t *testing.T) {
	for in, want := range map[string]string{"v1.2.3": "1.2.3", "2026.11.0": "2026.11.0", "v2": "2", "5454d64-dirty": "0.0.0", "v1.2.3.4": "0.0.0"} {
		if got := plistVersion(in); got != want {
			t.Errorf("plistVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// The .app has the layout macOS wants, a valid Info.plist (plistutil reads
// it when installed), the icon, the executable, and a bundle that onboard's
// own discovery finds from the executable's place.
func TestMakeApp(t *testing.T) {
	dir := t.TempDir()
	zip := demoBundle(t, dir)
	exe := filepath.Join(dir, "onboard-gui")
	os.WriteFile(exe, []byte("\xcf\xfa\xed\xfe stand-in Mach-O"), 0o755)
	out := filepath.Join(dir, "dist", "Onboard.app")
	os.MkdirAll(filepath.Dir(out), 0o755)
	// An older .app is replaced as a whole.
	os.MkdirAll(filepath.Join(out, "Contents", "stale"), 0o755)
	if err := Make(Options{Exe: exe, Bundle: zip, Version: "v1.4.2", Out: out}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "Contents", "stale")); err == nil {
		t.Fatal("the old .app's files were kept")
	}
	fi, err := os.Stat(filepath.Join(out, "Contents", "MacOS", "onboard"))
	if err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Fatalf("executable: %v %v", fi, err)
	}
	icns, _ := os.ReadFile(filepath.Join(out, "Contents", "Resources", "icon.icns"))
	if !bytes.HasPrefix(icns, []byte("icns")) {
		t.Fatalf("icon.icns is not an icns file")
	}
	raw, err := os.ReadFile(filepath.Join(out, "Contents", "Info.plist"))
	if err != nil {
		t.Fatal(err)
	}
	var ip infoPlist
	if _, err := plist.Unmarshal(raw, &ip); err != nil {
		t.Fatalf("Info.plist: %v", err)
	}
	if ip.Executable != "onboard" || ip.IconFile != "icon.icns" || ip.Version != "1.4.2" || ip.Identifier != appID || ip.PackageType != "APPL" || !ip.HighResCapable {
		t.Fatalf("Info.plist %+v", ip)
	}
	if pu, err := exec.LookPath("plistutil"); err == nil {
		if b, err := exec.Command(pu, "-i", filepath.Join(out, "Contents", "Info.plist"), "-f", "bin", "-o", filepath.Join(dir, "Info.bin")).CombinedOutput(); err != nil {
			t.Fatalf("plistutil rejects Info.plist: %v %s", err, b)
		}
	}
	f, err := bundle.Discover(bundle.DiscoverOptions{Executable: filepath.Join(out, "Contents", "MacOS", "onboard")})
	if err != nil {
		t.Fatalf("onboard does not find the bundle in the .app: %v", err)
	}
	defer f.Close()
	if f.Kind != bundle.SourceBeside || !strings.Contains(f.Source, filepath.Join("Contents", "Resources", "bundle.zip")) {
		t.Fatalf("found %s at %s", f.Kind, f.Source)
	}
}

func TestMakeAppErrors(t *testing.T) {
	dir := t.TempDir()
	if err := Make(Options{Exe: filepath.Join(dir, "missing"), Out: filepath.Join(dir, "X.app")}); err == nil || !strings.Contains(err.Error(), "build it on a Mac") {
		t.Fatalf("missing exe: %v", err)
	}
	if err := Make(Options{Exe: "x", Out: filepath.Join(dir, "X")}); err == nil || !strings.Contains(err.Error(), ".app") {
		t.Fatalf("bad name: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "X.app")); err == nil {
		t.Fatal("a failed run left an .app")
	}
}

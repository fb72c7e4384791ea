package platform

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"
)

func TestInfoPlistParses(t *testing.T) {
	app := sampleApp(t, "darwin")
	app.Prefix = "/Users/ann/R&D <py>"
	b, err := InfoPlist(app, LauncherSpec{Name: "Jupyter Lab for the whole team", Env: "team"}, "jupyter-lab", true)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if _, err := plist.Unmarshal(b, &m); err != nil {
		t.Fatalf("Info.plist does not parse: %v\n%s", err, b)
	}
	want := map[string]any{
		"CFBundleExecutable": "jupyter-lab", "CFBundleIdentifier": "com.acme.python.JupyterLabForTheWholeTeam",
		"CFBundleName": "Jupyter Lab for", "CFBundleDisplayName": "Jupyter Lab for the whole team",
		"CFBundlePackageType": "APPL", "CFBundleVersion": "2026.11.0", "CFBundleIconFile": "icon.icns",
		"LSMinimumSystemVersion": "12.0", "NSHighResolutionCapable": true, "OnboardPrefix": app.Prefix,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %#v; want %#v", k, m[k], v)
		}
	}
	if !bytes.Contains(b, []byte(xmlEscape(app.Prefix))) {
		t.Errorf("the escaped prefix is not in the plist, so Check could not find it")
	}
	b, _ = InfoPlist(app, LauncherSpec{Name: "X"}, "x", false)
	if bytes.Contains(b, []byte("CFBundleIconFile")) {
		t.Error("CFBundleIconFile written without an icon")
	}
}

func TestICNS(t *testing.T) {
	png := testIcon(t)
	b, err := ICNS(png)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:4]) != "icns" || int(binary.BigEndian.Uint32(b[4:])) != len(b) {
		t.Fatalf("bad container header % x", b[:8])
	}
	if string(b[8:12]) != "ic08" || int(binary.BigEndian.Uint32(b[12:])) != 8+len(png) || !bytes.Equal(b[16:], png) {
		t.Errorf("bad element header % x", b[8:16])
	}
	if _, err := ICNS(png[:10]); err == nil {
		t.Error("a truncated PNG was accepted")
	}
	odd := append([]byte{}, png...)
	binary.BigEndian.PutUint32(odd[16:], 100) // 100×256
	if _, err := ICNS(odd); err == nil || !strings.Contains(err.Error(), "100×256") {
		t.Errorf("non-square icon: %v", err)
	}
}

func TestICO(t *testing.T) {
	png := testIcon(t)
	b, err := ICO(png)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(b[2:]) != 1 || le.Uint16(b[4:]) != 1 || b[6] != 0 || b[7] != 0 {
		t.Errorf("bad ICO header % x", b[:8])
	}
	if int(le.Uint32(b[14:])) != len(png) || le.Uint32(b[18:]) != 22 || !bytes.Equal(b[22:], png) {
		t.Errorf("bad ICO directory entry % x", b[6:22])
	}
}

func TestReadLaunchConfig(t *testing.T) {
	dir := tempDir(t)
	p := samplePlan(t, "darwin", false)
	for _, f := range p.Files {
		if strings.HasSuffix(f.Path, LaunchConfigName) && strings.Contains(f.Path, "Jupyter") {
			mustWrite(t, filepath.Join(dir, "J.app", "Contents", "Resources", LaunchConfigName), string(f.Data))
		}
	}
	cfg, ok, err := ReadLaunchConfig(filepath.Join(dir, "J.app", "Contents", "MacOS", "jupyter-lab"))
	want := []string{"launch", "jupyter", "--prefix", samplePrefix["darwin"], "--env", "team"}
	if err != nil || !ok || cfg.Prefix != samplePrefix["darwin"] || !equalStrings(cfg.Args, want) {
		t.Errorf("ReadLaunchConfig = %+v, %v, %v; want args %q", cfg, ok, err, want)
	}
	if _, ok, err := ReadLaunchConfig(filepath.Join(dir, "onboard")); ok || err != nil {
		t.Errorf("no config: ok %v, err %v", ok, err)
	}
	mustWrite(t, filepath.Join(dir, "B.app", "Contents", "Resources", LaunchConfigName), "{")
	if _, _, err := ReadLaunchConfig(filepath.Join(dir, "B.app", "Contents", "MacOS", "x")); err == nil {
		t.Error("a broken config was accepted")
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tc-hib/winres"
	"github.com/tc-hib/winres/version"

	"onboard/assets"
)

func TestNumericVersion(t *testing.T) {
	for in, want := range map[string][4]uint16{
		"v1.2.3":          {1, 2, 3, 0},
		"2026.11.0":       {2026, 11, 0, 0},
		"v1.2.3.4":        {1, 2, 3, 4},
		"v2":              {2, 0, 0, 0},
		"5454d64-dirty":   {},
		"v1.2.3-4-gabcde": {},
		"dev":             {},
		"v1.99999.0":      {1, 0, 0, 0},
	} {
		if got := NumericVersion(in); got != want {
			t.Errorf("NumericVersion(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBadIcon(t *testing.T) {
	if _, err := Resources("v1.0.0", []byte("not a png")); err == nil || !strings.Contains(err.Error(), "PNG") {
		t.Fatalf("a bad icon: %v", err)
	}
}

// The .syso files link into a real windows/amd64 program (go build, no
// flags), and the program's resources read back: manifest, icon, version.
func TestSysoLinksIntoAWindowsProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Windows program")
	}
	rs, err := Resources("v1.2.3", assets.Icon())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Write(rs, dir); err != nil {
		t.Fatal(err)
	}
	for _, a := range Arches {
		if fi, err := os.Stat(filepath.Join(dir, "rsrc_windows_"+string(a)+".syso")); err != nil || fi.Size() < 1000 {
			t.Fatalf("no .syso for %s: %v", a, err)
		}
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	exe := filepath.Join(dir, "x.exe")
	cmd := exec.Command("go", "build", "-o", exe, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := winres.LoadFromEXE(f)
	if err != nil {
		t.Fatalf("the program has no resources: %v", err)
	}

	xml := string(got.Get(winres.RT_MANIFEST, winres.ID(1), winres.LCIDDefault))
	m, err := winres.AppManifestFromXML([]byte(xml))
	if err != nil {
		t.Fatalf("manifest: %v\n%s", err, xml)
	}
	if m.ExecutionLevel != winres.AsInvoker || m.DPIAwareness != winres.DPIPerMonitorV2 || !m.UseCommonControlsV6 || !m.LongPathAware {
		t.Fatalf("manifest %+v:\n%s", m, xml)
	}
	for _, want := range []string{`level="asInvoker"`, ">permonitorv2,system</dpiAwareness>", `name="Microsoft.Windows.Common-Controls" version="6.0.0.0"`, `WindowsSettings">true</longPathAware>`, `name="io.onboard.installer" version="1.2.3.0"`} {
		if !strings.Contains(xml, want) {
			t.Errorf("manifest lacks %s:\n%s", want, xml)
		}
	}

	for _, name := range []string{"APP", "GLFW_ICON"} {
		ico, err := got.GetIcon(winres.Name(name))
		if err != nil {
			t.Fatalf("icon %s: %v", name, err)
		}
		var b strings.Builder
		if err := ico.SaveICO(&b); err != nil {
			t.Fatal(err)
		}
		// ICONDIR: reserved, type 1, count.
		if s := b.String(); len(s) < 6 || s[2] != 1 || int(s[4]) != len(IconSizes) {
			t.Fatalf("icon %s has %d images, want %d", name, s[4], len(IconSizes))
		}
	}

	vi, err := version.FromBytes(got.Get(winres.RT_VERSION, winres.ID(1), winres.LCIDDefault))
	if err != nil {
		t.Fatalf("version info: %v", err)
	}
	if vi.FileVersion != [4]uint16{1, 2, 3, 0} || vi.ProductVersion != [4]uint16{1, 2, 3, 0} {
		t.Fatalf("version numbers %v %v", vi.FileVersion, vi.ProductVersion)
	}
	js, _ := vi.MarshalJSON()
	for _, want := range []string{`"ProductVersion":"v1.2.3"`, `"FileVersion":"v1.2.3"`, `"OriginalFilename":"onboard.exe"`, `"ProductName":"onboard"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("version info lacks %s: %s", want, js)
		}
	}
}

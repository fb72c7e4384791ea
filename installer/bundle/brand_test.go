package bundle

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"

	"github.com/tc-hib/winres"
	"github.com/tc-hib/winres/version"
)

// pngOf returns a size×size PNG of one colour.
func pngOf(t *testing.T, size int, c color.Color) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// windowsExeWithResources cross-builds a tiny Windows program that links
// a .syso as onboard.exe does: a manifest, onboard's icon (red) and
// onboard's version info.
func windowsExeWithResources(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rs := &winres.ResourceSet{}
	img, _ := png.Decode(bytes.NewReader(pngOf(t, 64, color.NRGBA{R: 255, A: 255})))
	icon, err := winres.NewIconFromResizedImage(img, []int{64, 32, 16})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range brandIconNames {
		if err := rs.SetIcon(winres.Name(n), icon); err != nil {
			t.Fatal(err)
		}
	}
	rs.SetManifest(winres.AppManifest{ExecutionLevel: winres.AsInvoker, DPIAwareness: winres.DPIPerMonitorV2,
		UseCommonControlsV6: true, LongPathAware: true})
	vi := version.Info{}
	vi.Set(version.LangDefault, version.ProductName, "onboard")
	rs.SetVersionInfo(vi)
	f, err := os.Create(filepath.Join(dir, "rsrc_windows_amd64.syso"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.WriteObject(f, winres.ArchAMD64); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return crossBuildWindows(t, dir)
}

// resourcesOf reads the Windows resources of the installer's plain part.
func resourcesOf(t *testing.T, inst string) *winres.ResourceSet {
	t.Helper()
	f, err := os.Open(inst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := winres.LoadFromEXE(f)
	if err != nil {
		t.Fatalf("resources of %s: %v", inst, err)
	}
	return rs
}

// iconColour is the colour of the middle pixel of the largest image of
// the icon named name.
func iconColour(t *testing.T, rs *winres.ResourceSet, name string) color.NRGBA {
	t.Helper()
	icon, err := rs.GetIcon(winres.Name(name))
	if err != nil {
		t.Fatalf("icon %s: %v", name, err)
	}
	var ico bytes.Buffer
	if err := icon.SaveICO(&ico); err != nil {
		t.Fatal(err)
	}
	// The first image of the saved ICO is the largest: a PNG (winres stores
	// 256 px images as PNG) or a BMP; decode the PNG ones, which ours are.
	data := ico.Bytes()
	off := int(data[18]) | int(data[19])<<8 | int(data[20])<<16 | int(data[21])<<24
	img, err := png.Decode(bytes.NewReader(data[off:]))
	if err != nil {
		t.Fatalf("icon %s's first image is not a PNG: %v", name, err)
	}
	b := img.Bounds()
	return color.NRGBAModel.Convert(img.At(b.Dx()/2, b.Dy()/2)).(color.NRGBA)
}

// versionHas tells whether the installer's version info holds each string.
func versionHas(t *testing.T, rs *winres.ResourceSet, want ...string) bool {
	t.Helper()
	var raw []byte
	rs.WalkType(winres.RT_VERSION, func(_ winres.Identifier, _ uint16, data []byte) bool { raw = data; return false })
	if raw == nil {
		t.Fatal("no version info")
	}
	if _, err := version.FromBytes(raw); err != nil {
		t.Fatalf("version info unreadable: %v", err)
	}
	for _, w := range want {
		u := utf16.Encode([]rune(w))
		b := make([]byte, 2*len(u))
		for i, c := range u {
			b[2*i], b[2*i+1] = byte(c), byte(c>>8)
		}
		if !bytes.Contains(raw, b) {
			t.Logf("version info lacks %q", w)
			return false
		}
	}
	return true
}

// A Windows installer carries the team's name, version and icon, keeps
// the binary's manifest, still finds its bundle, and signs.
func TestAttachBrandsWindowsInstaller(t *testing.T) {
	dir := t.TempDir()
	spec := fixtureSpec(t, dir, "2026.11.3")
	// The team icon: blue.
	if err := os.WriteFile(filepath.Join(dir, "team.png"), pngOf(t, 256, color.NRGBA{B: 255, A: 255}), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := os.ReadFile(spec)
	if err := os.WriteFile(spec, append([]byte("icon = \"team.png\"\npublisher = \"Acme Corp.\"\nurl = \"https://python.acme.example/help\"\n"), s...), 0o644); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(dir, "b.zip")
	build(t, spec, zipPath, nil)
	exe := windowsExeWithResources(t)

	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: exe, OutDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Attach: %v", err)
	}
	// an onboard older than the bundle's publisher would refuse its
	// bundle: attach refuses to make such an installer (audit AG)
	if _, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: "/bin/true", OutDir: t.TempDir()}); !errors.Is(err, ErrOlderInstaller) {
		t.Errorf("Attach to a program that does not read publisher: %v; want ErrOlderInstaller", err)
	}
	rs := resourcesOf(t, inst)
	for _, n := range brandIconNames {
		if c := iconColour(t, rs, n); c.B != 255 || c.R != 0 {
			t.Errorf("icon %s is %v, want the team's blue", n, c)
		}
	}
	if !versionHas(t, rs, "Acme Python installer", "2026.11.3", "Acme Corp.") {
		t.Error("the version info does not name the team's bundle and its publisher (CompanyName)")
	}
	var manifest []byte
	rs.WalkType(winres.RT_MANIFEST, func(_ winres.Identifier, _ uint16, data []byte) bool { manifest = data; return false })
	if !bytes.Contains(manifest, []byte("asInvoker")) || !bytes.Contains(manifest, []byte("longPathAware")) {
		t.Errorf("the binary's manifest was lost:\n%s", manifest)
	}
	if got := numericVersion("2026.11.3"); got != [4]uint16{2026, 11, 3, 0} {
		t.Errorf("numericVersion = %v", got)
	}
	f, err := Discover(DiscoverOptions{Executable: inst})
	if err != nil {
		t.Fatalf("Discover(branded installer): %v", err)
	}
	defer f.Close()
	if f.Kind != SourceAppended || f.Manifest.Version != "2026.11.3" || f.Manifest.Publisher != "Acme Corp." || f.Manifest.URL != "https://python.acme.example/help" {
		t.Errorf("found %s %s, publisher %q, url %q", f.Kind, f.Manifest.Version, f.Manifest.Publisher, f.Manifest.URL)
	}
	if err := f.Verify(t.Context(), "win-64", 0, nil); err != nil {
		t.Errorf("Verify of the bundle in the branded installer: %v", err)
	}

	// A bundle without an icon keeps the binary's own (red) icon, and
	// still names the team in the version info.
	zip2 := filepath.Join(t.TempDir(), "b2.zip")
	build(t, fixtureSpec(t, t.TempDir(), "2026.12.0"), zip2, nil)
	inst2, err := Attach(context.Background(), AttachOptions{Bundle: zip2, Installer: exe, OutDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Attach without an icon: %v", err)
	}
	rs2 := resourcesOf(t, inst2)
	if c := iconColour(t, rs2, "APP"); c.R != 255 || c.B != 0 {
		t.Errorf("icon without a team icon is %v, want the binary's red", c)
	}
	if !versionHas(t, rs2, "Acme Python", "2026.12.0") {
		t.Error("the version info does not name the team's bundle")
	}
	if versionHas(t, rs2, "Acme Corp.") {
		t.Error("the version info names a publisher the bundle does not")
	}
}

// brandedPlain is the Windows binary exe as Attach writes it for the bundle
// at zipPath, before the bundle.
func brandedPlain(t *testing.T, exe, zipPath string) []byte {
	t.Helper()
	b, err := Open(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	raw, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := brandPE(&out, raw, Brand{Name: b.Manifest.Name, Version: b.Manifest.Version, IconPNG: b.Icon()}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Command winresgen writes the Windows resources of onboard.exe as
// rsrc_windows_<arch>.syso files beside main.go, which `go build` links
// into every Windows build (GUI and nogui, cgo or not) with no flags:
//
//   - the application manifest: asInvoker (never asks for elevation; an
//     all-users install is a separate, documented step), per-monitor-v2
//     DPI awareness, Common Controls v6 and long-path awareness;
//   - the icon: assets/icon.png at 256, 64, 48, 32 and 16 pixels, as the
//     application icon (Explorer, the taskbar) and as GLFW_ICON (the
//     window icon GLFW asks for);
//   - version info: onboard's version (`git describe`), numeric when it is a
//     vX.Y.Z tag, and the product name, description and file name.
//
// It uses github.com/tc-hib/winres, the library behind go-winres, so the
// build installs no tool.
//
//	go run ./internal/winresgen -version v1.2.3 -icon assets/icon.png -o .
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"regexp"

	"github.com/tc-hib/winres"
	"github.com/tc-hib/winres/version"

	"onboard/internal/appid"
)

// Arches are the Windows targets that get a .syso.
var Arches = []winres.Arch{winres.ArchAMD64, winres.ArchI386, winres.ArchARM64}

// Identity of the program in the manifest and version info.
const (
	appID       = appid.ID
	productName = "onboard"
	description = "onboard - installs the team's Python platform offline"
	exeName     = "onboard.exe"
)

// IconSizes are the icon's sizes in pixels.
var IconSizes = []int{256, 64, 48, 32, 16}

// Manifest is onboard.exe's application manifest.
func Manifest(v [4]uint16) winres.AppManifest {
	return winres.AppManifest{
		Identity:            winres.AssemblyIdentity{Name: appID, Version: v},
		Description:         description,
		Compatibility:       winres.Win7AndAbove, // lists Windows 7, 8, 8.1 and 10/11
		ExecutionLevel:      winres.AsInvoker,
		DPIAwareness:        winres.DPIPerMonitorV2,
		UseCommonControlsV6: true,
		LongPathAware:       true,
	}
}

var tagRE = regexp.MustCompile(`^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?$`)

// NumericVersion turns a release tag (v1.2.3, 2026.11.0) into the four
// numbers Windows shows; anything else (a commit, "dev", a dirty tree)
// gives 0.0.0.0, as the string version says what it is.
func NumericVersion(v string) [4]uint16 {
	var out [4]uint16
	m := tagRE.FindStringSubmatch(v)
	if m == nil {
		return out
	}
	for i := range out {
		var n int
		fmt.Sscan(m[i+1], &n)
		if m[i+1] == "" || n > 65535 {
			n = 0
		}
		out[i] = uint16(n)
	}
	return out
}

// Resources builds the resource set from the version string and the PNG
// icon's bytes.
func Resources(ver string, iconPNG []byte) (*winres.ResourceSet, error) {
	img, _, err := image.Decode(bytes.NewReader(iconPNG))
	if err != nil {
		return nil, fmt.Errorf("failed to read the icon: %w; it must be a PNG (assets/icon.png)", err)
	}
	icon, err := winres.NewIconFromResizedImage(img, IconSizes)
	if err != nil {
		return nil, fmt.Errorf("failed to make the icon: %w", err)
	}
	rs := &winres.ResourceSet{}
	for _, name := range []string{"APP", "GLFW_ICON"} {
		if err := rs.SetIcon(winres.Name(name), icon); err != nil {
			return nil, fmt.Errorf("failed to add the icon: %w", err)
		}
	}
	num := NumericVersion(ver)
	rs.SetManifest(Manifest(num))
	vi := version.Info{FileVersion: num, ProductVersion: num}
	for k, v := range map[string]string{
		version.ProductName:      productName,
		version.FileDescription:  description,
		version.OriginalFilename: exeName,
		version.InternalName:     productName,
		version.ProductVersion:   ver,
		version.FileVersion:      ver,
		version.Comments:         "https://example.invalid/onboard",
	} {
		if err := vi.Set(version.LangDefault, k, v); err != nil {
			return nil, fmt.Errorf("failed to set the version info %s: %w", k, err)
		}
	}
	rs.SetVersionInfo(vi)
	return rs, nil
}

// Write writes dir/rsrc_windows_<arch>.syso for every arch, each
// atomically enough for a build step (temp file, rename).
func Write(rs *winres.ResourceSet, dir string) error {
	for _, a := range Arches {
		var b bytes.Buffer
		if err := rs.WriteObject(&b, a); err != nil {
			return fmt.Errorf("failed to write the resources for windows/%s: %w", a, err)
		}
		p := filepath.Join(dir, "rsrc_windows_"+string(a)+".syso")
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("failed to write %q: %w", tmp, err)
		}
		if err := os.Rename(tmp, p); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("failed to write %q: %w", p, err)
		}
	}
	return nil
}

func main() {
	ver := flag.String("version", "dev", "onboard's version (git describe)")
	iconPath := flag.String("icon", "assets/icon.png", "the PNG icon")
	out := flag.String("o", ".", "the folder of package main")
	flag.Parse()
	if err := run(*ver, *iconPath, *out); err != nil {
		fmt.Fprintf(os.Stderr, "winresgen: error: %v\n", err)
		os.Exit(1)
	}
}

func run(ver, iconPath, out string) error {
	png, err := os.ReadFile(iconPath)
	if err != nil {
		return fmt.Errorf("failed to read the icon %q: %w", iconPath, err)
	}
	rs, err := Resources(ver, png)
	if err != nil {
		return err
	}
	return Write(rs, out)
}

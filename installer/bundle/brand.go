package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/png" // bundle icons are PNG
	"io"
	"regexp"
	"strconv"

	"github.com/tc-hib/winres"
	"github.com/tc-hib/winres/version"
)

// Windows installers carry the team's name, version and icon: Explorer,
// the taskbar, "Properties > Details", UAC and SmartScreen show what the
// .exe's resources say, and a newcomer should see "Acme Python 2026.11.0",
// not onboard's own. Attach rewrites them in the plain binary before the
// bundle is appended (so an Authenticode signature covers them), keeping the
// manifest and everything else the build put there.

// Resource names of the application icon: "APP" is what Explorer shows,
// GLFW_ICON what the GUI's window shows (internal/winresgen writes both).
var brandIconNames = []string{"APP", "GLFW_ICON"}

// brandIconSizes are the icon's sizes in pixels.
var brandIconSizes = []int{256, 64, 48, 32, 16}

// Brand is what a Windows installer says about itself.
type Brand struct {
	Name    string // the bundle's name: ProductName, and the description
	Version string // the bundle's version: ProductVersion, FileVersion
	// Publisher is the bundle's publisher: CompanyName; "" = none
	Publisher string
	IconPNG   []byte // the bundle's icon; nil keeps the binary's own
}

// brandPE writes the PE executable exe (without any signature) to w with its
// version info, and its icon when b has one, replaced by b's. It returns the
// number of bytes written.
func brandPE(w io.Writer, exe []byte, b Brand) (int64, error) {
	rs, err := winres.LoadFromEXE(bytes.NewReader(exe))
	if errors.Is(err, winres.ErrNoResources) {
		rs, err = &winres.ResourceSet{}, nil
	}
	if err != nil {
		return 0, fmt.Errorf("failed to read the Windows resources of the installer binary: %w", err)
	}
	if b.IconPNG != nil {
		img, _, err := image.Decode(bytes.NewReader(b.IconPNG))
		if err != nil {
			return 0, fmt.Errorf("failed to read the bundle's icon: %w; it must be a PNG", err)
		}
		icon, err := winres.NewIconFromResizedImage(img, brandIconSizes)
		if err != nil {
			return 0, fmt.Errorf("failed to make a Windows icon of the bundle's icon: %w", err)
		}
		for _, name := range brandIconNames {
			if err := rs.SetIcon(winres.Name(name), icon); err != nil {
				return 0, fmt.Errorf("failed to set the installer's icon: %w", err)
			}
		}
	}
	num := numericVersion(b.Version)
	vi := version.Info{FileVersion: num, ProductVersion: num}
	for k, v := range map[string]string{
		version.ProductName:      b.Name,
		version.FileDescription:  b.Name + " installer",
		version.ProductVersion:   b.Version,
		version.FileVersion:      b.Version,
		version.OriginalFilename: "onboard.exe",
		version.InternalName:     "onboard",
		version.Comments:         "Made with onboard",
	} {
		if err := vi.Set(version.LangDefault, k, v); err != nil {
			return 0, fmt.Errorf("failed to set the installer's version info %s: %w", k, err)
		}
	}
	if b.Publisher != "" {
		if err := vi.Set(version.LangDefault, version.CompanyName, b.Publisher); err != nil {
			return 0, fmt.Errorf("failed to set the installer's version info CompanyName: %w", err)
		}
	}
	rs.SetVersionInfo(vi)
	cw := &countingWriter{w: w}
	if err := rs.WriteToEXE(cw, bytes.NewReader(exe), winres.WithAuthenticode(winres.RemoveSignature)); err != nil {
		return cw.n, fmt.Errorf("failed to write the installer's Windows resources: %w", err)
	}
	return cw.n, nil
}

var versionRE = regexp.MustCompile(`^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?`)

// numericVersion is the four numbers Windows shows for a version such as
// 2026.11.0 (CalVer) or 1.2.3; what does not fit is 0.
func numericVersion(v string) [4]uint16 {
	var out [4]uint16
	m := versionRE.FindStringSubmatch(v)
	if m == nil {
		return out
	}
	for i := range out {
		if n, err := strconv.ParseUint(m[i+1], 10, 16); err == nil {
			out[i] = uint16(n)
		}
	}
	return out
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

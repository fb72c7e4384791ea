// Command macapp wraps a macOS GUI build of onboard into an application
// bundle that a Mac user double-clicks:
//
//	Onboard.app/Contents/Info.plist          identifier, version, icon, NSHighResolutionCapable
//	Onboard.app/Contents/MacOS/onboard       the GUI executable (built on a Mac: Fyne needs cgo
//	                                         and the macOS SDK)
//	Onboard.app/Contents/Resources/icon.icns assets/icon.png as icns
//	Onboard.app/Contents/Resources/bundle.zip the bundle, which onboard finds there
//
// `make build` runs it on a Mac (`make macos`). The bundle is built into a
// temporary folder beside the output and renamed into place.
//
//	go run ./internal/macapp -exe dist/onboard-darwin-arm64-gui -bundle assets/demo/bundle.zip \
//	    -version v1.2.3 -o dist/onboard-darwin-arm64.app
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"howett.net/plist"

	"onboard/assets"
	"onboard/internal/appid"
	"onboard/internal/rmtree"
	"onboard/platform"
)

// infoPlist is the installer app's Info.plist.
type infoPlist struct {
	Executable       string `plist:"CFBundleExecutable"`
	Identifier       string `plist:"CFBundleIdentifier"`
	Name             string `plist:"CFBundleName"`
	DisplayName      string `plist:"CFBundleDisplayName"`
	PackageType      string `plist:"CFBundlePackageType"`
	Version          string `plist:"CFBundleVersion"`
	ShortVersion     string `plist:"CFBundleShortVersionString"`
	IconFile         string `plist:"CFBundleIconFile"`
	InfoDictVersion  string `plist:"CFBundleInfoDictionaryVersion"`
	MinSystemVersion string `plist:"LSMinimumSystemVersion"`
	HighResCapable   bool   `plist:"NSHighResolutionCapable"`
	Category         string `plist:"LSApplicationCategoryType"`
}

// appID is the bundle identifier.
const appID = appid.ID

var numRE = regexp.MustCompile(`^v?(\d+(?:\.\d+){0,2})$`)

// plistVersion is what CFBundleVersion may hold (up to three numbers):
// a release tag's numbers, else 0.0.0 (a development build).
func plistVersion(v string) string {
	if m := numRE.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return "0.0.0"
}

// Options say what to wrap.
type Options struct {
	Exe     string // the darwin GUI executable
	Bundle  string // the bundle zip to carry ("" for none: the embedded one is used)
	Version string // onboard's version
	Out     string // the .app to write (replaced when it exists)
}

// Make writes the .app.
func Make(o Options) error {
	if filepath.Ext(o.Out) != ".app" {
		return fmt.Errorf("the output %q must end in .app", o.Out)
	}
	exe, err := os.ReadFile(o.Exe)
	if err != nil {
		return fmt.Errorf("failed to read the executable %q: %w; build it on a Mac first", o.Exe, err)
	}
	var zip []byte
	if o.Bundle != "" {
		if zip, err = os.ReadFile(o.Bundle); err != nil {
			return fmt.Errorf("failed to read the bundle %q: %w", o.Bundle, err)
		}
	}
	icns, err := platform.ICNS(assets.Icon())
	if err != nil {
		return fmt.Errorf("failed to make the icon: %w", err)
	}
	v := plistVersion(o.Version)
	info, err := plist.MarshalIndent(infoPlist{
		Executable: "onboard", Identifier: appID, Name: "Onboard", DisplayName: "Onboard installer",
		PackageType: "APPL", Version: v, ShortVersion: v, IconFile: "icon.icns",
		InfoDictVersion: "6.0", MinSystemVersion: "11.0", HighResCapable: true,
		Category: "public.app-category.developer-tools",
	}, plist.XMLFormat, "\t")
	if err != nil {
		return fmt.Errorf("failed to write Info.plist: %w", err)
	}
	tmp := o.Out + ".tmp"
	rmtree.RemoveAll(tmp)
	files := []struct {
		rel  string
		data []byte
		mode os.FileMode
	}{
		{"Contents/Info.plist", append(info, '\n'), 0o644},
		{"Contents/MacOS/onboard", exe, 0o755},
		{"Contents/Resources/icon.icns", icns, 0o644},
	}
	if zip != nil {
		files = append(files, struct {
			rel  string
			data []byte
			mode os.FileMode
		}{"Contents/Resources/bundle.zip", zip, 0o644})
	}
	for _, f := range files {
		p := filepath.Join(tmp, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("failed to create %q: %w", filepath.Dir(p), err)
		}
		if err := os.WriteFile(p, f.data, f.mode); err != nil {
			rmtree.RemoveAll(tmp)
			return fmt.Errorf("failed to write %q: %w", p, err)
		}
	}
	if err := rmtree.RemoveAll(o.Out); err != nil {
		rmtree.RemoveAll(tmp)
		return fmt.Errorf("failed to replace %q: %w", o.Out, err)
	}
	if err := os.Rename(tmp, o.Out); err != nil {
		return fmt.Errorf("failed to move %q into place: %w", o.Out, err)
	}
	return nil
}

func main() {
	var o Options
	flag.StringVar(&o.Exe, "exe", "", "the macOS GUI executable (built on a Mac)")
	flag.StringVar(&o.Bundle, "bundle", "", "the bundle zip to put in Contents/Resources")
	flag.StringVar(&o.Version, "version", "dev", "onboard's version")
	flag.StringVar(&o.Out, "o", "", "the .app to write")
	flag.Parse()
	if o.Exe == "" || o.Out == "" {
		fmt.Fprintln(os.Stderr, "usage: macapp -exe EXE [-bundle ZIP] [-version V] -o NAME.app")
		os.Exit(2)
	}
	if err := Make(o); err != nil {
		fmt.Fprintf(os.Stderr, "macapp: error: %v\n", err)
		os.Exit(1)
	}
}

// Package assets holds what onboard embeds: the licence of the demo bundle,
// icons, and the demo bundle itself. It exposes bytes and fs.FS only.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed all:demo
var demo embed.FS

// DemoBundle returns the embedded demo bundle (a zip), or nil when the
// binary was built without one (a plain `go build` before `make demo`).
func DemoBundle() []byte {
	b, err := fs.ReadFile(demo, "demo/bundle.zip")
	if err != nil {
		return nil
	}
	return b
}

//go:embed icon.png
var icon []byte

// Icon returns onboard's own 256×256 PNG icon.
func Icon() []byte { return icon }

//go:embed all:winlauncher
var winlauncher embed.FS

// WindowsLauncher returns the entry-point launcher .exe for a Windows conda
// subdir ("win-64", "win-32", "win-arm64"), or nil when this binary was
// built without it.
func WindowsLauncher(subdir string) []byte {
	b, err := fs.ReadFile(winlauncher, "winlauncher/launcher-"+subdir+".exe")
	if err != nil {
		return nil
	}
	return b
}

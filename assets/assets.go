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

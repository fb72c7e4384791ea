package installer

import (
	"os"

	"onboard/installer/state"
)

// sameFile tells whether a and b are the same file.
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// bundleCopyName is the bundle file carried beside the maintenance app,
// where bundle.Discover looks for one (bundle.zip beside the executable).
func bundleCopyPath(prefixDir string) string { return state.BundlePath(prefixDir) }

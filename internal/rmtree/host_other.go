//go:build !windows

package rmtree

import (
	"io/fs"
	"os"
)

// makeRemovable gives a folder owner read, write and search permission, so
// that its entries can be listed and removed; files and links need nothing
// (their folder decides). It reports whether it changed anything.
func makeRemovable(p string, fi fs.FileInfo) bool {
	if !isRealDir(fi) || fi.Mode().Perm()&0o700 == 0o700 {
		return false
	}
	return os.Chmod(p, fi.Mode().Perm()|0o700) == nil
}

//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !solaris && !illumos

package platform

import (
	"os"
	"path/filepath"
)

// hostWritable tells whether a file can be created in dir by creating and
// removing one: Windows' permissions are ACLs that only an attempt settles.
func hostWritable(dir string) error { return probeWrite(dir) }

// hostWritableFile tells whether file can be opened for writing.
func hostWritableFile(file string) error {
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	return f.Close()
}

// hostRemovable tells whether p's folder takes a new file, as removing p
// needs (Windows' ACLs: only an attempt settles it).
func hostRemovable(p string) error { return probeWrite(filepath.Dir(p)) }

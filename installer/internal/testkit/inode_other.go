//go:build !unix

package testkit

import "os"

// InodeLinks is not known here: ok is false.
func InodeLinks(os.FileInfo) (ino, nlink uint64, ok bool) { return 0, 0, false }

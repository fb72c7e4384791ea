//go:build !unix

package installer

import "os"

// inodeLinks is not known here.
func inodeLinks(os.FileInfo) (ino, nlink uint64, ok bool) { return 0, 0, false }

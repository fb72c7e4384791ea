package pkg

import (
	"io"
	"time"
)

// newFile is a file the extraction creates (it must not exist yet),
// writes, stamps with its modification time and closes, with as few
// system calls as the system allows: an install makes tens of thousands
// of them. create (newfile_linux.go, newfile_other.go) makes one.
type newFile interface {
	io.Writer
	// finish sets the modification time (a zero time leaves it) and
	// closes the file.
	finish(mtime time.Time) error
	// abort closes the file after a failed write.
	abort()
	Name() string
}

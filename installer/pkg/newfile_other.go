//go:build !linux

package pkg

import (
	"io/fs"
	"os"
	"time"
)

// osFile is a new file written through *os.File (newfile_linux.go has
// the cheaper way of Linux).
type osFile struct{ *os.File }

func create(name string, perm fs.FileMode) (newFile, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm.Perm())
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (f osFile) finish(mtime time.Time) error {
	if err := f.File.Close(); err != nil {
		return err
	}
	return os.Chtimes(f.File.Name(), mtime, mtime)
}

func (f osFile) abort() { f.File.Close() }

//go:build !unix

package installer

import "io/fs"

// fastFile is the unix shortcut of verify_open_unix.go; elsewhere verify
// checks every file through os.
type fastFile struct {
	size int64
	mode fs.FileMode
}

func openFast(string) (f fastFile, missing, ok bool) { return f, false, false }

func (f *fastFile) close()                              {}
func (f *fastFile) sameAs(fs.FileInfo) bool             { return false }
func (f *fastFile) sum([]byte) ([32]byte, int64, error) { return [32]byte{}, 0, nil }

//go:build !unix

package maintain

import "io/fs"

// opener and fastFile are the unix shortcut of verify_open_unix.go;
// elsewhere verify checks every file through os.
type opener struct{}

func newOpener() *opener { return &opener{} }
func (op *opener) done() {}

func (op *opener) open(root, dir, name string, stat bool) (f fastFile, missing, ok bool) {
	return f, false, false
}

type fastFile struct {
	statted bool
	size    int64
	mode    fs.FileMode
}

func (f *fastFile) stat() bool                                 { return false }
func (f *fastFile) close()                                     {}
func (f *fastFile) sameAs(fs.FileInfo) bool                    { return false }
func (f *fastFile) sum([]byte, int64) ([32]byte, int64, error) { return [32]byte{}, 0, nil }
func (f *fastFile) read([]byte) (int, error)                   { return 0, nil }

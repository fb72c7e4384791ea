package bundle

import (
	"archive/zip"
	"fmt"
	"io"
)

// OpenPackage gives the bytes of package p where they are stored in the
// bundle, without copying them: a ReaderAt over the zip member (bundles
// store their packages uncompressed). The reader is valid until the
// bundle is closed; its hash is not checked here (the reader of the bytes
// checks it as they stream, see pkg.Extract). A package stored compressed
// (a bundle zipped by hand) gives an error: use CopyPackage.
func (b *Bundle) OpenPackage(p Package) (io.ReaderAt, int64, error) {
	f := b.files[p.ZipPath()]
	if f == nil {
		return nil, 0, bundleErr(b.Path, p.ZipPath()+" is missing", nil)
	}
	if f.Method != zip.Store || b.ra == nil {
		return nil, 0, bundleErr(b.Path, p.ZipPath()+" is stored compressed, so it cannot be read in place", nil)
	}
	off, err := f.DataOffset()
	if err != nil {
		return nil, 0, bundleErr(b.Path, "cannot read "+p.ZipPath(), err)
	}
	size := int64(f.CompressedSize64)
	if size != p.Size {
		return nil, 0, bundleErr(b.Path, fmt.Sprintf("%s is %d bytes; want %d", p.ZipPath(), size, p.Size), nil)
	}
	return io.NewSectionReader(b.ra, off, size), size, nil
}

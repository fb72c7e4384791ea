// Package ziplocal reads what a zip member's own (local) header says, which
// Go's archive/zip passes over: it reads the central directory's name and
// only skips the local header's. A zip whose two names differ is read as
// one file by onboard and as another by a streaming reader (bsdtar,
// Python's zipfile refuses it).
package ziplocal

import (
	"archive/zip"
	"errors"
	"io"
)

// Name returns the name in f's local header, found just before its data:
// the header is 30 bytes, then the name, then an extra field of up to
// 64 KiB. It reads a little first, which is enough when the extra field
// is short (onboard's and conda's zips have none).
func Name(r io.ReaderAt, f *zip.File) (string, error) {
	off, err := f.DataOffset()
	if err != nil {
		return "", err
	}
	for _, extra := range []int64{1024, 0xffff} {
		lo := max(0, off-30-int64(len(f.Name))-extra)
		buf := make([]byte, off-lo)
		if _, err := r.ReadAt(buf, lo); err != nil {
			return "", err
		}
		le16 := func(b []byte) int { return int(b[0]) | int(b[1])<<8 }
		for i := len(buf) - 30; i >= 0; i-- {
			if string(buf[i:i+4]) != "PK\x03\x04" {
				continue
			}
			n, e := le16(buf[i+26:]), le16(buf[i+28:])
			if i+30+n+e == len(buf) {
				return string(buf[i+30 : i+30+n]), nil
			}
		}
		if lo == 0 {
			break
		}
	}
	return "", errors.New("no local header ends where the member's data starts")
}

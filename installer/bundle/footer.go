package bundle

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// An attached installer is: the onboard binary, then the bundle zip (its
// offsets relative to its own start), then a fixed 64-byte footer:
//
//	offset 0  uint64 LE  where the zip starts in the file
//	offset 8  uint64 LE  the zip's length (0: no bundle, the footer only carries a key)
//	offset 16 [32]byte   the ed25519 public key the installer trusts; all zero = none
//	offset 48 [16]byte   footerMagic
const footerSize = 64

var footerMagic = []byte("onboard-bundle\x00\x01")

// Payload describes what is appended to an executable.
type Payload struct {
	Offset     int64             // where the appended data (zip or footer) starts = the plain binary's size
	ZipOffset  int64             // where the zip starts; equals Offset
	ZipSize    int64             // 0 when no zip is appended
	TrustedKey ed25519.PublicKey // nil when none is baked in
	HasFooter  bool              // written by 'onboard bundle attach'
}

func encodeFooter(zipOff, zipSize int64, key ed25519.PublicKey) []byte {
	b := make([]byte, footerSize)
	binary.LittleEndian.PutUint64(b[0:], uint64(zipOff))
	binary.LittleEndian.PutUint64(b[8:], uint64(zipSize))
	copy(b[16:48], key)
	copy(b[48:], footerMagic)
	return b
}

// FindPayload looks at the end of an executable (or any file) of the given
// size for an appended bundle: first onboard's footer, then a plain zip
// appended with `cat` (found through its end-of-central-directory record).
// It returns a zero Payload with Offset = size when there is none.
func FindPayload(r io.ReaderAt, size int64) (Payload, error) {
	if p, ok, err := readFooter(r, size); err != nil || ok {
		return p, err
	}
	if start, ok := findZipStart(r, size); ok {
		return Payload{Offset: start, ZipOffset: start, ZipSize: size - start}, nil
	}
	return Payload{Offset: size, ZipOffset: size}, nil
}

func readFooter(r io.ReaderAt, size int64) (Payload, bool, error) {
	if size < footerSize {
		return Payload{}, false, nil
	}
	b := make([]byte, footerSize)
	if _, err := r.ReadAt(b, size-footerSize); err != nil {
		return Payload{}, false, fmt.Errorf("failed to read the end of the file: %w", err)
	}
	if !bytes.Equal(b[48:], footerMagic) {
		return Payload{}, false, nil
	}
	off := int64(binary.LittleEndian.Uint64(b[0:]))
	n := int64(binary.LittleEndian.Uint64(b[8:]))
	if off < 0 || n < 0 || off+n != size-footerSize {
		return Payload{}, false, errors.New("the appended bundle's footer is damaged (offsets do not match the file size)")
	}
	p := Payload{Offset: off, ZipOffset: off, ZipSize: n, HasFooter: true}
	if key := b[16:48]; !bytes.Equal(key, make([]byte, 32)) {
		p.TrustedKey = ed25519.PublicKey(bytes.Clone(key))
	}
	return p, true, nil
}

// findZipStart finds a (non-zip64) zip at the end of r whose offsets are
// relative to its own start, and returns where it starts. A zip that fills
// the whole file starts at 0.
func findZipStart(r io.ReaderAt, size int64) (int64, bool) {
	const eocdLen = 22
	n := int64(65535 + eocdLen)
	if n > size {
		n = size
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
		return 0, false
	}
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if !bytes.Equal(buf[i:i+4], []byte("PK\x05\x06")) {
			continue
		}
		commentLen := int(binary.LittleEndian.Uint16(buf[i+20:]))
		if i+eocdLen+commentLen != len(buf) {
			continue
		}
		cdSize := int64(binary.LittleEndian.Uint32(buf[i+12:]))
		cdOff := int64(binary.LittleEndian.Uint32(buf[i+16:]))
		eocdAt := size - n + int64(i)
		start := eocdAt - cdSize - cdOff
		if start < 0 || !hasLocalHeader(r, start) {
			return 0, false
		}
		return start, true
	}
	return 0, false
}

func hasLocalHeader(r io.ReaderAt, at int64) bool {
	b := make([]byte, 4)
	_, err := r.ReadAt(b, at)
	return err == nil && bytes.Equal(b, []byte("PK\x03\x04"))
}

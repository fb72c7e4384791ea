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
// offsets relative to its own start), then 0–7 zero bytes so that the file
// length stays a multiple of 8, then a fixed 96-byte footer:
//
//	offset 0  uint64 LE  where the zip starts in the file (= the plain binary's size)
//	offset 8  uint64 LE  the zip's length (0: no bundle appended)
//	offset 16 [32]byte   the ed25519 public key the installer trusts; all zero = none
//	offset 48 [32]byte   sha256 of the bundle.json of the bundle that lives in a
//	                     separate file beside the installer ('attach --split'); all zero = none
//	offset 80 [16]byte   footerMagic
//
// A Windows installer may then be signed with Authenticode, which appends
// its certificate table after the footer and points the PE's security
// directory at it: FindPayload looks before that table.
//
// Installers made before the split scheme carry the 64-byte footer v1 (the
// same fields without the sha256, magic "onboard-bundle\x00\x01", no
// padding); they are still read.
const (
	footerSize   = 96
	footerV1Size = 64
)

var (
	footerMagic   = []byte("onboard-bundle\x00\x02")
	footerV1Magic = []byte("onboard-bundle\x00\x01")
)

// Payload describes what is appended to an executable.
type Payload struct {
	Offset     int64             // where the appended data (zip or footer) starts = the plain binary's size
	ZipOffset  int64             // where the zip starts; equals Offset
	ZipSize    int64             // 0 when no zip is appended
	TrustedKey ed25519.PublicKey // nil when none is baked in
	HasFooter  bool              // written by 'onboard bundle attach'
	// SplitManifest is the sha256 of bundle.json of the bundle that must be
	// beside the installer ('attach --split'); nil when there is none.
	SplitManifest []byte
	// End is where the installer's own data ends: the file size, or the
	// start of an Authenticode certificate table.
	End int64
	// Signed is true when End is the start of an Authenticode certificate table.
	Signed bool
}

func encodeFooter(zipOff, zipSize int64, key ed25519.PublicKey, split []byte) []byte {
	b := make([]byte, footerSize)
	binary.LittleEndian.PutUint64(b[0:], uint64(zipOff))
	binary.LittleEndian.PutUint64(b[8:], uint64(zipSize))
	copy(b[16:48], key)
	copy(b[48:80], split)
	copy(b[80:], footerMagic)
	return b
}

// footerPadding is how many zero bytes go before a footer written at
// offset end, so that the file's length is a multiple of 8 (Authenticode
// puts its certificate table at a multiple of 8; with the file aligned the
// signer adds nothing between the footer and the table).
func footerPadding(end int64) int64 { return (8 - end%8) % 8 }

// FindPayload looks at the end of an executable (or any file) of the given
// size for an appended bundle: first onboard's footer, then a plain zip
// appended with `cat` (found through its end-of-central-directory record,
// zip64 included). An Authenticode certificate table at the end of a PE
// file is skipped. It returns a Payload with ZipSize 0 and Offset = End
// when there is none.
//
// A program whose own image (imageEnd) is followed by a zip's first bytes
// but whose end is neither a footer nor that zip's end is a damaged
// installer, an error: cut short (an interrupted download), or with
// something added after its footer (a second zip, bytes). Before, it was
// taken for a program with no bundle, and discovery went on to the demo
// bundle, without the trusted key and split pin its footer held.
func FindPayload(r io.ReaderAt, size int64) (Payload, error) {
	end, signed := certTableStart(r, size)
	if p, ok, err := readFooter(r, end); err != nil || ok {
		p.End, p.Signed = end, signed
		if err == nil && p.ZipSize > 0 && !hasLocalHeader(r, p.ZipOffset) {
			err = errors.New("the appended bundle's footer is damaged (no zip starts where it says); whoever made this installer can attach the bundle again with 'onboard bundle attach'")
		}
		if err == nil && p.ZipSize > 0 {
			// the zip's own end records must put its start where the
			// footer does, after the program: a footer that pointed at a
			// zip inside the program (onboard's embedded demo) was taken,
			// and the maintenance app cut there crashed (audit AH)
			start, ok := findZipStart(r, p.ZipOffset+p.ZipSize)
			img, imgOK := imageEnd(r, size)
			if !ok || start != p.ZipOffset || imgOK && p.ZipOffset < img {
				err = errors.New("the appended bundle's footer is damaged (the zip it names does not start where it says, after the program); whoever made this installer can attach the bundle again with 'onboard bundle attach'")
			}
		}
		return p, err
	}
	start, zipOK := findZipStart(r, end)
	zipEnd := end
	if !zipOK && signed {
		// a bundle appended with cat, then signed: the signer aligns the
		// certificate table to 8 bytes with up to 7 zero bytes after the
		// zip, and the installer was called damaged (audit BG 6)
		for k := int64(1); k <= 7 && k < end && bytes.Equal(readAt(r, end-k, 1), []byte{0}); k++ {
			if s, ok := findZipStart(r, end-k); ok {
				start, zipOK, zipEnd = s, true, end-k
				break
			}
		}
	}
	if !zipOK && start == 0 && absoluteOffsets(r, end) {
		return Payload{}, errors.New("its zip's offsets count from the file's first byte (as 'zip -A' or a self-extracting archive writes them), and onboard reads a bundle whose offsets count from the zip's own start: pass the bundle zip itself, or attach it to the installer with 'onboard bundle attach'")
	}
	img, imgOK := imageEnd(r, size)
	if imgOK && img+4 <= end && hasLocalHeader(r, img) && (!zipOK || start != img) {
		return Payload{}, fmt.Errorf("the installer is damaged: a bundle starts after the program, at byte %d, but the file does not end as one onboard attached (%d bytes follow the program); it was cut short or added to: download the installer again", img, end-img)
	}
	// Cut inside the program, or in the first bytes of its bundle: the
	// program still runs (what is gone is symbols and section headers),
	// and was taken for one with no bundle, which installed the demo
	// without the team's key (audit W2).
	if imgOK && !zipOK && (img > end || img < end && end < img+4 && bytes.HasPrefix([]byte("PK\x03\x04"), readAt(r, img, end-img))) {
		return Payload{}, fmt.Errorf("the installer is damaged: it was cut short (its program's own headers say %d bytes, the file has %d): download the installer again", max(img, end), end)
	}
	if zipOK {
		return Payload{Offset: start, ZipOffset: start, ZipSize: zipEnd - start, End: end, Signed: signed}, nil
	}
	return Payload{Offset: end, ZipOffset: end, End: end, Signed: signed}, nil
}

// readFooter reads a footer that ends at end.
func readFooter(r io.ReaderAt, end int64) (Payload, bool, error) {
	if end < footerV1Size {
		return Payload{}, false, nil
	}
	n := int64(footerSize)
	if end < n {
		n = end
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, end-n); err != nil {
		return Payload{}, false, fmt.Errorf("failed to read the end of the file: %w", err)
	}
	var p Payload
	var at int64 // where the footer starts
	switch {
	case n == footerSize && bytes.Equal(b[80:], footerMagic):
		at = end - footerSize
		if split := b[48:80]; !bytes.Equal(split, make([]byte, 32)) {
			p.SplitManifest = bytes.Clone(split)
		}
	case bytes.Equal(b[n-16:], footerV1Magic):
		at = end - footerV1Size
		b = b[n-footerV1Size:]
	default:
		return Payload{}, false, nil
	}
	off := int64(binary.LittleEndian.Uint64(b[0:]))
	size := int64(binary.LittleEndian.Uint64(b[8:]))
	if off < 0 || size < 0 || off > at || size > at-off || at-(off+size) > 7 {
		return Payload{}, false, errors.New("the appended bundle's footer is damaged (offsets do not match the file size); whoever made this installer can attach the bundle again with 'onboard bundle attach'")
	}
	p.Offset, p.ZipOffset, p.ZipSize, p.HasFooter = off, off, size, true
	if key := b[16:48]; !bytes.Equal(key, make([]byte, 32)) {
		p.TrustedKey = ed25519.PublicKey(bytes.Clone(key))
	}
	return p, true, nil
}

// Zip end records (APPNOTE.TXT 4.3.14–4.3.16).
const (
	eocdLen        = 22
	zip64LocLen    = 20
	zip64EOCDLen   = 56 // without extensible data
	zip64EOCDExtra = 44 // the record's "size of the remaining record" without extensible data
)

var (
	sigEOCD      = []byte("PK\x05\x06")
	sigZip64Loc  = []byte("PK\x06\x07")
	sigZip64EOCD = []byte("PK\x06\x06")
)

// findZipStart finds a zip that ends at end and whose offsets are relative
// to its own start, and returns where it starts. A zip that fills the file
// starts at 0. Zip64 archives (over 4 GiB or 65,535 entries) are found
// through their zip64 end-of-central-directory locator and record.
func findZipStart(r io.ReaderAt, end int64) (int64, bool) {
	i, buf, ok := findEOCD(r, end)
	if !ok {
		return 0, false
	}
	eocdAt := end - int64(len(buf)) + int64(i)
	if start, ok, isZip64 := zip64Start(r, eocdAt); isZip64 {
		return start, ok
	}
	cdSize := int64(binary.LittleEndian.Uint32(buf[i+12:]))
	cdOff := int64(binary.LittleEndian.Uint32(buf[i+16:]))
	start := eocdAt - cdSize - cdOff
	if start < 0 || !hasLocalHeader(r, start) {
		return start, false
	}
	return start, true
}

// findEOCD finds the end-of-central-directory record of a zip that ends
// at end: the record starts at buf[i], and buf ends at end.
func findEOCD(r io.ReaderAt, end int64) (i int, buf []byte, ok bool) {
	n := int64(65535 + eocdLen)
	if n > end {
		n = end
	}
	buf = make([]byte, n)
	if _, err := r.ReadAt(buf, end-n); err != nil && err != io.EOF {
		return 0, nil, false
	}
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if !bytes.Equal(buf[i:i+4], sigEOCD) {
			continue
		}
		commentLen := int(binary.LittleEndian.Uint16(buf[i+20:]))
		if i+eocdLen+commentLen == len(buf) {
			return i, buf, true
		}
	}
	return 0, nil, false
}

// zip64Start reads the zip64 locator just before the end-of-central-
// directory record at eocdAt and the zip64 record it points to. isZip64 is
// false when there is no locator.
func zip64Start(r io.ReaderAt, eocdAt int64) (start int64, ok, isZip64 bool) {
	if eocdAt < zip64LocLen+zip64EOCDLen {
		return 0, false, false
	}
	loc := make([]byte, zip64LocLen)
	if _, err := r.ReadAt(loc, eocdAt-zip64LocLen); err != nil || !bytes.Equal(loc[:4], sigZip64Loc) {
		return 0, false, false
	}
	// The locator gives the record's offset relative to the zip's start;
	// the record sits right before the locator, so the difference is where
	// the zip starts in the file.
	relRec := int64(binary.LittleEndian.Uint64(loc[8:]))
	recAt, rec, found := zip64Record(r, eocdAt-zip64LocLen)
	if !found {
		return 0, false, true
	}
	cdSize := int64(binary.LittleEndian.Uint64(rec[40:]))
	cdOff := int64(binary.LittleEndian.Uint64(rec[48:]))
	start = recAt - relRec
	if relRec < 0 || cdSize < 0 || cdOff < 0 || start < 0 || start != recAt-cdSize-cdOff || !hasLocalHeader(r, start) {
		return 0, false, true
	}
	return start, true, true
}

// zip64Record finds the zip64 end-of-central-directory record that ends
// right before the locator at locAt: 56 bytes before it, or further when
// the record holds extensible data (APPNOTE 4.3.14: its "size of the
// remaining record" says how much; audit AH: such a zip was refused as
// damaged). It returns where the record starts and its first 56 bytes.
func zip64Record(r io.ReaderAt, locAt int64) (int64, []byte, bool) {
	n := min(locAt, int64(zip64EOCDLen+65536)) // extensible data beyond 64 KiB is not looked for
	if n < zip64EOCDLen {
		return 0, nil, false
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, locAt-n); err != nil {
		return 0, nil, false
	}
	for i := len(buf) - zip64EOCDLen; i >= 0; i-- {
		if !bytes.Equal(buf[i:i+4], sigZip64EOCD) {
			continue
		}
		if rest := binary.LittleEndian.Uint64(buf[i+4:]); rest >= zip64EOCDExtra && rest == uint64(len(buf)-i-12) {
			return locAt - n + int64(i), buf[i : i+zip64EOCDLen], true
		}
	}
	return 0, nil, false
}

// absoluteOffsets says whether the zip that ends at end has a prefix and
// offsets that count from the file's first byte instead of its own start
// (`zip -A`): its directory and first entry are where the end record says,
// read from byte 0, but no zip starts at byte 0. Every zip reader opens
// such a file; onboard's footer, split pin and package offsets count from
// the zip's start, so it names the case instead of "holds no bundle".
func absoluteOffsets(r io.ReaderAt, end int64) bool {
	if hasLocalHeader(r, 0) {
		return false
	}
	cdOff, ok := directoryOffset(r, end)
	if !ok {
		return false
	}
	cd := readAt(r, cdOff, 46)
	if len(cd) < 46 || !bytes.Equal(cd[:4], []byte("PK\x01\x02")) {
		return false
	}
	first := int64(binary.LittleEndian.Uint32(cd[42:]))
	return first > 0 && hasLocalHeader(r, first)
}

// directoryOffset returns the central directory's offset as the end
// record of the zip that ends at end states it (zip64 included).
func directoryOffset(r io.ReaderAt, end int64) (int64, bool) {
	i, buf, ok := findEOCD(r, end)
	if !ok {
		return 0, false
	}
	eocdAt := end - int64(len(buf)) + int64(i)
	if rec := readAt(r, eocdAt-zip64LocLen-zip64EOCDLen, zip64EOCDLen+4); len(rec) == zip64EOCDLen+4 &&
		bytes.Equal(rec[:4], sigZip64EOCD) && bytes.Equal(rec[zip64EOCDLen:], sigZip64Loc) {
		off := int64(binary.LittleEndian.Uint64(rec[48:]))
		return off, off >= 0
	}
	return int64(binary.LittleEndian.Uint32(buf[i+16:])), true
}

func hasLocalHeader(r io.ReaderAt, at int64) bool {
	b := make([]byte, 4)
	_, err := r.ReadAt(b, at)
	return err == nil && bytes.Equal(b, []byte("PK\x03\x04"))
}

// readAt reads n bytes at off (fewer where it cannot).
func readAt(r io.ReaderAt, off, n int64) []byte {
	b := make([]byte, n)
	k, _ := r.ReadAt(b, off)
	return b[:k]
}

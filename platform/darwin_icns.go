package platform

import (
	"encoding/binary"
	"fmt"
)

// icnsTypes maps a square PNG's size to the ICNS element type that holds
// a PNG of that size (macOS 10.7+ reads PNG data in all of them).
var icnsTypes = map[int]string{
	16: "icp4", 32: "icp5", 64: "icp6", 128: "ic07", 256: "ic08", 512: "ic09", 1024: "ic10",
}

// ICNS wraps a square PNG (16, 32, 64, 128, 256, 512 or 1024 pixels) in a
// minimal Apple icon container: "icns", the total length, then one element
// (type, length including its 8-byte header, the PNG bytes). All lengths
// are big-endian.
func ICNS(png []byte) ([]byte, error) {
	w, h, ok := pngSize(png)
	if !ok {
		return nil, fmt.Errorf("failed to make the macOS icon: the icon is not a PNG file")
	}
	typ, ok := icnsTypes[w]
	if w != h || !ok {
		return nil, fmt.Errorf("failed to make the macOS icon: the PNG is %d×%d; use a square icon of 256×256 or 512×512 pixels", w, h)
	}
	out := make([]byte, 16, 16+len(png))
	copy(out, "icns")
	binary.BigEndian.PutUint32(out[4:], uint32(16+len(png)))
	copy(out[8:], typ)
	binary.BigEndian.PutUint32(out[12:], uint32(8+len(png)))
	return append(out, png...), nil
}

// ICO wraps a PNG in a Windows icon file with one image (Windows Vista and
// later read PNG-compressed icon images). Sizes of 256 and more are stored
// as 0, as the format requires.
func ICO(png []byte) ([]byte, error) {
	w, h, ok := pngSize(png)
	if !ok {
		return nil, fmt.Errorf("failed to make the Windows icon: the icon is not a PNG file")
	}
	out := make([]byte, 22, 22+len(png))
	binary.LittleEndian.PutUint16(out[2:], 1) // type: icon
	binary.LittleEndian.PutUint16(out[4:], 1) // one image
	out[6], out[7] = icoDim(w), icoDim(h)
	binary.LittleEndian.PutUint16(out[10:], 1)  // colour planes
	binary.LittleEndian.PutUint16(out[12:], 32) // bits per pixel
	binary.LittleEndian.PutUint32(out[14:], uint32(len(png)))
	binary.LittleEndian.PutUint32(out[18:], 22)
	return append(out, png...), nil
}

func icoDim(n int) byte {
	if n >= 256 {
		return 0
	}
	return byte(n)
}

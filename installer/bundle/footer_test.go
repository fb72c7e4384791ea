package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// zip64Archive writes a zip of 65,536 empty entries: Go's writer then
// ends it with zip64 end records (locator + record), as it does for any
// zip over 4 GiB, without the 4 GiB.
func zip64Archive(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range 1 << 16 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("e%05d", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	z := buf.Bytes()
	if !bytes.Contains(z[len(z)-200:], sigZip64Loc) {
		t.Fatal("the test zip has no zip64 locator")
	}
	return z
}

func TestFindPayloadZip64(t *testing.T) {
	z := zip64Archive(t)
	prefix := bytes.Repeat([]byte("\x7fELF binary "), 1000)
	file := append(append([]byte{}, prefix...), z...)
	p, err := FindPayload(bytes.NewReader(file), int64(len(file)))
	if err != nil || p.ZipOffset != int64(len(prefix)) || p.ZipSize != int64(len(z)) {
		t.Fatalf("FindPayload = %+v, %v; want the zip64 zip at %d, %d bytes", p, err, len(prefix), len(z))
	}
	zr, err := zip.NewReader(io.NewSectionReader(bytes.NewReader(file), p.ZipOffset, p.ZipSize), p.ZipSize)
	if err != nil || len(zr.File) != 1<<16 {
		t.Fatalf("the zip found is not readable: %v", err)
	}
	// A plain zip64 zip starts at 0.
	if p, err := FindPayload(bytes.NewReader(z), int64(len(z))); err != nil || p.ZipOffset != 0 || p.ZipSize != int64(len(z)) {
		t.Errorf("FindPayload(plain zip64) = %+v, %v", p, err)
	}
	// A zip64 locator pointing elsewhere than its record is not taken for
	// a zip (and not read with the 32-bit fields, which say 0xFFFFFFFF).
	bad := bytes.Clone(file)
	loc := bytes.LastIndex(bad, sigZip64Loc)
	binary.LittleEndian.PutUint64(bad[loc+8:], binary.LittleEndian.Uint64(bad[loc+8:])+1)
	if p, err := FindPayload(bytes.NewReader(bad), int64(len(bad))); err != nil || p.ZipSize != 0 {
		t.Errorf("FindPayload(bad locator) = %+v, %v; want no zip", p, err)
	}
}

// TestFooterV1 reads an installer made before the split footer: 64 bytes,
// magic ...\x00\x01, no padding.
func TestFooterV1(t *testing.T) {
	z := zip64Archive(t)
	bin := []byte("plain binary of odd size")
	key := ed25519.PublicKey(bytes.Repeat([]byte{7}, 32))
	foot := make([]byte, footerV1Size)
	binary.LittleEndian.PutUint64(foot[0:], uint64(len(bin)))
	binary.LittleEndian.PutUint64(foot[8:], uint64(len(z)))
	copy(foot[16:48], key)
	copy(foot[48:], footerV1Magic)
	file := append(append(append([]byte{}, bin...), z...), foot...)
	p, err := FindPayload(bytes.NewReader(file), int64(len(file)))
	if err != nil || !p.HasFooter || p.ZipOffset != int64(len(bin)) || p.ZipSize != int64(len(z)) || !bytes.Equal(p.TrustedKey, key) || p.SplitManifest != nil {
		t.Fatalf("FindPayload(v1) = %+v, %v", p, err)
	}
	// Offsets that do not match the file size are a damaged footer.
	binary.LittleEndian.PutUint64(file[len(file)-footerV1Size+8:], uint64(len(z)+100))
	if _, err := FindPayload(bytes.NewReader(file), int64(len(file))); err == nil {
		t.Error("FindPayload accepted a v1 footer whose zip runs past it")
	}
}

func TestFooterV2Padding(t *testing.T) {
	for _, binLen := range []int{16, 17, 23} {
		bin := bytes.Repeat([]byte{1}, binLen)
		pin := bytes.Repeat([]byte{9}, 32)
		file := append(append(bytes.Clone(bin), make([]byte, footerPadding(int64(binLen)))...), encodeFooter(int64(binLen), 0, nil, pin)...)
		if len(file)%8 != 0 {
			t.Errorf("%d-byte binary: file of %d bytes is not 8-aligned", binLen, len(file))
		}
		p, err := FindPayload(bytes.NewReader(file), int64(len(file)))
		if err != nil || p.Offset != int64(binLen) || p.ZipSize != 0 || !bytes.Equal(p.SplitManifest, pin) || p.TrustedKey != nil {
			t.Errorf("%d-byte binary: FindPayload = %+v, %v", binLen, p, err)
		}
	}
	// More than 7 bytes between the zip and the footer: damaged.
	file := append(make([]byte, 40), encodeFooter(16, 8, nil, nil)...)
	if _, err := FindPayload(bytes.NewReader(file), int64(len(file))); err == nil {
		t.Error("FindPayload accepted a footer 16 bytes after its zip")
	}
}

func TestSparseWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	w := newSparseWriter(f)
	for _, chunk := range [][]byte{[]byte("head"), make([]byte, 3<<20), []byte("middle"), make([]byte, 200<<10+5)} {
		want.Write(chunk)
		if n, err := w.Write(chunk); err != nil || n != len(chunk) {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("sparse copy differs: %d bytes, want %d", len(got), want.Len())
	}
	if used, ok := diskUsage(path); ok && used > 1<<20 {
		t.Errorf("%s uses %d bytes on disk for %d bytes of mostly zeros; want holes", path, used, want.Len())
	}
}

// TestFindPayloadAbsoluteOffsets: a zip after a prefix whose offsets count
// from the file's first byte (`zip -A`, Go's Writer.SetOffset) is valid
// for every zip reader but not a bundle onboard can read by its own start;
// it is named as such, not "holds no bundle" (audit W2 6d).
func TestFindPayloadAbsoluteOffsets(t *testing.T) {
	prefix := bytes.Repeat([]byte("\x7fELF binary "), 1000)
	build := func(entries int) []byte {
		var buf bytes.Buffer
		buf.Write(prefix)
		zw := zip.NewWriter(&buf)
		zw.SetOffset(int64(len(prefix)))
		for i := range entries {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("e%05d", i), Method: zip.Store})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(w, "entry %d", i)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, n := range []int{3, 1 << 16} {
		file := build(n)
		if zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file))); err != nil || len(zr.File) != n {
			t.Fatalf("%d entries: Go's zip reader does not read the test file: %v", n, err)
		}
		_, err := FindPayload(bytes.NewReader(file), int64(len(file)))
		if err == nil || !strings.Contains(err.Error(), "zip -A") || !strings.Contains(err.Error(), "onboard bundle attach") {
			t.Errorf("%d entries: FindPayload = %v; want the absolute offsets named", n, err)
		}
		path := filepath.Join(t.TempDir(), "sfx.exe")
		if err := os.WriteFile(path, file, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "zip -A") || !strings.Contains(err.Error(), path) {
			t.Errorf("%d entries: Open = %v; want the absolute offsets named with the path", n, err)
		}
	}
	// The same zip with offsets from its own start is found.
	var rel bytes.Buffer
	zw := zip.NewWriter(&rel)
	if _, err := zw.Create("a"); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	file := append(bytes.Clone(prefix), rel.Bytes()...)
	if p, err := FindPayload(bytes.NewReader(file), int64(len(file))); err != nil || p.ZipOffset != int64(len(prefix)) {
		t.Errorf("relative offsets: FindPayload = %+v, %v", p, err)
	}
}

// A footer must name the zip that ends where it says as starting where it
// says: one whose offset points at a zip's first bytes inside the program
// (onboard's own embedded demo bundle) with the size running to the
// appended zip's end is damaged (audit AH: it was taken, and the
// maintenance app cut at that offset crashed).
func TestFooterZipStartsWhereItSays(t *testing.T) {
	z := testZip(seedManifest())
	bin := append(append([]byte("program "), testZip([]byte("{}"))...), " more program"...)
	inner := int64(len("program ")) // a zip's first bytes, inside the program
	file := append(bytes.Clone(bin), z...)
	file = append(file, make([]byte, footerPadding(int64(len(file))))...)
	good := append(bytes.Clone(file), encodeFooter(int64(len(bin)), int64(len(z)), nil, nil)...)
	if p, err := FindPayload(bytes.NewReader(good), int64(len(good))); err != nil || p.ZipOffset != int64(len(bin)) {
		t.Fatalf("FindPayload(good footer) = %+v, %v", p, err)
	}
	bad := append(bytes.Clone(file), encodeFooter(inner, int64(len(bin))+int64(len(z))-inner, nil, nil)...)
	if _, err := FindPayload(bytes.NewReader(bad), int64(len(bad))); err == nil || !strings.Contains(err.Error(), "footer is damaged") {
		t.Fatalf("FindPayload(footer naming a zip inside the program) = %v; want a damaged footer", err)
	}
}

// A zip64 end record may hold extensible data before the locator
// (APPNOTE 4.3.14, its "size of the remaining record" then over 44): the
// zip is found where it starts (audit AH: it was refused as damaged).
func TestFindPayloadZip64WithExtensibleData(t *testing.T) {
	z := zip64Archive(t)
	rec := bytes.LastIndex(z, sigZip64EOCD)
	ext := []byte("8 bytes!")
	z = slices.Concat(z[:rec+zip64EOCDLen], ext, z[rec+zip64EOCDLen:])
	binary.LittleEndian.PutUint64(z[rec+4:], zip64EOCDExtra+uint64(len(ext)))
	prefix := bytes.Repeat([]byte("\x7fELF binary "), 1000)
	file := append(bytes.Clone(prefix), z...)
	p, err := FindPayload(bytes.NewReader(file), int64(len(file)))
	if err != nil || p.ZipOffset != int64(len(prefix)) || p.ZipSize != int64(len(z)) {
		t.Fatalf("FindPayload = %+v, %v; want the zip64 zip at %d, %d bytes", p, err, len(prefix), len(z))
	}
	if _, err := zip.NewReader(bytes.NewReader(z), int64(len(z))); err != nil {
		t.Fatalf("Go's zip reader refuses the test zip: %v", err)
	}
}

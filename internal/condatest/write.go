package condatest

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/zstd"
)

// WriteTarBz2 writes dir/<stem>.tar.bz2 for s and returns its path.
func WriteTarBz2(dir string, s Spec) (string, error) {
	ms, err := AllMembers(s)
	if err != nil {
		return "", err
	}
	return WriteRawTarBz2(dir, s.Stem(), ms)
}

// WriteConda writes dir/<stem>.conda for s and returns its path.
func WriteConda(dir string, s Spec) (string, error) {
	info, err := InfoMembers(s)
	if err != nil {
		return "", err
	}
	return writeConda(dir, s.Stem(), PkgMembers(s), info, s.ZstdLevel, false)
}

// WriteRawTarBz2 writes dir/<stem>.tar.bz2 holding exactly members, in the
// order given, and returns its path.
func WriteRawTarBz2(dir, stem string, members []Member) (string, error) {
	p := filepath.Join(dir, stem+".tar.bz2")
	err := writeFile(p, func(w io.Writer) error {
		bw, err := bzip2.NewWriter(w, &bzip2.WriterConfig{Level: 9})
		if err != nil {
			return err
		}
		if err := writeTar(bw, members); err != nil {
			return err
		}
		return bw.Close()
	})
	return p, err
}

// WriteRawConda writes dir/<stem>.conda whose pkg and info components hold
// exactly the members given, in that order, and returns its path.
func WriteRawConda(dir, stem string, pkg, info []Member) (string, error) {
	return writeConda(dir, stem, pkg, info, 0, false)
}

// ZipEntry is one member of a raw zip.
type ZipEntry struct {
	Name string
	Data []byte
}

// WriteRawZip writes dir/<fn> as a stored zip of entries, in order, with no
// checks on the names, and returns its path.
func WriteRawZip(dir, fn string, entries []ZipEntry) (string, error) {
	p := filepath.Join(dir, fn)
	err := writeFile(p, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, e := range entries {
			if err := addStored(zw, e.Name, e.Data); err != nil {
				return err
			}
		}
		return zw.Close()
	})
	return p, err
}

// CondaEntries returns the zip entries of a well-formed .conda for s, so a
// test can add hostile ones before calling WriteRawZip.
func CondaEntries(s Spec) ([]ZipEntry, error) {
	info, err := InfoMembers(s)
	if err != nil {
		return nil, err
	}
	pz, err := zstdTar(PkgMembers(s), s.ZstdLevel)
	if err != nil {
		return nil, err
	}
	iz, err := zstdTar(info, s.ZstdLevel)
	if err != nil {
		return nil, err
	}
	return []ZipEntry{
		{Name: "metadata.json", Data: []byte(metadataJSON)},
		{Name: "pkg-" + s.Stem() + ".tar.zst", Data: pz},
		{Name: "info-" + s.Stem() + ".tar.zst", Data: iz},
	}, nil
}

// WriteTruncatedConda writes dir/<stem>.conda for s whose pkg component
// holds only the first half of its zstd stream.
func WriteTruncatedConda(dir string, s Spec) (string, error) {
	info, err := InfoMembers(s)
	if err != nil {
		return "", err
	}
	return writeConda(dir, s.Stem(), PkgMembers(s), info, s.ZstdLevel, true)
}

// WriteCorruptTarBz2 writes dir/<stem>.tar.bz2 for s with 8 bytes inverted
// in the middle of the bzip2 stream.
func WriteCorruptTarBz2(dir string, s Spec) (string, error) {
	p, err := WriteTarBz2(dir, s)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("failed to read %q: %w", p, err)
	}
	for i := len(b) / 2; i < len(b)/2+8 && i < len(b); i++ {
		b[i] ^= 0xff
	}
	return p, os.WriteFile(p, b, 0o644)
}

const metadataJSON = `{"conda_pkg_format_version": 2}`

func writeConda(dir, stem string, pkg, info []Member, level int, truncate bool) (string, error) {
	pz, err := zstdTar(pkg, level)
	if err != nil {
		return "", err
	}
	if truncate {
		pz = pz[:len(pz)/2]
	}
	iz, err := zstdTar(info, level)
	if err != nil {
		return "", err
	}
	return WriteRawZip(dir, stem+".conda", []ZipEntry{
		{Name: "metadata.json", Data: []byte(metadataJSON)},
		{Name: "pkg-" + stem + ".tar.zst", Data: pz},
		{Name: "info-" + stem + ".tar.zst", Data: iz},
	})
}

func zstdTar(members []Member, level int) ([]byte, error) {
	var buf bytesBuffer
	lv := zstd.SpeedDefault
	if level != 0 {
		lv = zstd.EncoderLevelFromZstd(level)
	}
	zw, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(lv), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("failed to start zstd: %w", err)
	}
	if err := writeTar(zw, members); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("failed to finish zstd: %w", err)
	}
	return buf.b, nil
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

func addStored(zw *zip.Writer, name string, data []byte) error {
	h := &zip.FileHeader{
		Name: name, Method: zip.Store, Modified: MTime,
		CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(len(data)),
		UncompressedSize64: uint64(len(data)),
	}
	w, err := zw.CreateRaw(h)
	if err != nil {
		return fmt.Errorf("failed to add %q to zip: %w", name, err)
	}
	_, err = w.Write(data)
	return err
}

func writeTar(w io.Writer, members []Member) error {
	tw := tar.NewWriter(w)
	for _, m := range members {
		if err := tw.WriteHeader(header(m)); err != nil {
			return fmt.Errorf("failed to write tar member %q: %w", m.Name, err)
		}
		if _, err := tw.Write(m.Data); err != nil {
			return fmt.Errorf("failed to write tar member %q: %w", m.Name, err)
		}
	}
	return tw.Close()
}

func header(m Member) *tar.Header {
	typ, mode := m.Type, m.Mode
	if typ == 0 {
		typ = tar.TypeReg
	}
	if mode == 0 {
		mode = 0o644
		if typ == tar.TypeDir {
			mode = 0o755
		}
	}
	h := &tar.Header{Name: m.Name, Typeflag: typ, Mode: mode, ModTime: MTime, Linkname: m.Linkname}
	if typ == tar.TypeReg || typ == tar.TypeCont { // a contiguous file has data too
		h.Size = int64(len(m.Data))
	}
	return h
}

func writeFile(p string, fill func(io.Writer) error) error {
	f, err := os.Create(p)
	if err != nil {
		return fmt.Errorf("failed to create %q: %w", p, err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
		return fmt.Errorf("failed to write %q: %w", p, err)
	}
	return nil
}

// TarBytes is the tar stream of members.
func TarBytes(members []Member) ([]byte, error) {
	var buf bytesBuffer
	err := writeTar(&buf, members)
	return buf.b, err
}

// LongNameHeaders returns n GNU long-name headers (type 'L'), each
// naming name in a record of size bytes (the name, a NUL, then zeros),
// with no member after them. Put before a tar stream, a tar reader takes
// each as the name of the next member, so only the last names anything
// (its first member, which should then be called name), and the rest
// are bytes of stream that no member accounts for.
func LongNameHeaders(n int, name string, size int) []byte {
	var h [512]byte
	copy(h[0:], "././@LongLink")
	copy(h[100:], "0000644\x00")
	copy(h[108:], "0000000\x00")
	copy(h[116:], "0000000\x00")
	copy(h[124:], fmt.Sprintf("%011o\x00", size))
	copy(h[136:], fmt.Sprintf("%011o\x00", MTime.Unix()))
	h[156] = tar.TypeGNULongName
	copy(h[257:], "ustar  \x00")
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
	data := make([]byte, (size+511)&^511)
	copy(data, name)
	chunk := append(h[:], data...)
	return bytes.Repeat(chunk, n)
}

// WriteCondaTars writes dir/<stem>.conda of the raw tar streams pkgTar
// and infoTar, compressed as conda compresses them.
func WriteCondaTars(dir, stem string, pkgTar, infoTar []byte) (string, error) {
	var z [2][]byte
	for i, raw := range [][]byte{pkgTar, infoTar} {
		var buf bytesBuffer
		zw, err := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
		if err != nil {
			return "", fmt.Errorf("failed to start zstd: %w", err)
		}
		zw.Write(raw)
		if err := zw.Close(); err != nil {
			return "", fmt.Errorf("failed to finish zstd: %w", err)
		}
		z[i] = buf.b
	}
	return WriteRawZip(dir, stem+".conda", []ZipEntry{
		{Name: "metadata.json", Data: []byte(metadataJSON)},
		{Name: "pkg-" + stem + ".tar.zst", Data: z[0]},
		{Name: "info-" + stem + ".tar.zst", Data: z[1]},
	})
}

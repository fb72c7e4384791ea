package pkg

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// pathsBinaryMagic starts MarshalBinary's encoding (a version of its own:
// the encoding lives only as long as one install, in its scratch folder).
const pathsBinaryMagic = "onboard-paths-1\n"

// MarshalBinary encodes p compactly: an install that extracts many
// packages keeps each one's paths in its scratch folder between
// extraction and linking instead of in memory (docs/engine.md). The
// encoding is exact: UnmarshalBinary gives back every field, including an
// absent size_in_bytes.
func (p *Paths) MarshalBinary() ([]byte, error) {
	n := len(pathsBinaryMagic) + 2*binary.MaxVarintLen64
	for _, e := range p.Paths {
		n += len(e.Path) + len(e.PathType) + len(e.SHA256) + len(e.PrefixPlaceholder) + len(e.FileMode) + 5*binary.MaxVarintLen64 + 2
	}
	b := make([]byte, 0, n)
	b = append(b, pathsBinaryMagic...)
	b = binary.AppendVarint(b, int64(p.Version))
	b = binary.AppendUvarint(b, uint64(len(p.Paths)))
	for _, e := range p.Paths {
		var flags byte
		if e.SizeInBytes != nil {
			flags |= 1
		}
		if e.NoLink {
			flags |= 2
		}
		b = append(b, flags)
		for _, s := range [...]string{e.Path, string(e.PathType), e.SHA256, e.PrefixPlaceholder, string(e.FileMode)} {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		if e.SizeInBytes != nil {
			b = binary.AppendVarint(b, *e.SizeInBytes)
		}
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (p *Paths) UnmarshalBinary(b []byte) error {
	d := binReader{b: b}
	if string(d.bytes(len(pathsBinaryMagic))) != pathsBinaryMagic {
		return errors.New("not an encoding of paths")
	}
	version := d.varint()
	count := d.uvarint()
	if d.err != nil || count > uint64(len(b)) {
		return fmt.Errorf("the encoding of paths is damaged: %v", d.err)
	}
	out := Paths{Version: int(version), Paths: make([]PathEntry, count)}
	for i := range out.Paths {
		e := &out.Paths[i]
		flags := d.byte()
		e.Path = d.string()
		e.PathType = PathType(d.pathType())
		e.SHA256 = d.string()
		e.PrefixPlaceholder = d.string()
		e.FileMode = FileMode(d.string())
		e.NoLink = flags&2 != 0
		if flags&1 != 0 {
			n := d.varint()
			e.SizeInBytes = &n
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("data after the last path")
	}
	if d.err != nil {
		return fmt.Errorf("the encoding of paths is damaged: %w", d.err)
	}
	*p = out
	return nil
}

// binReader reads MarshalBinary's encoding; the first error sticks.
type binReader struct {
	b   []byte
	err error
}

var errShort = errors.New("it ends too early")

func (d *binReader) bytes(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		d.err = errShort
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *binReader) byte() byte {
	if v := d.bytes(1); v != nil {
		return v[0]
	}
	return 0
}

func (d *binReader) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *binReader) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *binReader) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errShort
		return ""
	}
	return string(d.bytes(int(n)))
}

// pathType reads a path type, sharing the strings of the known ones.
func (d *binReader) pathType() string {
	v := d.string()
	for _, t := range [...]PathType{PathHardlink, PathSoftlink, PathDir} {
		if v == string(t) {
			return string(t)
		}
	}
	return v
}

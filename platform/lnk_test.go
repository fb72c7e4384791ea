package platform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

// lnk is what readLnk finds in a shell link (MS-SHLLINK): the header, the
// target's local path from LinkInfo, StringData and the extra blocks.
type lnk struct {
	Flags, IconIndex, ShowCommand                           uint32
	LocalBasePath                                           string
	Name, RelativePath, WorkingDir, Arguments, IconLocation string
	EnvTarget                                               string   // EnvironmentVariableDataBlock's TargetUnicode
	Blocks                                                  []uint32 // signatures of the extra data blocks
}

const (
	lnkHasIDList = 1 << iota
	lnkHasLinkInfo
	lnkHasName
	lnkHasRelativePath
	lnkHasWorkingDir
	lnkHasArguments
	lnkHasIconLocation
	lnkIsUnicode
)

var lnkCLSID = []byte{0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46}

// readLnk parses a .lnk file; it is the test's specification of the format.
func readLnk(b []byte) (*lnk, error) {
	le := binary.LittleEndian
	if len(b) < 0x4c || le.Uint32(b) != 0x4c || !bytes.Equal(b[4:20], lnkCLSID) {
		return nil, errors.New("not a shell link: bad header")
	}
	l := &lnk{Flags: le.Uint32(b[0x14:]), IconIndex: le.Uint32(b[0x38:]), ShowCommand: le.Uint32(b[0x3c:])}
	r := b[0x4c:]
	need := func(n int) error {
		if len(r) < n {
			return fmt.Errorf("truncated at %d", len(b)-len(r))
		}
		return nil
	}
	if l.Flags&lnkHasIDList != 0 {
		if err := need(2); err != nil {
			return nil, err
		}
		n := int(le.Uint16(r))
		if err := need(2 + n); err != nil {
			return nil, err
		}
		r = r[2+n:]
	}
	if l.Flags&lnkHasLinkInfo != 0 {
		if err := need(4); err != nil {
			return nil, err
		}
		info := r[:le.Uint32(r)]
		if flags := le.Uint32(info[8:]); flags&1 != 0 {
			off := le.Uint32(info[16:])
			l.LocalBasePath = string(info[off : int(off)+bytes.IndexByte(info[off:], 0)])
		}
		r = r[len(info):]
	}
	for _, f := range []struct {
		bit uint32
		dst *string
	}{{lnkHasName, &l.Name}, {lnkHasRelativePath, &l.RelativePath}, {lnkHasWorkingDir, &l.WorkingDir},
		{lnkHasArguments, &l.Arguments}, {lnkHasIconLocation, &l.IconLocation}} {
		if l.Flags&f.bit == 0 {
			continue
		}
		if err := need(2); err != nil {
			return nil, err
		}
		n := int(le.Uint16(r))
		if l.Flags&lnkIsUnicode == 0 {
			*f.dst, r = string(r[2:2+n]), r[2+n:]
			continue
		}
		if err := need(2 + 2*n); err != nil {
			return nil, err
		}
		u := make([]uint16, n)
		for i := range u {
			u[i] = le.Uint16(r[2+2*i:])
		}
		// Wine counts (and writes) a terminating NUL, which Windows does not.
		*f.dst, r = strings.TrimSuffix(string(utf16.Decode(u)), "\x00"), r[2+2*n:]
	}
	for {
		if err := need(4); err != nil {
			return nil, errors.New("no terminal block")
		}
		size := le.Uint32(r)
		if size < 4 {
			return l, nil
		}
		if err := need(int(size)); err != nil {
			return nil, err
		}
		sig := le.Uint32(r[4:])
		l.Blocks = append(l.Blocks, sig)
		if sig == 0xa0000001 && size >= 0x314 {
			u := make([]uint16, 260)
			for i := range u {
				u[i] = le.Uint16(r[8+260+2*i:])
			}
			if k := indexZero(u); k >= 0 {
				u = u[:k]
			}
			l.EnvTarget = string(utf16.Decode(u))
		}
		r = r[size:]
	}
}

func indexZero(u []uint16) int {
	for i, c := range u {
		if c == 0 {
			return i
		}
	}
	return -1
}

// writeTestLnk makes a minimal Unicode link with StringData and a
// terminal block (no IDList, no LinkInfo) to test the reader itself.
func writeTestLnk(args, icon string) []byte {
	le := binary.LittleEndian
	b := make([]byte, 0x4c)
	le.PutUint32(b, 0x4c)
	copy(b[4:], lnkCLSID)
	le.PutUint32(b[0x14:], lnkHasArguments|lnkHasIconLocation|lnkIsUnicode)
	le.PutUint32(b[0x3c:], 1)
	for _, s := range []string{args, icon} {
		u := utf16.Encode([]rune(s))
		b = le.AppendUint16(b, uint16(len(u)))
		for _, c := range u {
			b = le.AppendUint16(b, c)
		}
	}
	return le.AppendUint32(b, 0)
}

func TestReadLnk(t *testing.T) {
	b := writeTestLnk(`launch jupyter --prefix C:\José`, `C:\José\.onboard\icon.ico`)
	l, err := readLnk(b)
	if err != nil || l.Arguments != `launch jupyter --prefix C:\José` || l.IconLocation != `C:\José\.onboard\icon.ico` || l.ShowCommand != 1 {
		t.Fatalf("readLnk = %+v, %v", l, err)
	}
	if _, err := readLnk(b[:len(b)-4]); err == nil {
		t.Error("a link without a terminal block was accepted")
	}
	if _, err := readLnk(b[:40]); err == nil {
		t.Error("a truncated header was accepted")
	}
	// Check finds the prefix in the UTF-16 strings of a link.
	rec := Record{Target: win, Files: []RecordFile{{Path: "x.lnk", Kind: KindShortcut}}}
	read := func(string) ([]byte, error) { return b, nil }
	if ps := Check(rec, `c:\josé`, Inspector{ReadFile: read}); len(ps) != 0 {
		t.Errorf("Check: %v", ps)
	}
	if ps := Check(rec, `C:\Other`, Inspector{ReadFile: read}); len(ps) != 1 || ps[0].Code != ProblemWrongPrefix {
		t.Errorf("Check for another prefix: %v", ps)
	}
}

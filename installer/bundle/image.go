package bundle

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"io"
)

// imageEnd is where the program itself ends in an executable of size
// bytes, by its own headers: an ELF's segments, sections and section
// header table; a PE's sections and COFF symbol and string tables; a
// Mach-O's segments and code signature. ok is false for anything else
// (a bundle zip itself, a universal Mach-O). What an attach appends starts
// there, and FindPayload uses it to tell a damaged installer (its bundle's
// first bytes are there, but no footer or zip ends the file) from a plain
// program. It is only ever compared with where a zip starts, so a wrong
// estimate makes that check pass over, never refuse, a plain program.
func imageEnd(r io.ReaderAt, size int64) (int64, bool) {
	magic := make([]byte, 4)
	if _, err := r.ReadAt(magic, 0); err != nil {
		return 0, false
	}
	sr := io.NewSectionReader(r, 0, size)
	switch {
	case bytes.Equal(magic, []byte(elf.ELFMAG)):
		return elfEnd(sr)
	case bytes.Equal(magic[:2], []byte("MZ")):
		return peEnd(sr)
	case isMachO(magic):
		return machoEnd(sr)
	}
	return 0, false
}

func elfEnd(r *io.SectionReader) (int64, bool) {
	f, err := elf.NewFile(r)
	if err != nil {
		return 0, false
	}
	var end int64
	for _, p := range f.Progs {
		end = max(end, int64(p.Off+p.Filesz))
	}
	for _, s := range f.Sections {
		if s.Type != elf.SHT_NOBITS {
			end = max(end, int64(s.Offset+s.FileSize))
		}
	}
	// The section header table (last in Go's binaries): e_shoff and
	// e_shentsize × e_shnum, read from the header.
	h := make([]byte, 64)
	if _, err := r.ReadAt(h, 0); err != nil {
		return 0, false
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if f.Data == elf.ELFDATA2MSB {
		bo = binary.BigEndian
	}
	var shoff, shentsize, shnum int64
	if f.Class == elf.ELFCLASS64 {
		shoff, shentsize, shnum = int64(bo.Uint64(h[0x28:])), int64(bo.Uint16(h[0x3a:])), int64(bo.Uint16(h[0x3c:]))
	} else {
		shoff, shentsize, shnum = int64(bo.Uint32(h[0x20:])), int64(bo.Uint16(h[0x2e:])), int64(bo.Uint16(h[0x30:]))
	}
	return max(end, shoff+shentsize*shnum), end > 0
}

func peEnd(r *io.SectionReader) (int64, bool) {
	f, err := pe.NewFile(r)
	if err != nil {
		return 0, false
	}
	var end int64
	for _, s := range f.Sections {
		end = max(end, int64(s.Offset)+int64(s.Size))
	}
	if at := int64(f.FileHeader.PointerToSymbolTable); at != 0 {
		strtab := at + 18*int64(f.FileHeader.NumberOfSymbols)
		n := make([]byte, 4) // the string table starts with its own length
		if _, err := r.ReadAt(n, strtab); err == nil {
			end = max(end, strtab+int64(binary.LittleEndian.Uint32(n)))
		}
	}
	return end, end > 0
}

func isMachO(m []byte) bool {
	switch binary.LittleEndian.Uint32(m) {
	case macho.Magic32, macho.Magic64:
		return true
	}
	switch binary.BigEndian.Uint32(m) {
	case macho.Magic32, macho.Magic64:
		return true
	}
	return false
}

func machoEnd(r *io.SectionReader) (int64, bool) {
	f, err := macho.NewFile(r)
	if err != nil {
		return 0, false
	}
	var end int64
	for _, l := range f.Loads {
		switch l := l.(type) {
		case *macho.Segment:
			end = max(end, int64(l.Offset+l.Filesz))
		case macho.LoadBytes:
			// LC_CODE_SIGNATURE: cmd, cmdsize, dataoff, datasize
			if b := []byte(l); len(b) >= 16 && f.ByteOrder.Uint32(b) == 0x1d {
				end = max(end, int64(f.ByteOrder.Uint32(b[8:]))+int64(f.ByteOrder.Uint32(b[12:])))
			}
		}
	}
	return end, end > 0
}

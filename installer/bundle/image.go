package bundle

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"encoding/binary"
	"io"
)

// ImageSize is the length the executable at path gives itself in its own
// headers (see imageEnd), and its length on disk: a program cut short
// (a copy stopped half-way) has a size larger than the file's. ok is
// false for a file that is no program of those formats, or cannot be
// read. It reads the headers only.
func ImageSize(path string) (size, file int64, ok bool) {
	f, err := openRegular(path)
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, 0, false
	}
	size, ok = imageEnd(f, st.Size())
	return size, st.Size(), ok
}

// imageEnd is where the program itself ends in an executable of size
// bytes, by its own headers: an ELF's segments, sections and section
// header table; a PE's sections and COFF symbol and string tables; a
// Mach-O's segments and code signature. ok is false for anything else
// (a bundle zip itself, a universal Mach-O). What an attach appends starts
// there, and FindPayload uses it to tell a damaged installer (its bundle's
// first bytes are there, but no footer or zip ends the file, or the file
// ends before the program does) from a plain program. For a complete
// program every range its headers give lies in the file.
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

// elfEnd is where an ELF file's segments, sections and section header
// table end, read from its headers themselves: debug/elf cannot read a
// file cut before its section names (last in Go's programs), and a cut
// installer was taken for a plain program (audit W2).
func elfEnd(r *io.SectionReader) (int64, bool) {
	h := make([]byte, 64)
	if _, err := r.ReadAt(h, 0); err != nil {
		return 0, false
	}
	var bo binary.ByteOrder
	switch elf.Data(h[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		bo = binary.LittleEndian
	case elf.ELFDATA2MSB:
		bo = binary.BigEndian
	default:
		return 0, false
	}
	// e_phoff, e_shoff, e_phentsize, e_phnum, e_shentsize, e_shnum; where a
	// program header gives p_offset and p_filesz, and a section header
	// sh_type, sh_offset and sh_size
	var phoff, shoff, phentsize, phnum, shentsize, shnum uint64
	var prog, sect func([]byte) (off, size uint64)
	switch elf.Class(h[elf.EI_CLASS]) {
	case elf.ELFCLASS64:
		phoff, shoff = bo.Uint64(h[0x20:]), bo.Uint64(h[0x28:])
		phentsize, phnum, shentsize, shnum = uint64(bo.Uint16(h[0x36:])), uint64(bo.Uint16(h[0x38:])), uint64(bo.Uint16(h[0x3a:])), uint64(bo.Uint16(h[0x3c:]))
		prog = func(b []byte) (uint64, uint64) { return bo.Uint64(b[8:]), bo.Uint64(b[0x20:]) }
		sect = func(b []byte) (uint64, uint64) { return bo.Uint64(b[0x18:]), bo.Uint64(b[0x20:]) }
	case elf.ELFCLASS32:
		phoff, shoff = uint64(bo.Uint32(h[0x1c:])), uint64(bo.Uint32(h[0x20:]))
		phentsize, phnum, shentsize, shnum = uint64(bo.Uint16(h[0x2a:])), uint64(bo.Uint16(h[0x2c:])), uint64(bo.Uint16(h[0x2e:])), uint64(bo.Uint16(h[0x30:]))
		prog = func(b []byte) (uint64, uint64) { return uint64(bo.Uint32(b[4:])), uint64(bo.Uint32(b[0x10:])) }
		sect = func(b []byte) (uint64, uint64) { return uint64(bo.Uint32(b[0x10:])), uint64(bo.Uint32(b[0x14:])) }
	default:
		return 0, false
	}
	const limit = 1 << 50 // no program is near this; larger values are no ELF file's
	if phoff > limit || shoff > limit || phnum > 0 && phentsize < 0x20 || shnum > 0 && shentsize < 0x28 {
		return 0, false
	}
	end := max(phoff+phentsize*phnum, shoff+shentsize*shnum)
	read := func(at, size, n uint64, f func([]byte) (uint64, uint64), nobits bool) {
		b := make([]byte, size)
		for i := range n {
			if _, err := r.ReadAt(b, int64(at+i*size)); err != nil {
				return
			}
			if nobits && elf.SectionType(bo.Uint32(b[4:])) == elf.SHT_NOBITS {
				continue
			}
			if o, n := f(b); o < limit && n < limit {
				end = max(end, o+n)
			}
		}
	}
	read(phoff, phentsize, phnum, prog, false)
	read(shoff, shentsize, shnum, sect, true)
	return int64(end), end > 0
}

// peEnd is where a PE file's sections and COFF symbol and string tables
// end, read from its headers (a cut file's too: debug/pe cannot read one
// cut before its symbol table).
func peEnd(r *io.SectionReader) (int64, bool) {
	b := make([]byte, 4)
	if _, err := r.ReadAt(b, 0x3c); err != nil {
		return 0, false
	}
	at := int64(binary.LittleEndian.Uint32(b)) // e_lfanew
	h := make([]byte, 24)                      // "PE\0\0" and the COFF file header
	if at <= 0 || at > 1<<20 {
		return 0, false
	}
	if _, err := r.ReadAt(h, at); err != nil || !bytes.Equal(h[:4], []byte("PE\x00\x00")) {
		return 0, false
	}
	nsec := int64(binary.LittleEndian.Uint16(h[6:]))
	symtab, nsym := int64(binary.LittleEndian.Uint32(h[12:])), int64(binary.LittleEndian.Uint32(h[16:]))
	optSize := int64(binary.LittleEndian.Uint16(h[20:]))
	secs := at + 24 + optSize
	end := secs + 40*nsec
	sec := make([]byte, 40)
	for i := range nsec {
		if _, err := r.ReadAt(sec, secs+40*i); err != nil {
			break
		}
		size, ptr := int64(binary.LittleEndian.Uint32(sec[16:])), int64(binary.LittleEndian.Uint32(sec[20:]))
		if ptr != 0 {
			end = max(end, ptr+size)
		}
	}
	if symtab != 0 {
		strtab := symtab + 18*nsym
		end = max(end, strtab+4) // the string table starts with its own length
		n := make([]byte, 4)
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

package bundle

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// elfHeader is a bare ELF64 file header of machine m and byte order
// data: no program or section headers.
func elfHeader(data elf.Data, m elf.Machine) []byte {
	b := make([]byte, 64)
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS], b[elf.EI_DATA], b[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(data), byte(elf.EV_CURRENT)
	var order binary.ByteOrder = binary.LittleEndian
	if data == elf.ELFDATA2MSB {
		order = binary.BigEndian
	}
	order.PutUint16(b[16:], uint16(elf.ET_EXEC))
	order.PutUint16(b[18:], uint16(m))
	order.PutUint32(b[20:], uint32(elf.EV_CURRENT))
	order.PutUint16(b[52:], 64) // e_ehsize
	return b
}

// A big-endian ppc64 installer is one for conda's linux-ppc64, not the
// little-endian linux-ppc64le (audit AL 3).
func TestBinaryTargetPPC64ByteOrder(t *testing.T) {
	for _, c := range []struct {
		data elf.Data
		want string
	}{{elf.ELFDATA2MSB, "ppc64"}, {elf.ELFDATA2LSB, "ppc64le"}} {
		p := filepath.Join(t.TempDir(), "onboard")
		if err := os.WriteFile(p, elfHeader(c.data, elf.EM_PPC64), 0o755); err != nil {
			t.Fatal(err)
		}
		goos, goarch, err := BinaryTarget(p)
		if err != nil || goos != "linux" || goarch != c.want {
			t.Errorf("%v: BinaryTarget = %s/%s, %v; want linux/%s", c.data, goos, goarch, err, c.want)
		}
	}
}

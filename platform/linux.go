package platform

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// LinuxRaw is what Linux reports, gathered by the host code and
// interpreted by [DetectLinux].
type LinuxRaw struct {
	GOARCH  string // of this binary
	Machine string // uname -m: x86_64, i686, aarch64, armv7l, armv8l, ppc64le, s390x, riscv64
	Release string // uname -r
	// ShELF is the start (at least 20 bytes) of /bin/sh, whose ELF class and
	// machine tell the userland's architecture; nil when unreadable.
	ShELF []byte
	// Getconf is the output of `getconf GNU_LIBC_VERSION` ("glibc 2.36"),
	// "" when it failed (musl has no such variable).
	Getconf string
	// Ldd is the combined output of `ldd --version`, the fallback.
	Ldd string
}

// ParseELFIdent reads the class and machine from the start of an ELF file.
func ParseELFIdent(b []byte) (elf.Class, elf.Machine, error) {
	if len(b) < 20 || string(b[:4]) != elf.ELFMAG {
		return 0, 0, errors.New("not an ELF file")
	}
	var order binary.ByteOrder = binary.LittleEndian
	switch elf.Data(b[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
	case elf.ELFDATA2MSB:
		order = binary.BigEndian
	default:
		return 0, 0, fmt.Errorf("unknown ELF byte order %d", b[elf.EI_DATA])
	}
	class := elf.Class(b[elf.EI_CLASS])
	if class != elf.ELFCLASS32 && class != elf.ELFCLASS64 {
		return 0, 0, fmt.Errorf("unknown ELF class %d", class)
	}
	return class, elf.Machine(order.Uint16(b[0x12:])), nil
}

// elfArch maps an ELF class, machine and byte order (big: ELFDATA2MSB) to
// a GOARCH.
func elfArch(c elf.Class, m elf.Machine, big bool) string {
	switch m {
	case elf.EM_386:
		return "386"
	case elf.EM_X86_64:
		if c == elf.ELFCLASS32 {
			return "amd64p32" // x32 ABI: no conda packages
		}
		return "amd64"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_AARCH64:
		return "arm64"
	case elf.EM_PPC64:
		if big {
			return "ppc64" // conda's linux-ppc64, not the little-endian linux-ppc64le (audit AL 3)
		}
		return "ppc64le"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_RISCV:
		return "riscv64"
	}
	return ""
}

// linuxMachineArch maps `uname -m` to a GOARCH.
func linuxMachineArch(m string) string {
	switch m {
	case "x86_64", "amd64":
		return "amd64"
	case "i386", "i486", "i586", "i686":
		return "386"
	case "aarch64", "arm64":
		return "arm64"
	case "armv6l", "armv7l", "armv8l":
		return "arm"
	case "ppc64le":
		return "ppc64le"
	case "ppc64":
		return "ppc64"
	case "s390x":
		return "s390x"
	case "riscv64":
		return "riscv64"
	}
	return ""
}

// ParseLibc reads the C library from `getconf GNU_LIBC_VERSION` output or,
// when that is empty, from `ldd --version` output: "glibc 2.36",
// "musl 1.2.4", or "" when neither says.
func ParseLibc(getconf, ldd string) string {
	if f := strings.Fields(getconf); len(f) == 2 && strings.EqualFold(f[0], "glibc") {
		return "glibc " + f[1]
	}
	lines := strings.Split(strings.TrimSpace(ldd), "\n")
	if strings.Contains(strings.ToLower(lines[0]), "musl") {
		for _, l := range lines {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Version "); ok {
				return "musl " + strings.TrimSpace(v)
			}
		}
		return "musl"
	}
	if f := strings.Fields(lines[0]); len(f) > 0 && strings.Contains(strings.ToLower(lines[0]), "libc") {
		return "glibc " + f[len(f)-1]
	}
	return ""
}

// DetectLinux interprets what Linux reports. uname gives the kernel's
// machine; /bin/sh's ELF header gives the userland's, which decides what
// can run (a 32-bit Raspberry Pi OS on a 64-bit kernel says aarch64).
func DetectLinux(r LinuxRaw) Host {
	h := Host{ProcessArch: r.GOARCH, OSVersion: r.Release, Native: Target{OS: "linux"}}
	h.Libc = ParseLibc(r.Getconf, r.Ldd)
	h.Native.Arch = linuxMachineArch(r.Machine)
	user := ""
	if c, m, err := ParseELFIdent(r.ShELF); err == nil {
		user = elfArch(c, m, elf.Data(r.ShELF[elf.EI_DATA]) == elf.ELFDATA2MSB)
	}
	if h.Native.Arch == "" {
		h.Native.Arch = firstNonEmpty(user, r.GOARCH)
		h.Notes = append(h.Notes, fmt.Sprintf("unknown machine %q from uname; using the userland's architecture", r.Machine))
	}
	if user != "" && user != h.Native.Arch {
		h.Userland = user
		if is32(user) {
			h.Notes = append(h.Notes, fmt.Sprintf("the kernel is %s but the userland (/bin/sh) is %s: only %s packages can run; install a 64-bit OS to use 64-bit packages",
				h.Native.Arch, user, user))
		} else {
			// uname under a 32-bit personality (setarch linux32) on a
			// 64-bit system: the OS is 64-bit already (audit AL 5)
			h.Notes = append(h.Notes, fmt.Sprintf("uname says %s (a 32-bit personality, as setarch linux32 gives) but the userland (/bin/sh) is %s: %s packages are installed",
				r.Machine, user, user))
		}
	}
	if r.Machine == "armv6l" && firstNonEmpty(h.Userland, h.Native.Arch) == "arm" {
		// ARMv6 (Raspberry Pi 1 and Zero): GOARCH arm is ARMv6 and ARMv7
		// alike, and ARMv7 code (linux-armv7l) does not run here; conda's
		// subdir for it is linux-armv6l (audit AL 3)
		h.Subdir = "linux-armv6l"
	}
	if r.GOARCH != "" && r.GOARCH != firstNonEmpty(h.Userland, h.Native.Arch) {
		h.Notes = append(h.Notes, fmt.Sprintf("this program is a linux/%s build; the machine runs %s", r.GOARCH, firstNonEmpty(h.Userland, h.Native.Arch)))
	}
	h.Notes = append(h.Notes, libcNotes(h.Libc)...)
	return finish(h)
}

// is32 tells whether a GOARCH is a 32-bit one.
func is32(arch string) bool {
	switch arch {
	case "386", "arm", "amd64p32", "mips", "mipsle", "ppc":
		return true
	}
	return false
}

// libcNotes warns about C libraries conda packages cannot use.
func libcNotes(libc string) []string {
	switch {
	case strings.HasPrefix(libc, "musl"):
		return []string{"this system uses the musl C library (e.g. Alpine); conda packages need glibc and will not run"}
	case libc == "":
		return []string{"could not find the glibc version (getconf GNU_LIBC_VERSION and ldd --version both failed)"}
	case versionLess(strings.TrimPrefix(libc, "glibc "), "2.17"):
		return []string{libc + " is older than 2.17, the oldest that conda-forge packages support"}
	}
	return nil
}

// versionLess compares dotted numeric versions ("2.9" < "2.17").
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			fmt.Sscanf(as[i], "%d", &x)
		}
		if i < len(bs) {
			fmt.Sscanf(bs[i], "%d", &y)
		}
		if x != y {
			return x < y
		}
	}
	return false
}

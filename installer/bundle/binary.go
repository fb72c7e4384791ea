package bundle

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// BinaryTarget reads the OS and architecture (GOOS, GOARCH spelling) an
// executable was built for from its ELF, PE or Mach-O header.
func BinaryTarget(path string) (goos, goarch string, err error) {
	f, err := openRegular(path)
	if err != nil {
		return "", "", fmt.Errorf("failed to open installer binary: %w", err)
	}
	defer f.Close()
	if goos, goarch, ok := elfTarget(f); ok {
		return goos, goarch, nil
	}
	if goarch, ok := peTarget(f); ok {
		return "windows", goarch, nil
	}
	if goarch, ok := machoTarget(f); ok {
		return "darwin", goarch, nil
	}
	return "", "", fmt.Errorf("%q is not an ELF, PE or Mach-O executable of a known architecture", path)
}

func elfTarget(r io.ReaderAt) (string, string, bool) {
	f, err := elf.NewFile(r)
	if err != nil {
		return "", "", false
	}
	arch, ok := map[elf.Machine]string{
		elf.EM_X86_64: "amd64", elf.EM_386: "386", elf.EM_AARCH64: "arm64", elf.EM_ARM: "arm",
		elf.EM_PPC64: "ppc64le", elf.EM_S390: "s390x", elf.EM_RISCV: "riscv64",
	}[f.Machine]
	if !ok {
		return "", "", false
	}
	if arch == "ppc64le" && f.Data == elf.ELFDATA2MSB {
		arch = "ppc64" // big-endian: conda's linux-ppc64
	}
	goos := "linux"
	switch {
	case f.OSABI == elf.ELFOSABI_FREEBSD:
		goos = "freebsd"
	case strings.Contains(elfInterp(f), "ld.so.1"):
		goos = "solaris" // /lib/amd64/ld.so.1: Solaris and illumos
	}
	return goos, arch, true
}

func elfInterp(f *elf.File) string {
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, err := io.ReadAll(p.Open())
			if err == nil {
				return strings.TrimRight(string(b), "\x00")
			}
		}
	}
	return ""
}

func peTarget(r io.ReaderAt) (string, bool) {
	f, err := pe.NewFile(r)
	if err != nil {
		return "", false
	}
	arch, ok := map[uint16]string{
		pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_I386: "386", pe.IMAGE_FILE_MACHINE_ARM64: "arm64",
	}[f.Machine]
	return arch, ok
}

func machoTarget(r io.ReaderAt) (string, bool) {
	cpus := map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}
	if f, err := macho.NewFile(r); err == nil {
		a, ok := cpus[f.Cpu]
		return a, ok
	}
	if ff, err := macho.NewFatFile(r); err == nil && len(ff.Arches) > 0 {
		if len(ff.Arches) > 1 {
			return "universal", true
		}
		a, ok := cpus[ff.Arches[0].Cpu]
		return a, ok
	}
	return "", false
}

var slugRE = regexp.MustCompile(`[^A-Za-z0-9._]+`)

// Slug turns a bundle name into a file-name part: "Acme Python" → "Acme-Python".
func Slug(name string) string {
	s := strings.Trim(slugRE.ReplaceAllString(name, "-"), "-.")
	if s == "" {
		return "bundle"
	}
	return s
}

// InstallerName returns <Name>-<version>-<os>-<arch>[.exe] for a target:
// os is windows, macos, linux or the GOOS; arch is x86_64, x86, arm64 or
// the GOARCH.
func InstallerName(name, version, goos, goarch string) string {
	osName := map[string]string{"darwin": "macos"}[goos]
	if osName == "" {
		osName = goos
	}
	arch := map[string]string{"amd64": "x86_64", "386": "x86"}[goarch]
	if arch == "" {
		arch = goarch
	}
	n := Slug(name) + "-" + version + "-" + osName + "-" + arch
	if goos == "windows" {
		n += ".exe"
	}
	return n
}

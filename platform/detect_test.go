package platform

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// want is the part of a Host that detection tests compare.
type want struct {
	native, userland, subdir string
	fallbacks                []string
	note                     string // a substring of some note; "" = no notes at all
}

func checkHost(t *testing.T, h Host, w want) {
	t.Helper()
	if got := h.Native.String(); got != w.native {
		t.Errorf("Native = %s; want %s", got, w.native)
	}
	if h.Userland != w.userland {
		t.Errorf("Userland = %q; want %q", h.Userland, w.userland)
	}
	if h.Subdir != w.subdir {
		t.Errorf("Subdir = %q; want %q", h.Subdir, w.subdir)
	}
	if !slices.Equal(h.Fallbacks, w.fallbacks) {
		t.Errorf("Fallbacks = %q; want %q", h.Fallbacks, w.fallbacks)
	}
	notes := strings.Join(h.Notes, "\n")
	if w.note == "" && notes != "" {
		t.Errorf("Notes = %q; want none", h.Notes)
	}
	if w.note != "" && !strings.Contains(notes, w.note) {
		t.Errorf("Notes = %q; want one containing %q", h.Notes, w.note)
	}
}

func TestDetectWindows(t *testing.T) {
	tests := []struct {
		name string
		raw  WindowsRaw
		want want
	}{
		{"x64 native", WindowsRaw{GOARCH: "amd64", HaveWow64Process2: true, NativeMachine: 0x8664, ProcessorArchitecture: "AMD64", Major: 10, Build: 22631},
			want{"windows/amd64", "", "win-64", []string{"win-32"}, ""}},
		{"32-bit installer on 64-bit Windows", WindowsRaw{GOARCH: "386", HaveWow64Process2: true, ProcessMachine: 0x14c, NativeMachine: 0x8664, ProcessorArchitecture: "x86", ProcessorArchiteW6432: "AMD64"},
			want{"windows/amd64", "", "win-64", []string{"win-32"}, "windows/386 build running on amd64 Windows (WOW64)"}},
		{"x64 emulated on ARM64: ProcessMachine 0", WindowsRaw{GOARCH: "amd64", HaveWow64Process2: true, ProcessMachine: 0, NativeMachine: 0xaa64, ProcessorArchitecture: "AMD64", Build: 22631},
			want{"windows/arm64", "", "win-arm64", []string{"win-64", "win-32"}, "emulated"}},
		{"ARM64 native on Windows 10", WindowsRaw{GOARCH: "arm64", HaveWow64Process2: true, NativeMachine: 0xaa64, Major: 10, Build: 19045},
			want{"windows/arm64", "", "win-arm64", []string{"win-32"}, "need Windows 11"}},
		{"32-bit Windows", WindowsRaw{GOARCH: "386", HaveWow64Process2: true, NativeMachine: 0x14c, ProcessorArchitecture: "x86"},
			want{"windows/386", "", "win-32", nil, ""}},
		{"no IsWow64Process2, WOW64 with env", WindowsRaw{GOARCH: "386", IsWow64: true, ProcessorArchitecture: "x86", ProcessorArchiteW6432: "AMD64"},
			want{"windows/amd64", "", "win-64", []string{"win-32"}, "WOW64"}},
		{"no IsWow64Process2, WOW64 without env", WindowsRaw{GOARCH: "386", IsWow64: true},
			want{"windows/amd64", "", "win-64", []string{"win-32"}, "WOW64"}},
		{"no IsWow64Process2, native x64", WindowsRaw{GOARCH: "amd64", ProcessorArchitecture: "AMD64"},
			want{"windows/amd64", "", "win-64", []string{"win-32"}, ""}},
		{"nothing known", WindowsRaw{GOARCH: "amd64"},
			want{"windows/amd64", "", "win-64", []string{"win-32"}, "could not detect"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkHost(t, DetectWindows(tt.raw), tt.want) })
	}
	if v := DetectWindows(WindowsRaw{GOARCH: "amd64", Major: 10, Minor: 0, Build: 22631}).OSVersion; v != "10.0.22631" {
		t.Errorf("OSVersion = %q; want 10.0.22631", v)
	}
}

func TestDetectDarwin(t *testing.T) {
	tests := []struct {
		name string
		raw  DarwinRaw
		want want
	}{
		{"Intel", DarwinRaw{GOARCH: "amd64", ProcTranslated: -1, HWOptionalArm64: -1}, want{"darwin/amd64", "", "osx-64", nil, ""}},
		{"Intel, newer macOS says 0", DarwinRaw{GOARCH: "amd64", ProcTranslated: 0, HWOptionalArm64: 0}, want{"darwin/amd64", "", "osx-64", nil, ""}},
		{"Apple Silicon native", DarwinRaw{GOARCH: "arm64", ProcTranslated: 0, HWOptionalArm64: 1}, want{"darwin/arm64", "", "osx-arm64", []string{"osx-64"}, ""}},
		{"Rosetta", DarwinRaw{GOARCH: "amd64", ProcTranslated: 1, HWOptionalArm64: 1}, want{"darwin/arm64", "", "osx-arm64", []string{"osx-64"}, "Rosetta 2"}},
		{"Rosetta, hw.optional.arm64 hidden", DarwinRaw{GOARCH: "amd64", ProcTranslated: 1, HWOptionalArm64: -1}, want{"darwin/arm64", "", "osx-arm64", []string{"osx-64"}, "Rosetta 2"}},
		{"x64 build, arm64 machine, not translated", DarwinRaw{GOARCH: "amd64", ProcTranslated: 0, HWOptionalArm64: 1}, want{"darwin/arm64", "", "osx-arm64", []string{"osx-64"}, "darwin/amd64 build"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkHost(t, DetectDarwin(tt.raw), tt.want) })
	}
}

// elfHead returns the first 20 bytes of an ELF file of the given kind.
func elfHead(class elf.Class, data elf.Data, m elf.Machine) []byte {
	b := make([]byte, 20)
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS], b[elf.EI_DATA], b[elf.EI_VERSION] = byte(class), byte(data), 1
	var order binary.ByteOrder = binary.LittleEndian
	if data == elf.ELFDATA2MSB {
		order = binary.BigEndian
	}
	order.PutUint16(b[0x12:], uint16(m))
	return b
}

func TestDetectLinux(t *testing.T) {
	x64 := elfHead(elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_X86_64)
	i386 := elfHead(elf.ELFCLASS32, elf.ELFDATA2LSB, elf.EM_386)
	a64 := elfHead(elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_AARCH64)
	arm := elfHead(elf.ELFCLASS32, elf.ELFDATA2LSB, elf.EM_ARM)
	s390 := elfHead(elf.ELFCLASS64, elf.ELFDATA2MSB, elf.EM_S390)
	const glibc = "glibc 2.36\n"
	tests := []struct {
		name string
		raw  LinuxRaw
		want want
	}{
		{"x86_64", LinuxRaw{GOARCH: "amd64", Machine: "x86_64", ShELF: x64, Getconf: glibc}, want{"linux/amd64", "", "linux-64", nil, ""}},
		{"32-bit userland on 64-bit kernel", LinuxRaw{GOARCH: "386", Machine: "x86_64", ShELF: i386, Getconf: glibc},
			want{"linux/amd64", "386", "linux-32", nil, "userland (/bin/sh) is 386"}},
		{"386 program on 64-bit userland", LinuxRaw{GOARCH: "386", Machine: "x86_64", ShELF: x64, Getconf: glibc},
			want{"linux/amd64", "", "linux-64", nil, "linux/386 build"}},
		{"aarch64", LinuxRaw{GOARCH: "arm64", Machine: "aarch64", ShELF: a64, Getconf: glibc}, want{"linux/arm64", "", "linux-aarch64", nil, ""}},
		{"Raspberry Pi OS 32-bit on 64-bit kernel", LinuxRaw{GOARCH: "arm", Machine: "aarch64", ShELF: arm, Getconf: glibc},
			want{"linux/arm64", "arm", "linux-armv7l", nil, "only arm packages can run"}},
		{"armv8l personality", LinuxRaw{GOARCH: "arm", Machine: "armv8l", ShELF: arm, Getconf: glibc}, want{"linux/arm", "", "linux-armv7l", nil, ""}},
		{"setarch linux32 i686", LinuxRaw{GOARCH: "amd64", Machine: "i686", ShELF: x64, Getconf: glibc},
			want{"linux/386", "amd64", "linux-64", nil, "userland (/bin/sh) is amd64"}},
		// conda's linux-ppc64 and linux-armv6l (audit AL 3: ppc64le and armv7l)
		{"ppc64 big-endian", LinuxRaw{GOARCH: "ppc64", Machine: "ppc64", ShELF: elfHead(elf.ELFCLASS64, elf.ELFDATA2MSB, elf.EM_PPC64), Getconf: glibc},
			want{"linux/ppc64", "", "linux-ppc64", nil, ""}},
		{"ppc64le", LinuxRaw{GOARCH: "ppc64le", Machine: "ppc64le", ShELF: elfHead(elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_PPC64), Getconf: glibc},
			want{"linux/ppc64le", "", "linux-ppc64le", nil, ""}},
		{"armv6l", LinuxRaw{GOARCH: "arm", Machine: "armv6l", ShELF: arm, Getconf: glibc}, want{"linux/arm", "", "linux-armv6l", nil, ""}},
		{"s390x big-endian ELF", LinuxRaw{GOARCH: "s390x", Machine: "s390x", ShELF: s390, Getconf: glibc}, want{"linux/s390x", "", "linux-s390x", nil, ""}},
		{"unreadable /bin/sh", LinuxRaw{GOARCH: "amd64", Machine: "x86_64", Getconf: glibc}, want{"linux/amd64", "", "linux-64", nil, ""}},
		{"unknown machine", LinuxRaw{GOARCH: "amd64", Machine: "mips64", ShELF: x64, Getconf: glibc}, want{"linux/amd64", "", "linux-64", nil, "unknown machine"}},
		{"musl", LinuxRaw{GOARCH: "amd64", Machine: "x86_64", ShELF: x64, Ldd: "musl libc (x86_64)\nVersion 1.2.4\n"},
			want{"linux/amd64", "", "linux-64", nil, "musl C library"}},
		{"old glibc", LinuxRaw{GOARCH: "amd64", Machine: "x86_64", ShELF: x64, Getconf: "glibc 2.12"},
			want{"linux/amd64", "", "linux-64", nil, "older than 2.17"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkHost(t, DetectLinux(tt.raw), tt.want) })
	}
	// a 64-bit OS is not told to install one (audit AL 5)
	h := DetectLinux(LinuxRaw{GOARCH: "amd64", Machine: "i686", ShELF: x64, Getconf: glibc})
	if notes := strings.Join(h.Notes, "\n"); strings.Contains(notes, "install a 64-bit OS") {
		t.Errorf("setarch linux32: %q", notes)
	}
}

func TestParseLibc(t *testing.T) {
	tests := []struct{ getconf, ldd, want string }{
		{"glibc 2.36\n", "", "glibc 2.36"},
		{"", "ldd (Debian GLIBC 2.36-9+deb12u14) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.\n", "glibc 2.36"},
		{"", "ldd (GNU libc) 2.17\n", "glibc 2.17"},
		{"", "musl libc (x86_64)\nVersion 1.2.4\nDynamic Program Loader\n", "musl 1.2.4"},
		{"", "musl libc (aarch64)\n", "musl"},
		{"", "", ""},
		{"NPTL 2.5", "sh: ldd: not found", ""},
	}
	for _, tt := range tests {
		if got := ParseLibc(tt.getconf, tt.ldd); got != tt.want {
			t.Errorf("ParseLibc(%q, %q) = %q; want %q", tt.getconf, tt.ldd, got, tt.want)
		}
	}
}

func TestParseELFIdent(t *testing.T) {
	if _, _, err := ParseELFIdent([]byte("#!/bin/sh\n echo hello there")); err == nil {
		t.Error("a script parsed as ELF")
	}
	if _, _, err := ParseELFIdent([]byte("\x7fELF")); err == nil {
		t.Error("a 4-byte header parsed")
	}
	c, m, err := ParseELFIdent(elfHead(elf.ELFCLASS32, elf.ELFDATA2MSB, elf.EM_PPC))
	if err != nil || c != elf.ELFCLASS32 || m != elf.EM_PPC {
		t.Errorf("big-endian PPC: got %v %v %v", c, m, err)
	}
	// The real /bin/sh of a Linux host must agree with debug/elf.
	if runtime.GOOS != "linux" {
		return
	}
	f, err := elf.Open("/bin/sh")
	if err != nil {
		t.Skipf("no /bin/sh to read: %v", err)
	}
	defer f.Close()
	c, m, err = ParseELFIdent(readHead("/bin/sh", 64))
	if err != nil || c != f.Class || m != f.Machine {
		t.Errorf("/bin/sh: got %v %v %v; want %v %v", c, m, err, f.Class, f.Machine)
	}
}

func TestDetectSolaris(t *testing.T) {
	tests := []struct {
		name string
		raw  SolarisRaw
		want want
	}{
		{"amd64", SolarisRaw{GOOS: "solaris", GOARCH: "amd64", IsainfoN: "amd64\n", IsainfoB: "64\n", Release: "5.11", Version: "11.4.42.111.0"},
			want{"solaris/amd64", "", "solaris-64", nil, "conda publishes no Solaris packages"}},
		{"illumos", SolarisRaw{GOOS: "illumos", GOARCH: "amd64", IsainfoN: "amd64", IsainfoB: "64"}, want{"illumos/amd64", "", "solaris-64", nil, "no Solaris packages"}},
		{"SPARC", SolarisRaw{GOARCH: "amd64", IsainfoN: "sparcv9", IsainfoB: "64"}, want{"solaris/sparc64", "", "", nil, "only 64-bit x86"}},
		{"32-bit x86", SolarisRaw{GOARCH: "amd64", IsainfoN: "i386", IsainfoB: "32"}, want{"solaris/386", "", "solaris-32", nil, "only 64-bit x86"}},
		{"no isainfo", SolarisRaw{GOARCH: "amd64"}, want{"solaris/amd64", "", "solaris-64", nil, "could not run isainfo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkHost(t, DetectSolaris(tt.raw), tt.want) })
	}
	if v := DetectSolaris(tests[0].raw).OSVersion; v != "5.11 11.4.42.111.0" {
		t.Errorf("OSVersion = %q", v)
	}
}

func TestChoose(t *testing.T) {
	h := DetectDarwin(DarwinRaw{GOARCH: "arm64", ProcTranslated: 0, HWOptionalArm64: 1})
	tests := []struct {
		avail     []string
		sub, note string
		ok        bool
	}{
		{[]string{"osx-64", "osx-arm64"}, "osx-arm64", "", true},
		{[]string{"osx-64", "linux-64"}, "osx-64", "Rosetta", true},
		{[]string{"linux-64"}, "", "", false},
	}
	for _, tt := range tests {
		sub, note, ok := h.Choose(tt.avail)
		if sub != tt.sub || ok != tt.ok || !strings.Contains(note, tt.note) || (tt.note == "" && note != "") {
			t.Errorf("Choose(%q) = %q, %q, %v; want %q, %q, %v", tt.avail, sub, note, ok, tt.sub, tt.note, tt.ok)
		}
	}
}

// TestHostDetect checks Detect on the machine the tests run on (Linux CI,
// or Windows under Wine through scripts/wine-test.sh).
func TestHostDetect(t *testing.T) {
	h := Detect()
	t.Logf("detected: %+v", h)
	if h.Native.OS != runtime.GOOS || h.Subdir == "" || h.ProcessArch != runtime.GOARCH {
		t.Errorf("Detect() = %+v; want OS %s, a subdir, process arch %s", h, runtime.GOOS, runtime.GOARCH)
	}
	if want := os.Getenv("ONBOARD_EXPECT_SUBDIR"); want != "" && h.Subdir != want {
		t.Errorf("Subdir = %q; want %q (ONBOARD_EXPECT_SUBDIR)", h.Subdir, want)
	}
}

// Every subdir a Target maps to is said in words, none as its code; an
// unknown one is left as it is.
func TestSubdirWords(t *testing.T) {
	for _, c := range []struct{ subdir, want string }{
		{"linux-64", "64-bit Linux"}, {"win-32", "32-bit Windows"}, {"osx-64", "macOS on Intel"},
		{"osx-arm64", "macOS on Apple silicon"}, {"linux-aarch64", "Linux on 64-bit ARM"},
		{"linux-ppc64le", "Linux on POWER (little-endian)"}, {"solaris-64", "64-bit Solaris"},
		{"emscripten-wasm32", "emscripten-wasm32"}, {"linux-mips", "linux-mips"}, {"noarch", "noarch"},
	} {
		if got := SubdirWords(c.subdir); got != c.want {
			t.Errorf("SubdirWords(%q) = %q; want %q", c.subdir, got, c.want)
		}
	}
	for _, os := range []string{"linux", "darwin", "windows", "solaris", "freebsd"} {
		for _, arch := range []string{"amd64", "386", "arm64", "arm", "ppc64le", "ppc64", "s390x", "riscv64"} {
			sd, err := Target{OS: os, Arch: arch}.Subdir()
			if err != nil {
				continue
			}
			if w := SubdirWords(sd); w == sd || strings.Contains(w, sd) {
				t.Errorf("%s/%s: subdir %s said as %q", os, arch, sd, w)
			}
		}
	}
}

package platform

import (
	"testing"
)

// The virtual packages of a machine are conda's: per subdir, from what
// Detect found, with CONDA_OVERRIDE_<NAME> over them.
func TestVirtualPackages(t *testing.T) {
	linux := Host{Native: Target{OS: "linux", Arch: "amd64"}, OSVersion: "6.1.0-18-amd64", Libc: "glibc 2.36"}
	v := VirtualPackages(linux, "linux-64", nil)
	if v["__unix"] != "0" || v["__linux"] != "6.1.0" || v["__glibc"] != "2.36" || len(v) != 3 {
		t.Errorf("linux: %v", v)
	}
	env := map[string]string{"CONDA_OVERRIDE_GLIBC": "2.12", "CONDA_OVERRIDE_LINUX": ""}
	lookup := func(k string) (string, bool) { s, ok := env[k]; return s, ok }
	if v := VirtualPackages(linux, "linux-64", lookup); v["__glibc"] != "2.12" || v["__linux"] != "0" {
		t.Errorf("linux, overridden: %v", v)
	}
	musl := Host{Native: Target{OS: "linux"}, OSVersion: "6.1", Libc: "musl 1.2.4"}
	if v := VirtualPackages(musl, "linux-64", nil); CheckVirtual("python 3.12", []string{"__glibc >=2.17"}, v) == nil {
		t.Errorf("musl (%v) passes a glibc package", v)
	}
	// glibc's version not found (no getconf, no ldd): not held against a
	// package, as conda assumes an old one and warns rather than refuse
	unknown := Host{Native: Target{OS: "linux"}, OSVersion: "6.1"}
	if v := VirtualPackages(unknown, "linux-64", nil); CheckVirtual("python 3.12", []string{"__glibc >=2.99"}, v) != nil {
		t.Errorf("an unknown glibc (%v) refuses a package", v)
	}
	if v := VirtualPackages(musl, "linux-64", lookup); v["__glibc"] != "2.12" {
		t.Errorf("an override gives musl __glibc: %v", v)
	}
	env = map[string]string{"CONDA_OVERRIDE_GLIBC": ""}
	if v := VirtualPackages(linux, "linux-64", lookup); CheckVirtual("python 3.12", []string{"__glibc"}, v) == nil {
		t.Errorf("an empty override keeps __glibc: %v", v)
	}
	mac := Host{Native: Target{OS: "darwin", Arch: "arm64"}, OSVersion: "14.5"}
	if v := VirtualPackages(mac, "osx-64", nil); v["__osx"] != "14.5" || v["__unix"] != "0" || len(v) != 2 {
		t.Errorf("mac: %v", v)
	}
	win := Host{Native: Target{OS: "windows", Arch: "amd64"}, OSVersion: "10.0.22631"}
	if v := VirtualPackages(win, "win-64", nil); v["__win"] != "10.0.22631" || len(v) != 1 {
		t.Errorf("windows: %v", v)
	}
	if v := VirtualPackages(linux, "win-64", nil); len(v) != 0 {
		t.Errorf("a win-64 payload on Linux: %v; want nothing known", v)
	}
}

// A package whose virtual dependency the machine does not meet is named,
// with what it needs and what the machine has; dependencies on virtual
// packages onboard cannot know (__cuda) pass.
func TestCheckVirtual(t *testing.T) {
	v := Virtual{"__unix": "0", "__linux": "3.10.0", "__glibc": "2.17"}
	if p := CheckVirtual("numpy 2.3", []string{"libgcc >=14", "__glibc >=2.17,<3.0.a0", "__cuda >=12", "__unix"}, v); p != nil {
		t.Errorf("met dependencies: %v", p)
	}
	p := CheckVirtual("libstdcxx 15", []string{"__glibc >=2.28,<3.0.a0"}, v)
	if p == nil || p.Error() != "libstdcxx 15 needs __glibc >=2.28,<3.0.a0; this machine has glibc 2.17" {
		t.Errorf("an old glibc: %v", p)
	}
	if p := CheckVirtual("tool 1", []string{"__osx>=11"}, v); p == nil || p.Have != "" || p.Error() != "tool 1 needs __osx>=11, which this machine does not have" {
		t.Errorf("a macOS package on Linux: %v", p)
	}
	if p := CheckVirtual("tool 1", []string{"__linux >=4.18"}, v); p == nil || p.Have != "linux 3.10.0" {
		t.Errorf("an old kernel: %v", p)
	}
}

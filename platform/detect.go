package platform

import "runtime"

// Host describes the machine onboard runs on, as detected.
type Host struct {
	Native      Target   // the machine's real OS and architecture
	ProcessArch string   // GOARCH of this binary (may differ under emulation)
	OSVersion   string   // e.g. "10.0.22631", "14.5", "6.1.0-18-amd64"
	Libc        string   // e.g. "glibc 2.36"; "" when not applicable
	Subdir      string   // the conda subdir this machine wants
	Fallbacks   []string // further subdirs it can run, best first
	Notes       []string // what a person should know (emulation, 32-bit userland)
}

// Candidates returns Subdir followed by Fallbacks.
func (h Host) Candidates() []string {
	return append([]string{h.Subdir}, h.Fallbacks...)
}

// Detect examines the running machine.
func Detect() Host {
	t := Target{OS: runtime.GOOS, Arch: runtime.GOARCH}
	sub, _ := t.Subdir()
	return Host{Native: t, ProcessArch: runtime.GOARCH, Subdir: sub}
}

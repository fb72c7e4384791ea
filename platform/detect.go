package platform

import (
	"runtime"
	"slices"
)

// Host describes the machine onboard runs on, as detected.
type Host struct {
	Native      Target   // the machine's real OS and architecture (kernel/hardware)
	ProcessArch string   // GOARCH of this binary (may differ under emulation)
	Userland    string   // GOARCH of the user space when it differs from Native.Arch (32-bit userland), else ""
	OSVersion   string   // e.g. "10.0.22631", "14.5", "6.1.0-18-amd64"
	Libc        string   // e.g. "glibc 2.36", "musl 1.2.4"; "" when not applicable
	Subdir      string   // the conda subdir this machine wants; "" when none fits
	Fallbacks   []string // further subdirs it can run, best first
	Notes       []string // what a person should know (emulation, 32-bit userland)
	// FallbackNotes says, per fallback subdir, what choosing it means
	// (e.g. "runs through Rosetta 2"). See [Host.Choose].
	FallbackNotes map[string]string
}

// Candidates returns Subdir followed by Fallbacks.
func (h Host) Candidates() []string {
	if h.Subdir == "" {
		return slices.Clone(h.Fallbacks)
	}
	return append([]string{h.Subdir}, h.Fallbacks...)
}

// Choose returns the first of h's candidates that available (the subdirs a
// bundle serves) holds, a note to show when it is a fallback ("" for the
// first choice), and whether any candidate matched.
func (h Host) Choose(available []string) (subdir, note string, ok bool) {
	for _, c := range h.Candidates() {
		if slices.Contains(available, c) {
			return c, h.FallbackNotes[c], true
		}
	}
	return "", "", false
}

func (h *Host) fallback(subdir, note string) {
	h.Fallbacks = append(h.Fallbacks, subdir)
	if note != "" {
		if h.FallbackNotes == nil {
			h.FallbackNotes = map[string]string{}
		}
		h.FallbackNotes[subdir] = note
	}
}

// Detect examines the running machine: the native architecture even when
// this program is emulated or 32-bit, the OS version, the C library, and
// from these the conda subdir and its fallbacks. It never fails: what it
// cannot find out is left empty and said in Notes.
func Detect() Host {
	return detectHost()
}

// finish fills Subdir and Fallbacks from the chosen target when the
// per-OS rules left them empty, and notes a process architecture that
// differs from the machine's.
func finish(h Host) Host {
	if h.ProcessArch == "" {
		h.ProcessArch = runtime.GOARCH
	}
	if h.Subdir == "" {
		arch := h.Native.Arch
		if h.Userland != "" {
			arch = h.Userland
		}
		if sub, err := (Target{OS: h.Native.OS, Arch: arch}).Subdir(); err == nil {
			h.Subdir = sub
		} else {
			h.Notes = append(h.Notes, err.Error()+": no conda packages exist for this machine")
		}
	}
	return h
}

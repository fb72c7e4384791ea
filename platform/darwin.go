package platform

// DarwinRaw is what macOS reports, gathered by the host code and
// interpreted by [DetectDarwin]. A sysctl that does not exist is -1.
type DarwinRaw struct {
	GOARCH          string // of this binary
	ProcTranslated  int    // sysctl.proc_translated: 1 = running under Rosetta 2
	HWOptionalArm64 int    // hw.optional.arm64: 1 on Apple Silicon, even under Rosetta
	ProductVersion  string // kern.osproductversion, e.g. "14.5"
}

// DetectDarwin interprets what macOS reports. uname lies under Rosetta
// (it says x86_64); hw.optional.arm64 and sysctl.proc_translated do not.
func DetectDarwin(r DarwinRaw) Host {
	h := Host{ProcessArch: r.GOARCH, OSVersion: r.ProductVersion, Native: Target{OS: "darwin", Arch: "amd64"}}
	if r.GOARCH == "arm64" || r.ProcTranslated == 1 || r.HWOptionalArm64 == 1 {
		h.Native.Arch = "arm64"
	}
	switch {
	case r.ProcTranslated == 1:
		h.Notes = append(h.Notes, "this program runs under Rosetta 2 (an Intel build on Apple Silicon); the native osx-arm64 packages are installed where the bundle has them")
	case h.Native.Arch != r.GOARCH && r.GOARCH != "":
		h.Notes = append(h.Notes, "this program is a darwin/"+r.GOARCH+" build on an "+h.Native.Arch+" Mac")
	}
	if h.Native.Arch == "arm64" {
		h.Subdir = "osx-arm64"
		h.fallback("osx-64", "osx-64 packages run on Apple Silicon only through Rosetta 2 (slower; install it with: softwareupdate --install-rosetta)")
	} else {
		h.Subdir = "osx-64"
	}
	return finish(h)
}

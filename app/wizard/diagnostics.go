package wizard

import (
	"fmt"
	"onboard/installer"
	"runtime"
	"strings"

	"onboard/platform"
)

// Diagnostics is the summary Help → Report a problem copies: enough for
// the platform team to start without asking questions back.
func Diagnostics(version string, h platform.Host, in *Installed, health *Health, healthErr error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "onboard %s (%s/%s, %s)\n", version, runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&b, "platform: %s, program %s", h.Native, h.ProcessArch)
	if h.OSVersion != "" {
		fmt.Fprintf(&b, ", os %s", h.OSVersion)
	}
	if h.Libc != "" {
		fmt.Fprintf(&b, ", %s", h.Libc)
	}
	fmt.Fprintf(&b, "\nconda subdirs: %s\n", strings.Join(h.Candidates(), ", "))
	for _, n := range h.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if in != nil {
		m := in.Manifest
		fmt.Fprintf(&b, "install: %s %s (%s, %s) in %s\n", m.Name, m.Version, m.ID, in.Subdir, in.Prefix)
		fmt.Fprintf(&b, "envs: %s\n", strings.Join(in.Envs(), ", "))
		fmt.Fprintf(&b, "log: %s\n", in.LogPath())
	}
	b.WriteString(healthLine(health, healthErr))
	return b.String()
}

func healthLine(h *Health, err error) string {
	switch {
	case err != nil:
		return "verify: could not run: " + installer.Message(err) + "\n"
	case h == nil:
		return "verify: not run\n"
	}
	s := "verify: " + h.Summary + "\n"
	for i, p := range h.Problems {
		if i == 20 {
			s += fmt.Sprintf("  ... and %d more\n", len(h.Problems)-20)
			break
		}
		s += "  " + p + "\n"
	}
	return s
}

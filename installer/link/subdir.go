package link

import "strings"

// IsWindows reports whether subdir is a Windows conda subdir (win-64,
// win-32, win-arm64). Windows rules apply to its text rewrites, entry points
// and link scripts.
func IsWindows(subdir string) bool { return strings.HasPrefix(subdir, "win-") }

// IsMacOS reports whether subdir is a macOS conda subdir.
func IsMacOS(subdir string) bool { return strings.HasPrefix(subdir, "osx-") }

// MaxShebangLength is the longest shebang line the target's kernel accepts,
// as conda assumes it: 127 bytes on Linux (and every non-macOS Unix), 512 on
// macOS. It is decided by the target subdir, not by the host.
func MaxShebangLength(subdir string) int {
	if IsMacOS(subdir) {
		return 512
	}
	return 127
}

// subdirOS names the operating system family of a subdir as Go's GOOS does
// ("linux", "darwin", "windows", "freebsd", ...), or "" for noarch and
// unknown subdirs.
func subdirOS(subdir string) string {
	osName, _, ok := strings.Cut(subdir, "-")
	if !ok {
		return ""
	}
	switch osName {
	case "osx":
		return "darwin"
	case "win":
		return "windows"
	}
	return osName
}

// RunsOnHost reports whether programs of subdir's operating system run on
// the host whose GOOS is hostOS (architecture is not considered).
func RunsOnHost(subdir, hostOS string) bool {
	s := subdirOS(subdir)
	if s == "" {
		return false
	}
	if s == hostOS {
		return true
	}
	return s == "solaris" && hostOS == "illumos"
}

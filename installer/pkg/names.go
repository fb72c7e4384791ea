package pkg

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"runtime"
	"strings"

	"onboard/internal/winname"
)

// Stem returns the archive's file name without ".conda" or ".tar.bz2": the
// name of its folder in the package cache.
func Stem(archive string) (string, error) {
	base := filepath.Base(archive)
	for _, ext := range []string{".conda", ".tar.bz2"} {
		if s, ok := strings.CutSuffix(base, ext); ok && s != "" && !strings.HasPrefix(s, ".") {
			return s, nil
		}
	}
	return "", fmt.Errorf("failed to name the package %q: a conda package ends in .conda or .tar.bz2", archive)
}

// StemOf is fn without ".conda" or ".tar.bz2" (fn itself when it has
// neither): name-version-build for a package's file name.
func StemOf(fn string) string {
	return strings.TrimSuffix(strings.TrimSuffix(fn, ".conda"), ".tar.bz2")
}

// cleanMember returns the clean, slash-separated relative form of an
// archive member name, or why the name is unsafe.
func cleanMember(name string) (string, string) {
	switch {
	case name == "":
		return "", "empty name"
	case strings.ContainsAny(name, "\\\x00"):
		return "", "backslash or NUL in name"
	case strings.HasPrefix(name, "/"):
		return "", "absolute path"
	case len(name) >= 2 && name[1] == ':' && isLetter(name[0]):
		return "", "windows drive path"
	}
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", "path escapes the package"
	}
	if why := tooLong(c); why != "" {
		return "", why
	}
	if hostWindows {
		if why := WindowsUnsafe(c); why != "" {
			return "", why
		}
	}
	return c, ""
}

// Longest names a package may hold: a file system keeps at most 255 bytes
// in one part of a path (NTFS 255 UTF-16 units, ext4 and APFS 255 bytes),
// and no OS opens a path of more than 4096 bytes, before the prefix.
const (
	maxNamePart = 255
	maxPathLen  = 4096
)

// tooLong says why no file system could hold rel, a clean relative path
// ("" when one could).
func tooLong(rel string) string {
	if len(rel) > maxPathLen {
		return fmt.Sprintf("a path of %d bytes: no system opens one longer than %d", len(rel), maxPathLen)
	}
	for rest := rel; rest != ""; { // every member's name: no allocation
		part, after, _ := strings.Cut(rest, "/")
		if len(part) > maxNamePart {
			return fmt.Sprintf("a name of %d bytes (%.40s…): file systems keep at most %d", len(part), part, maxNamePart)
		}
		rest = after
	}
	return ""
}

// hostWindows is whether files are written on Windows, whose names follow
// rules of their own (WindowsUnsafe); tests of those rules set it.
var hostWindows = runtime.GOOS == "windows"

// WindowsUnsafe says why Windows cannot hold the clean relative path rel
// as it is written ("" when it can); see winname.Unsafe.
func WindowsUnsafe(rel string) string { return winname.Unsafe(rel) }

func isLetter(b byte) bool { return (b|0x20) >= 'a' && (b|0x20) <= 'z' }

// escapes reports whether rel (clean, relative) leaves the package folder
// lexically.
func escapes(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, "../")
}

// fileURL returns the file:// URL of a local path, as conda writes it.
func fileURL(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = p
	}
	s := filepath.ToSlash(abs)
	if !strings.HasPrefix(s, "/") {
		s = "/" + s // C:/x → /C:/x
	}
	return (&url.URL{Scheme: "file", Path: s}).String()
}

// knownSubdirs are conda's known platform subdirs (conda/base/constants.py).
var knownSubdirs = map[string]bool{
	"noarch": true, "emscripten-wasm32": true, "wasi-wasm32": true, "freebsd-64": true,
	"linux-32": true, "linux-64": true, "linux-aarch64": true, "linux-armv6l": true,
	"linux-armv7l": true, "linux-ppc64": true, "linux-ppc64le": true, "linux-riscv64": true,
	"linux-s390x": true, "osx-64": true, "osx-arm64": true, "win-32": true, "win-64": true,
	"win-arm64": true, "zos-z": true,
}

// channelOf returns what conda writes as "channel" for a package fetched
// from u: the URL's folder when that folder is a subdir (a channel layout),
// else "<unknown>". A team's own subdir counts when it is the package's.
func channelOf(u, subdir string) string {
	i := strings.LastIndex(u, "/")
	if i <= 0 {
		return "<unknown>"
	}
	dir := u[:i]
	parent := dir[strings.LastIndex(dir, "/")+1:]
	if knownSubdirs[parent] || (subdir != "" && parent == subdir) {
		return dir
	}
	return "<unknown>"
}

package prefix

import (
	"net/url"
	"path"
	"strings"
)

// CanonicalChannel returns conda's canonical name of a record's channel
// (as in history lines and `conda list`): the channel without its subdir,
// "conda-forge" for https://conda.anaconda.org/conda-forge, "pkgs/main" for
// https://repo.anaconda.com/pkgs/main, "pkgs" for a file:// channel whose
// folder is named pkgs or an http(s) channel at /pkgs (conda's built-in
// pkgs/… custom channels match them), the URL itself otherwise, and
// "<unknown>" as is. The pkgs cases were read off conda 26.7's
// Channel(url).canonical_name.
func CanonicalChannel(channel, subdir string) string {
	c := strings.TrimRight(channel, "/")
	if i := strings.LastIndex(c, "/"); i >= 0 && strings.Contains(c, "://") {
		last := c[i+1:]
		if last == subdir || knownSubdir(last) {
			c = c[:i]
		}
	}
	if u, err := url.Parse(c); err == nil {
		switch {
		case u.Scheme == "file" && path.Base(u.Path) == "pkgs",
			(u.Scheme == "http" || u.Scheme == "https") && strings.Trim(u.Path, "/") == "pkgs":
			return "pkgs"
		}
	}
	for _, base := range []string{"https://conda.anaconda.org/", "http://conda.anaconda.org/", "https://repo.anaconda.com/", "https://repo.continuum.io/"} {
		if rest, ok := strings.CutPrefix(c, base); ok && rest != "" {
			return rest
		}
	}
	return c
}

func knownSubdir(s string) bool {
	switch s {
	case "noarch", "emscripten-wasm32", "wasi-wasm32", "freebsd-64", "linux-32", "linux-64", "linux-aarch64",
		"linux-armv6l", "linux-armv7l", "linux-ppc64", "linux-ppc64le", "linux-riscv64", "linux-s390x",
		"osx-64", "osx-arm64", "win-32", "win-64", "win-arm64", "zos-z":
		return true
	}
	return false
}

// ExactSpec returns the spec that pins a record exactly, as conda writes it
// for each package of an @EXPLICIT install (str(MatchSpec(rec.to_match_spec()))
// in conda/misc.py): "<channel>/<subdir>::<name>==<version>=<build>", e.g.
// "<unknown>/noarch::dependent==1.0=0" (observations §6.4). The channel is
// the name for a channel under conda's channel_alias
// (https://conda.anaconda.org/conda-forge → "conda-forge") and the channel
// URL without its subdir for any other URL (a file:// folder named pkgs
// included: unlike the history's dist strings, a MatchSpec keeps the URL).
func ExactSpec(r *Record) string {
	var b strings.Builder
	if ch := specChannel(r.Channel, r.Subdir); ch != "" {
		b.WriteString(ch)
		if r.Subdir != "" {
			b.WriteString("/" + r.Subdir)
		}
		b.WriteString("::")
	}
	b.WriteString(r.Name)
	if r.Version != "" {
		b.WriteString("==" + r.Version)
		if r.Build != "" {
			b.WriteString("=" + r.Build)
		}
	}
	return b.String()
}

// specChannel is the channel part of ExactSpec.
func specChannel(channel, subdir string) string {
	c := strings.TrimRight(channel, "/")
	if c == "" {
		return "<unknown>"
	}
	if !strings.Contains(c, "://") {
		return c
	}
	if i := strings.LastIndex(c, "/"); i >= 0 {
		last := c[i+1:]
		if last == subdir || knownSubdir(last) {
			c = c[:i]
		}
	}
	if u, err := url.Parse(c); err == nil && (u.Scheme == "http" || u.Scheme == "https") &&
		u.Host == "conda.anaconda.org" && strings.Trim(u.Path, "/") != "" {
		return strings.Trim(u.Path, "/")
	}
	return c
}

package prefix

import (
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strings"
)

// CanonicalChannel returns conda's canonical name of a record's channel
// (Channel(channel).canonical_name, as in history lines and `conda list`)
// for conda with no .condarc: "defaults" for a channel named pkgs/main or
// pkgs/r wherever it is served (Miniconda's own channels, a mirror's), and
// pkgs/msys2 on Windows; the name for one under conda.anaconda.org (its
// channel_alias) or under a built-in custom channel (pkgs/main,
// pkgs/r, pkgs/pro: a channel named "pkgs" matches them too); the URL
// without its subdir, credentials or token otherwise (its path unescaped,
// its host in lower case); a name that is no URL as conda names it. It
// follows conda 26.7's models/channel.py (_read_channel_configuration and
// canonical_name); the test checks it against that code run on the same
// URLs. A history written with other names makes conda's next command
// write every package of the env as removed and added again (audit BL 1).
func CanonicalChannel(channel, subdir string) string {
	return canonicalChannel(channel, runtime.GOOS == "windows")
}

// condaAlias is conda's default channel_alias (its location), and
// condaDefaultsHost the location of its built-in channels.
const (
	condaAlias        = "conda.anaconda.org"
	condaDefaultsHost = "repo.anaconda.com"
)

// condaDefaults are the channels conda's "defaults" multichannel holds
// (DEFAULT_CHANNELS_UNIX, or _WIN on Windows); condaCustom adds conda's
// built-in custom channels (DEFAULT_CUSTOM_CHANNELS), longest name first
// as conda tries them.
func condaDefaults(win bool) []string {
	if win {
		return []string{"pkgs/main", "pkgs/r", "pkgs/msys2"}
	}
	return []string{"pkgs/main", "pkgs/r"}
}

func condaCustom(win bool) []string {
	if win {
		return []string{"pkgs/msys2", "pkgs/main", "pkgs/pro", "pkgs/r"}
	}
	return []string{"pkgs/main", "pkgs/pro", "pkgs/r"}
}

func canonicalChannel(channel string, win bool) string {
	if !strings.Contains(channel, "://") {
		if slices.Contains(condaDefaults(win), strings.Trim(channel, "/")) {
			return "defaults"
		}
		return channel
	}
	// conda's split_conda_url_easy_parts: the first token and the first
	// subdir are cut out wherever they are
	s := channel
	if m := tokenRe.FindStringSubmatch(s); m != nil {
		s = strings.Replace(s, "/t/"+m[1], "", 1)
	}
	s = strings.TrimRight(s, "/")
	if m := subdirRe.FindStringSubmatch(s); m != nil {
		s = strings.Replace(s, "/"+m[1], "", 1)
	}
	scheme, rest, _ := strings.Cut(strings.TrimRight(s, "/"), "://") // conda keeps the scheme's case
	host, p := rest, ""
	if i := strings.Index(rest, "/"); i >= 0 {
		host, p = rest[:i], rest[i:]
	}
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:] // no credentials
	}
	host = strings.ToLower(host)
	if p = strings.TrimRight(p, "/"); p == "" {
		if host == condaAlias {
			return ""
		}
		return scheme + "://" + host
	}
	location, name := channelParts(host, p, win)
	if n, err := url.PathUnescape(name); err == nil {
		name = n // the name is unescaped, the location not
	}
	if slices.Contains(condaDefaults(win), name) {
		return "defaults"
	}
	for _, c := range condaCustom(win) {
		if name != "" && tokenPrefix(name, c) {
			return name
		}
	}
	if location == condaAlias {
		return name
	}
	return scheme + "://" + joinURL(location, name)
}

// tokenRe is conda's anaconda.org token in a URL; subdirRe its known
// subdirs (split_platform), in any case.
var (
	tokenRe  = regexp.MustCompile(`/t/([a-zA-Z0-9-]*)`)
	subdirRe = regexp.MustCompile(`(?i)/(` + strings.Join(knownSubdirs, "|") + `)(?:/|$)`)
)

// channelParts splits a channel's host and path (no subdir) into conda's
// location and name (_read_channel_configuration, steps 4 to 7).
func channelParts(host, p string, win bool) (location, name string) {
	test := host + p
	for _, c := range condaCustom(win) {
		that := condaDefaultsHost + "/" + c
		if tokenPrefix(test, that) {
			sub := strings.Trim(strings.Replace(test, that, "", 1), "/")
			return condaDefaultsHost, joinURL(c, sub)
		}
	}
	if tokenPrefix(test, condaAlias) {
		return condaAlias, strings.Trim(strings.Replace(test, condaAlias, "", 1), "/")
	}
	if host == "" { // file:///…: the last folder is the name
		i := strings.LastIndex(test, "/")
		location, name = test[:i], test[i+1:]
		if location == "" {
			location = "/"
		}
		return location, name
	}
	location = host
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if parts[0] == "conda" { // Anaconda Enterprise's /conda, kept in the location
		location, parts = host+"/conda", parts[1:]
	}
	return location, strings.Join(parts, "/")
}

// tokenPrefix is conda's tokenized_startswith on "/"-split paths: every
// pair of the two lists' common length is equal.
func tokenPrefix(s, prefix string) bool {
	a, b := strings.Split(s, "/"), strings.Split(prefix, "/")
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// joinURL is conda's join_url: the parts without their slashes, joined by
// one, led by a slash when the first part was.
func joinURL(parts ...string) string {
	var kept []string
	for _, x := range parts {
		if y := strings.Trim(x, "/"); y != "" {
			kept = append(kept, y)
		}
	}
	s := strings.Join(kept, "/")
	if len(parts) > 0 && (parts[0] == "" || strings.HasPrefix(parts[0], "/")) {
		s = "/" + s
	}
	return s
}

// knownSubdirs are conda's (context.known_subdirs).
var knownSubdirs = []string{"noarch", "emscripten-wasm32", "wasi-wasm32", "freebsd-64", "linux-32", "linux-64",
	"linux-aarch64", "linux-armv6l", "linux-armv7l", "linux-ppc64", "linux-ppc64le", "linux-riscv64", "linux-s390x",
	"osx-64", "osx-arm64", "win-32", "win-64", "win-arm64", "zos-z"}

func knownSubdir(s string) bool { return slices.Contains(knownSubdirs, s) }

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

package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"onboard/internal/capread"
)

// LockEntry is one package line of an @EXPLICIT lock file.
type LockEntry struct {
	Line   int    // 1-based line number in the lock file
	Raw    string // the line as written, trimmed
	URL    string // the URL, or a file:// URL for a plain path
	Fn     string // the archive file name
	MD5    string // from "#<32 hex>"; "" when not given
	SHA256 string // from "#<64 hex>" or "#sha256:<64 hex>"; "" when not given
	Subdir string // the URL's parent folder when it looks like a subdir ("linux-64", "noarch"); else ""
}

// Lock is a parsed @EXPLICIT lock file (conda list --explicit, conda-lock).
type Lock struct {
	Path     string // as given
	Platform string // from "# platform: <subdir>"; "" when absent
	Entries  []LockEntry
}

// LockError names the lock line that a build problem comes from.
type LockError struct {
	File string
	Line int
	Fn   string // the package file; "" when the line has none
	Err  error
}

func (e *LockError) Error() string {
	s := fmt.Sprintf("%s:%d: ", e.File, e.Line)
	if e.Fn != "" {
		s += e.Fn + ": "
	}
	return s + e.Err.Error()
}

func (e *LockError) Unwrap() error { return e.Err }

// Hint says what to do about the line, unless the error under it knows
// better (a download that failed).
func (e *LockError) Hint() string {
	for err := e.Err; err != nil; err = errors.Unwrap(err) {
		if h, ok := err.(interface{ Hint() string }); ok && h.Hint() != "" {
			return h.Hint()
		}
	}
	return fmt.Sprintf("change line %d of %s (another build of the package, or none) and build again", e.Line, e.File)
}

// explicitRE is conda's _get_url_pattern (conda-install-spec §8.1).
var explicitRE = regexp.MustCompile(`^(?:(?P<url_p>.+)(?:[/\\]))?(?P<fn>[^/\\#]+(?:\.conda|\.tar\.bz2))(?:#((?P<md5>[0-9a-f]{32})|((sha256:)?(?P<sha256>[0-9a-f]{64}))))?$`)

var lockSubdirRE = regexp.MustCompile(`^(noarch|[a-z0-9_]+-[a-z0-9_]+)$`)

// ParseLockFile reads and parses an @EXPLICIT lock file. Plain paths in it
// are taken relative to the lock file's folder.
func ParseLockFile(file string) (*Lock, error) {
	data, err := readCapped(file, MaxLockFile)
	if err != nil {
		return nil, fmt.Errorf("failed to read lock file: %w", err)
	}
	return ParseLock(file, data)
}

// Caps on the files 'bundle build' reads; far above any real one.
const (
	MaxLockFile = 64 << 20 // an @EXPLICIT lock (a real one is a few hundred kilobytes)
	MaxSpecFile = 4 << 20  // the TOML build spec
)

// readCapped reads a whole file of at most max bytes.
func readCapped(file string, max int64) ([]byte, error) {
	data, err := capread.ReadFile(file, max)
	var tl *capread.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%q is larger than %d bytes, far more than such a file holds; is it the right file?", file, max)
	}
	return data, err
}

// ParseLock parses the @EXPLICIT lock data read from file: blank lines and
// "#" comments are skipped, every line after @EXPLICIT is a package URL or
// path, optionally followed by #md5, #sha256 or #sha256:<hex>.
func ParseLock(file string, data []byte) (*Lock, error) {
	l := &Lock{Path: file}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	explicit := false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			if p, ok := strings.CutPrefix(line, "# platform:"); ok {
				l.Platform = strings.TrimSpace(p)
			}
		case line == "@EXPLICIT":
			explicit = true
		case !explicit:
			return nil, &LockError{File: file, Line: n, Err: fmt.Errorf("%q comes before the @EXPLICIT line; only explicit locks (conda list --explicit --sha256, conda-lock --kind explicit) are supported", line)}
		default:
			e, err := parseLockLine(file, line)
			if err != nil {
				return nil, &LockError{File: file, Line: n, Err: err}
			}
			e.Line = n
			l.Entries = append(l.Entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("failed to read lock file %q: %w", file, err)
	}
	if !explicit {
		return nil, fmt.Errorf("lock file %q has no @EXPLICIT line; write it with 'conda list --explicit --sha256'", file)
	}
	return l, nil
}

func parseLockLine(file, line string) (LockEntry, error) {
	m := explicitRE.FindStringSubmatch(line)
	if m == nil {
		return LockEntry{}, fmt.Errorf("%q is not a package URL (want .../<name>-<version>-<build>.conda or .tar.bz2, optionally #md5 or #sha256)", line)
	}
	get := func(name string) string { return m[explicitRE.SubexpIndex(name)] }
	e := LockEntry{Raw: line, Fn: get("fn"), MD5: get("md5"), SHA256: get("sha256")}
	loc, _, _ := strings.Cut(line, "#")
	if !strings.Contains(loc, "://") {
		p := loc
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(file), p)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return LockEntry{}, err
		}
		loc = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	}
	e.URL = loc
	if u, err := url.Parse(loc); err == nil {
		if d := path.Base(path.Dir(u.Path)); lockSubdirRE.MatchString(d) {
			e.Subdir = d
		}
	}
	return e, nil
}

package pkg

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"onboard/internal/capread"
	"onboard/internal/humanize"
)

// Error refuses a package whose content disagrees with its own manifest
// or exceeds a bound: a member larger than the size info/paths.json
// records for it (a decompression bomb), a member whose sha256 is not the
// recorded one, a package that inflates past a multiple of its archive
// (counting each member's header and every repeat of a member), or a
// metadata file larger than its cap. Nothing of the package is kept.
type Error struct {
	Archive string // the package
	Member  string // the member or metadata file
	What    string // "size", "sha256", "total size", "recorded size", "metadata size" or "messages size"
	Want    string // the recorded size or hash, or the cap
	Got     string // what was found (for sizes: at least this much)
	Reason  string // for "recorded size": where the limit comes from
}

// Error names the package, the member and both values, and says what to do.
func (e *Error) Error() string {
	switch e.What {
	case "sha256":
		return fmt.Sprintf("package %q is corrupt: %s has sha256 %s but its info/paths.json records %s; the package does not match its own manifest",
			e.Archive, humanize.Excerpt(e.Member, 300), e.Got, e.Want)
	case "metadata size":
		return fmt.Sprintf("package %q is refused: its %s is larger than %s bytes (the cap for that file); no real package has one that big",
			e.Archive, humanize.Excerpt(e.Member, 300), e.Want)
	case "messages size":
		return fmt.Sprintf("package %q is refused: its %s holds more than %s bytes of messages, onboard's cap (conda shows them all before it installs the package; a licence notice is far shorter)",
			e.Archive, humanize.Excerpt(e.Member, 300), e.Want)
	case "recorded size":
		return fmt.Sprintf("package %q is refused: its %s records %s bytes of files, more than %s (%s); a decompression bomb or a corrupt package: rebuild the bundle from packages you trust",
			e.Archive, humanize.Excerpt(e.Member, 300), e.Got, e.Want, e.Reason)
	case "total size":
		return fmt.Sprintf("package %q is refused: %s would take its unpacked size past %s bytes, far more than its archive can hold honestly (a decompression bomb?)",
			e.Archive, humanize.Excerpt(e.Member, 300), e.Want)
	}
	why := "a decompression bomb or a corrupt package"
	if got, gerr := strconv.ParseInt(e.Got, 10, 64); gerr == nil {
		if want, werr := strconv.ParseInt(e.Want, 10, 64); werr == nil && got < want {
			why = "a corrupt package, or one changed after it was built"
		}
	}
	return fmt.Sprintf("package %q is refused: %s unpacks to %s bytes but its info/paths.json records %s (%s)",
		e.Archive, humanize.Excerpt(e.Member, 300), e.Got, e.Want, why)
}

// Caps on the metadata files onboard reads from a package. They are far
// above any real package (conda's largest paths.json files are a few tens
// of megabytes for 100,000 files) and keep a padded file from filling the
// memory or the disk. paths.json is decoded as a stream.
const (
	MaxPathsJSON      = 512 << 20 // info/paths.json
	MaxIndexJSON      = 1 << 20   // info/index.json, info/repodata_record.json
	MaxLinkJSON       = 4 << 20   // info/link.json, info/package_metadata.json
	MaxInfoListFile   = 64 << 20  // info/files, info/has_prefix, info/no_link
	MaxRecordJSON     = 4 << 20   // info/repodata_record.json
	unsizedBudgetBase = 64 << 20  // bytes any package may unpack beyond its recorded sizes (headers, repeats)…
	unsizedBudgetMult = 100       // …plus this many times its archive size
)

// sizedRatio bounds what a package's paths.json may record, against its
// archive's size, when the bundle does not say how much it unpacks to.
// Real packages unpack to a few times their archive (tens of times for
// text); a bomb to thousands of times: 270 KB of zstd held 8 GiB of zeros.
const sizedRatio = 1000

// SizedLimit is the most a package whose archive is archiveSize bytes may
// record in its paths.json as files: what the bundle's manifest says it
// unpacks to (unpacked, from paths.json itself when the bundle was built;
// the disk-space check counted that), else Budget's base plus sizedRatio
// times the archive. Each file is then bounded by its recorded size as it
// is written, so a package cannot write more than this.
func SizedLimit(archiveSize, unpacked int64) (limit int64, why string) {
	if unpacked > 0 {
		return unpacked, "what the bundle's manifest says it unpacks to"
	}
	return unsizedBudgetBase + sizedRatio*archiveSize, fmt.Sprintf("64 MiB plus %d times its archive's %d bytes, more than a real package holds", sizedRatio, archiveSize)
}

// recordedSize is the bytes of files p records, counted as bundle build
// counts them (UnpackedSize): every sized entry but symlinks.
func recordedSize(p *Paths) int64 {
	var n int64
	for _, e := range p.Paths {
		if e.SizeInBytes != nil && e.PathType != PathSoftlink && *e.SizeInBytes > 0 {
			n += *e.SizeInBytes
		}
	}
	return n
}

// Budget is what a package whose archive is archiveSize bytes may unpack
// to beyond the sizes its paths.json records: its headers, folders, entry
// points, unsized files and, at link time, what its placeholders'
// replacement adds.
func Budget(archiveSize int64) int64 { return unsizedBudgetBase + unsizedBudgetMult*archiveSize }

// metaCap returns the cap of an info/ file onboard reads, or 0.
func metaCap(rel string) int64 {
	// every name here is in metaFiles
	switch rel {
	case "info/paths.json":
		return MaxPathsJSON
	case "info/index.json":
		return MaxIndexJSON
	case "info/repodata_record.json":
		return MaxRecordJSON
	case "info/link.json", "info/package_metadata.json":
		return MaxLinkJSON
	case "info/files", "info/has_prefix", "info/no_link":
		return MaxInfoListFile
	}
	return 0
}

// metaFiles are the metadata files metaCap caps.
var metaFiles = []string{"info/paths.json", "info/index.json", "info/repodata_record.json", "info/link.json",
	"info/package_metadata.json", "info/files", "info/has_prefix", "info/no_link"}

// readCapped reads a whole file of at most max bytes; a larger one is an
// *Error naming archive and member.
func readCapped(p string, max int64, archive, member string) ([]byte, error) {
	b, err := capread.ReadFile(p, max)
	var tl *capread.TooLargeError
	if errors.As(err, &tl) {
		return nil, &Error{Archive: archive, Member: member, What: "metadata size", Want: strconv.FormatInt(max, 10), Got: "more than that"}
	}
	return b, err
}

// fileExpect is what paths.json records for one regular file.
type fileExpect struct {
	size   int64 // -1: not recorded
	sha    [32]byte
	hasSHA bool
	entry  int // its index in paths
}

// expectations maps each regular-file entry of paths to its recorded size
// and sha256. Softlink entries are left out: a package may hold a regular
// stand-in file there (observations G1) whose size is the target's.
func expectations(p *Paths) map[string]fileExpect {
	m := make(map[string]fileExpect, len(p.Paths))
	for i, e := range p.Paths {
		if e.PathType != PathHardlink && e.PathType != "" {
			continue
		}
		fe := fileExpect{size: -1, entry: i}
		if e.SizeInBytes != nil {
			fe.size = *e.SizeInBytes
		}
		if len(e.SHA256) == 64 {
			if b, err := hex.DecodeString(e.SHA256); err == nil {
				copy(fe.sha[:], b)
				fe.hasSHA = true
			}
		}
		m[e.Path] = fe
	}
	return m
}

// pathEntryCost is the least a paths.json entry costs the package-wide
// budget: a file or symlink entry must come with a member (whose header
// costs at least this), and a directory entry is a new folder (dirCost).
// A paths.json of more entries than the budget left pays for is refused
// while it is decoded, before its entries fill the memory.
const pathEntryCost = 512

// errTooManyPaths is decodePaths' error past maxEntries.
var errTooManyPaths = errors.New("more entries than the package can pay for")

// decodePaths decodes paths.json from r as a stream: entry by entry, so
// that a huge file costs the entries, not a copy of its text as well.
// More than maxEntries entries (when >= 0) is errTooManyPaths.
func decodePaths(r io.Reader, maxEntries int) (*Paths, error) {
	dec := json.NewDecoder(&jsonGuard{r: &utf8Reader{r: r}})
	p := &Paths{}
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	seenPaths := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		switch { // keys match as encoding/json matches them: case-folded
		case strings.EqualFold(key, "paths"):
			if seenPaths {
				return nil, errors.New(`"paths" given twice`)
			}
			seenPaths = true
			if err := expectDelim(dec, '['); err != nil {
				return nil, err
			}
			for dec.More() {
				if maxEntries >= 0 && len(p.Paths) >= maxEntries {
					return nil, errTooManyPaths
				}
				var e PathEntry
				if err := dec.Decode(&e); err != nil {
					return nil, err
				}
				p.Paths = append(p.Paths, e)
			}
			if err := expectDelim(dec, ']'); err != nil {
				return nil, err
			}
		case strings.EqualFold(key, "paths_version"):
			if err := dec.Decode(&p.Version); err != nil {
				return nil, err
			}
		default:
			if err := SkipJSONValue(dec); err != nil {
				return nil, err
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the top-level object")
	}
	return p, nil
}

// SkipJSONValue reads the next value token by token: a key paths.json (or
// a conda-meta record) does not need, whose value (an array of millions of
// numbers) decoded whole would be held whole.
func SkipJSONValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// The most a paths.json may hold in one entry of "paths", or in one
// string anywhere, and how deep its values may nest. A real entry is a
// path, a hash and a few numbers, well under a kilobyte; the decoder holds
// a value whole while it reads it, and a 3 MB package's one string of
// 300 MB took the install to 0.8 GB and bundle build to 2.1 GB (audit P).
const (
	maxPathsValue = 1 << 20
	maxPathsDepth = 32
)

// errPathsValue refuses a paths.json past maxPathsValue or maxPathsDepth.
var errPathsValue = fmt.Errorf("a value of more than %d bytes, or nested more than %d deep, which no real paths.json has", maxPathsValue, maxPathsDepth)

// jsonGuard reads a paths.json for its decoder and refuses, as it goes,
// a string or an entry of "paths" (the values nested two deep in its
// object) longer than maxPathsValue, and values nested deeper than
// maxPathsDepth.
type jsonGuard struct {
	r          io.Reader
	depth      int
	inStr, esc bool
	run        int64 // bytes of the value being read
	err        error
}

func (g *jsonGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case g.inStr:
			g.run++
			switch {
			case g.esc:
				g.esc = false
			case c == '\\':
				g.esc = true
			case c == '"':
				g.inStr = false
			}
		case c == '"':
			g.inStr = true
			if g.depth < 3 {
				g.run = 0
			}
		case c == '{' || c == '[':
			if g.depth++; g.depth > maxPathsDepth {
				g.err = errPathsValue
			}
		case c == '}' || c == ']':
			g.depth--
		}
		if !g.inStr {
			if g.depth >= 3 {
				g.run++
			} else if c != '"' {
				g.run = 0
			}
		}
		if g.err != nil || g.run > maxPathsValue {
			g.err = errPathsValue
			return i, g.err
		}
	}
	return n, err
}

// errNotUTF8 is a metadata file's bytes that are not UTF-8: conda reads
// them as UTF-8 and fails (UnicodeDecodeError), where Go's JSON decoder
// takes each bad byte for U+FFFD, and a name of such bytes was made and
// recorded as another (audit AR 2).
var errNotUTF8 = errors.New("its text is not UTF-8, which conda reads it as")

// utf8Reader passes r's bytes on, and fails with errNotUTF8 at a read
// that holds bytes that are not UTF-8 (a sequence cut by the end of a read
// is checked whole with the next).
type utf8Reader struct {
	r    io.Reader
	tail []byte // the start of a sequence the last read ended in
	buf  []byte
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	u.buf = append(append(u.buf[:0], u.tail...), p[:n]...)
	cut := len(u.buf)
	for i := len(u.buf) - 1; i >= 0 && i >= len(u.buf)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(u.buf[i]) {
			if !utf8.FullRune(u.buf[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(u.buf[:cut]) || err != nil && cut < len(u.buf) {
		return 0, errNotUTF8
	}
	u.tail = append(u.tail[:0], u.buf[cut:]...)
	return n, err
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if got, ok := t.(json.Delim); !ok || got != d {
		return fmt.Errorf("want %q, found %v", d, t)
	}
	return nil
}

// pathsReader opens an info/paths.json for decodePaths, capped.
type pathsSource interface {
	openPaths() (io.ReadCloser, int64, error) // fs.ErrNotExist when absent
}

func (d dirSource) openPaths() (io.ReadCloser, int64, error) {
	f, err := os.Open(string(d) + string(os.PathSeparator) + "info" + string(os.PathSeparator) + "paths.json")
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func (m *memSource) openPaths() (io.ReadCloser, int64, error) {
	b, ok := m.files["info/paths.json"]
	if !ok {
		return nil, 0, fs.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
}

package maintain

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/prefix"
	"onboard/installer/state"
)

// Verify reads each conda-meta record twice, and never whole: first
// skimRecord walks it once to check it and keep its head (every key but
// files and paths_data, decoded by prefix.DecodeRecord, so the same rules
// apply as everywhere else) and where its two lists start; then entries
// reads the lists again, one entry at a time, and hands each path to
// check to the hashing workers. What verify holds per record is its head,
// never its paths (issue #19).

// recInfo is what verify keeps of one readable conda-meta record.
type recInfo struct {
	env      *envScan
	file     string          // the record's file name in conda-meta/
	path     string          // the record file
	head     *prefix.Record  // without files and paths_data
	noarchPy bool            // paths_data may hold package-relative paths (observations G8)
	pkgDir   string          // the extracted package folder; "" when gone
	execs    map[string]bool // the paths the install made executable (state.Executables)
	files    jsonList
	paths    jsonList
	sameSeq  bool   // files and the _path of paths_data are the same list
	bytes    int64  // recorded sizes of the files checked by size, for progress
	broken   string // the record could not be read again (changed meanwhile)
	// failures counts this record's paths that failed their check;
	// beyond maxFailures they are only counted (verify_scan.go).
	failures int
}

func (r *recInfo) dist() string { return r.head.Dist() }

// jsonList is where a JSON array of a record starts ('[') and its length;
// off is -1 when the key is absent or null.
type jsonList struct {
	off int64
	n   int
}

// recordBufSize is the read buffer of one record scan.
const recordBufSize = 64 << 10

// seqSeed seeds the hashes that tell whether files and paths_data list the
// same paths in the same order.
var seqSeed = maphash.MakeSeed()

// pathEntry is one paths_data entry as verify reads it; the byte slices
// are reused from entry to entry.
type pathEntry struct {
	path    []byte // _path
	kind    string // path_type
	ph      bool   // a prefix placeholder is recorded
	sha     []byte // sha256, hex
	sip     []byte // sha256_in_prefix, hex
	size    int64
	hasSize bool
	tmp     []byte
}

// The keys of a paths_data entry verify reads; encoding/json, which
// prefix.DecodeRecord uses, matches keys without regard to case, and so
// does entryField.
const (
	fieldOther = iota
	fieldPath
	fieldPlaceholder
	fieldFileMode
	fieldNoLink
	fieldPathType
	fieldSHA
	fieldSize
	fieldSHAInPrefix
)

var entryFields = []string{"", "_path", "prefix_placeholder", "file_mode", "no_link", "path_type", "sha256", "size_in_bytes", "sha256_in_prefix"}

func entryField(key []byte) int {
	switch string(key) {
	case "_path":
		return fieldPath
	case "prefix_placeholder":
		return fieldPlaceholder
	case "file_mode":
		return fieldFileMode
	case "no_link":
		return fieldNoLink
	case "path_type":
		return fieldPathType
	case "sha256":
		return fieldSHA
	case "size_in_bytes":
		return fieldSize
	case "sha256_in_prefix":
		return fieldSHAInPrefix
	}
	for i, n := range entryFields[1:] {
		if strings.EqualFold(string(key), n) {
			return i + 1
		}
	}
	return fieldOther
}

// internKind returns the path_type without allocating for the known ones.
func internKind(b []byte) string {
	switch string(b) {
	case "hardlink":
		return "hardlink"
	case "softlink":
		return "softlink"
	case "directory":
		return "directory"
	case "pyc_file":
		return "pyc_file"
	case "unix_python_entry_point":
		return "unix_python_entry_point"
	case "windows_python_entry_point_script":
		return "windows_python_entry_point_script"
	case "windows_python_entry_point_exe":
		return "windows_python_entry_point_exe"
	case "":
		return ""
	}
	return string(b)
}

// entry reads one element of paths_data.paths (an object, or null: an
// empty entry, as encoding/json leaves it) into e, type-checking the keys
// verify reads as prefix.DecodeRecord would.
func (s *jsonScan) entry(e *pathEntry) error {
	e.path, e.sha, e.sip = e.path[:0], e.sha[:0], e.sip[:0]
	e.kind, e.ph, e.size, e.hasSize = "", false, 0, false
	return s.object("paths_data.paths", func() (err error) {
		switch entryField(s.key) {
		case fieldPath:
			e.path, _, err = s.strOrNull(e.path[:0], "_path")
		case fieldPlaceholder:
			e.tmp, _, err = s.strOrNull(e.tmp[:0], "prefix_placeholder")
			e.ph = len(e.tmp) > 0
		case fieldFileMode:
			e.tmp, _, err = s.strOrNull(e.tmp[:0], "file_mode")
		case fieldNoLink:
			_, err = s.boolOrNull("no_link")
		case fieldPathType:
			e.tmp, _, err = s.strOrNull(e.tmp[:0], "path_type")
			e.kind = internKind(e.tmp)
		case fieldSHA:
			e.sha, _, err = s.strOrNull(e.sha[:0], "sha256")
		case fieldSize:
			e.size, e.hasSize, err = s.intOrNull("size_in_bytes")
		case fieldSHAInPrefix:
			e.sip, _, err = s.strOrNull(e.sip[:0], "sha256_in_prefix")
		default:
			err = s.skip()
		}
		return err
	})
}

// object reads a JSON object, or null (nothing), at s, calling field for
// each key (in s.key) with the scanner at its value; anything else is an
// error naming what.
func (s *jsonScan) object(what string, field func() error) error {
	c, err := s.ws()
	if err != nil {
		return err
	}
	if c == 'n' {
		_, err := s.lit()
		return err
	}
	if c != '{' {
		if err := s.skip(); err != nil {
			return err
		}
		return s.errorf("%s: want an object", what)
	}
	if err := s.enter('{'); err != nil {
		return err
	}
	first := true
	for {
		more, err := s.objNext(&first, true)
		if err != nil {
			return err
		}
		if !more {
			s.depth--
			return nil
		}
		if err := field(); err != nil {
			return err
		}
	}
}

// sizeForProgress is the size verify checks a file by, if any: the
// recorded size, meaningless after a prefix rewrite.
func (e *pathEntry) sizeForProgress() int64 {
	if e.hasSize && !e.ph && e.size > 0 {
		return e.size
	}
	return 0
}

func writeSeq(h *maphash.Hash, b []byte) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// skimRecord reads a record file once, to check it and keep its head and
// the place of its lists, under the one policy of state.ReadRecord:
// invalid JSON or UTF-8 and a value of the wrong type make it a corrupt
// *state.BadRecord, a file name that is not name-version-build.json a
// misnamed one. A file gone since it was listed is a plain error.
func skimRecord(path string, buf []byte) (*recInfo, error) {
	name := filepath.Base(path)
	bad := func(reason string) (*recInfo, error) {
		return nil, &state.BadRecord{File: name, Reason: reason}
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("failed to read the record %q: %w", path, err)
	}
	if err != nil {
		return bad(err.Error())
	}
	defer f.Close()
	rec := &recInfo{file: name, path: path, files: jsonList{off: -1}, paths: jsonList{off: -1}}
	head, fileSeq, pathSeq, err := rec.skim(newJSONScan(f, 0, buf))
	if errors.Is(err, errNotUTF8) {
		return bad("not UTF-8")
	}
	if err != nil {
		return bad("invalid record: " + err.Error())
	}
	r, err := prefix.DecodeRecord(head)
	if err != nil {
		return bad("invalid record: " + err.Error())
	}
	rec.head = r
	rec.noarchPy = r.PackageType == "noarch_python" || r.Noarch == "python"
	rec.sameSeq = rec.files.n == rec.paths.n && fileSeq == pathSeq
	if want := r.FileName(); name != want {
		return nil, &state.BadRecord{File: name, Misnamed: true, Reason: fmt.Sprintf("the file name should be %q", want)}
	}
	return rec, nil
}

// skim walks the record's object: the lists are checked and measured, the
// other keys copied into head, a JSON object for prefix.DecodeRecord.
func (rec *recInfo) skim(s *jsonScan) (head []byte, fileSeq, pathSeq uint64, err error) {
	head = append(make([]byte, 0, 2048), '{')
	var fh, ph maphash.Hash
	fh.SetSeed(seqSeed)
	ph.SetSeed(seqSeed)
	if err := s.enter('{'); err != nil {
		return nil, 0, 0, err
	}
	first := true
	var tmp []byte
	var e pathEntry
	for {
		more, err := s.objNext(&first, true)
		if err != nil {
			return nil, 0, 0, err
		}
		if !more {
			break
		}
		switch {
		case strings.EqualFold(string(s.key), "files"):
			fh.Reset()
			rec.files = jsonList{off: -1}
			err = s.list(&rec.files, "files", func() error {
				c, err := s.ws()
				if err != nil {
					return err
				}
				if c != '"' && c != 'n' {
					if err := s.skip(); err != nil {
						return err
					}
					return s.errorf("files: want a string")
				}
				tmp, _, err = s.strOrNull(tmp[:0], "files")
				writeSeq(&fh, tmp)
				return err
			})
		case strings.EqualFold(string(s.key), "paths_data"):
			ph.Reset()
			err = rec.skimPathsData(s, &ph, &e)
		default:
			k, _ := json.Marshal(string(s.key))
			if len(head) > 1 {
				head = append(head, ',')
			}
			head = append(append(head, k...), ':')
			var raw []byte
			raw, err = s.captured()
			head = append(head, raw...)
		}
		if err != nil {
			return nil, 0, 0, err
		}
	}
	s.depth--
	if err := s.end(); err != nil {
		return nil, 0, 0, err
	}
	return append(head, '}'), fh.Sum64(), ph.Sum64(), nil
}

// list reads null or an array, calling elem for each element, and records
// where it starts and its length in l.
func (s *jsonScan) list(l *jsonList, what string, elem func() error) error {
	c, err := s.ws()
	if err != nil {
		return err
	}
	*l = jsonList{off: -1}
	switch c {
	case 'n':
		_, err := s.lit()
		return err
	case '[':
	default:
		if err := s.skip(); err != nil {
			return err
		}
		return s.errorf("%s: want a list", what)
	}
	l.off = s.offset()
	if err := s.enter('['); err != nil {
		return err
	}
	first := true
	for {
		more, err := s.arrNext(&first)
		if err != nil {
			return err
		}
		if !more {
			s.depth--
			return nil
		}
		if err := elem(); err != nil {
			return err
		}
		l.n++
	}
}

// skimPathsData reads paths_data: null, or {"paths_version": N, "paths": [...]}.
func (rec *recInfo) skimPathsData(s *jsonScan, ph *maphash.Hash, e *pathEntry) error {
	rec.paths, rec.bytes = jsonList{off: -1}, 0
	return s.object("paths_data", func() (err error) {
		switch {
		case strings.EqualFold(string(s.key), "paths_version"):
			_, _, err = s.intOrNull("paths_version")
		case strings.EqualFold(string(s.key), "paths"):
			ph.Reset()
			rec.bytes = 0
			err = s.list(&rec.paths, "paths_data.paths", func() error {
				if err := s.entry(e); err != nil {
					return err
				}
				writeSeq(ph, e.path)
				rec.bytes += e.sizeForProgress()
				return nil
			})
		default:
			err = s.skip()
		}
		return err
	})
}

// listAt opens a scanner at the list l of the record file f and enters it.
func listAt(f *os.File, l jsonList, buf []byte) (*jsonScan, error) {
	s := newJSONScan(io.NewSectionReader(f, l.off, 1<<62), l.off, buf)
	return s, s.enter('[')
}

// entries reads the record's lists again and calls emit with each path
// to check, paired as realPathFunc pairs them: for a noarch: python
// record whose lists are as long as each other, files[i] is where
// paths_data[i] is on disk. A record whose lists do not pair so simply
// (written by something else) is read whole, the old way.
func (v *verifier) entries(rec *recInfo, bufs *[2][]byte, emit func(c *check)) error {
	emit = insideOnly(emit)
	switch {
	case rec.paths.n == 0 && rec.files.n == 0:
		return nil
	case rec.paths.n == 0:
		return v.streamFilesOnly(rec, bufs, emit)
	case rec.files.n == 0:
		return v.streamPaths(rec, bufs, false, emit) // nothing to pair: the paths are the env's
	case rec.noarchPy && rec.files.n == rec.paths.n:
		return v.streamPaths(rec, bufs, true, emit)
	case !rec.noarchPy && rec.sameSeq:
		return v.streamPaths(rec, bufs, false, emit) // files adds no path of its own
	}
	return v.wholeRecord(rec, emit)
}

// insideOnly passes on to emit the checks of paths inside the env.
// Something else may have written a record: a path that leaves the env
// (../x, /etc/x) is never read, nor repaired from a package path that
// leaves the package folder.
func insideOnly(emit func(c *check)) func(c *check) {
	return func(c *check) {
		if filepath.IsLocal(filepath.FromSlash(c.rel)) && (c.pkgRel == "" || filepath.IsLocal(filepath.FromSlash(c.pkgRel))) {
			emit(c)
		}
	}
}

// errStopped ends the reading of a record when the check is cancelled.
var errStopped = errors.New("stopped")

// stopped tells whether the check was cancelled (or failed): the
// reading stops too.
func (v *verifier) stopped() bool { return v.ctx != nil && v.ctx.Err() != nil }

// streamPaths emits a check per paths_data entry; with paired, the path on
// disk is files[i].
func (v *verifier) streamPaths(rec *recInfo, bufs *[2][]byte, paired bool, emit func(c *check)) error {
	f, err := os.Open(rec.path)
	if err != nil {
		return err
	}
	defer f.Close()
	ps, err := listAt(f, rec.paths, bufs[0])
	if err != nil {
		return err
	}
	var fs *jsonScan
	firstF := true
	if paired {
		if fs, err = listAt(f, rec.files, bufs[1]); err != nil {
			return err
		}
	}
	var e pathEntry
	var real []byte
	first := true
	for i := 0; ; i++ {
		if i%1024 == 0 && v.stopped() {
			return errStopped
		}
		more, err := ps.arrNext(&first)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		if err := ps.entry(&e); err != nil {
			return err
		}
		rel := string(e.path)
		pkgRel := ""
		if paired {
			if more, err := fs.arrNext(&firstF); err != nil || !more {
				return fmt.Errorf("the files list ended early (%v)", err)
			}
			if real, _, err = fs.strOrNull(real[:0], "files"); err != nil {
				return err
			}
			if string(real) != rel {
				pkgRel = rel
				rel = string(real)
			}
		}
		c := v.newCheck(rec, rel, pkgRel, e.kind, e.ph, e.hasSize, e.size, e.sha, e.sip)
		emit(&c)
	}
}

// streamFilesOnly emits a presence check per files entry of a record
// without paths_data (not .pyc or .pyo: conda lists them even when none
// was compiled).
func (v *verifier) streamFilesOnly(rec *recInfo, bufs *[2][]byte, emit func(c *check)) error {
	f, err := os.Open(rec.path)
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := listAt(f, rec.files, bufs[0])
	if err != nil {
		return err
	}
	var b []byte
	first := true
	for i := 0; ; i++ {
		if i%1024 == 0 && v.stopped() {
			return errStopped
		}
		more, err := s.arrNext(&first)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		if b, _, err = s.strOrNull(b[:0], "files"); err != nil {
			return err
		}
		if rel := string(b); !strings.HasSuffix(rel, ".pyc") && !strings.HasSuffix(rel, ".pyo") {
			c := check{rec: rec, rel: rel, size: -1, filesOnly: true}
			emit(&c)
		}
	}
}

// wholeRecord decodes the record at once and pairs its lists by the text
// of the paths (realPathFunc), as verify always did.
func (v *verifier) wholeRecord(rec *recInfo, emit func(c *check)) error {
	emit = insideOnly(emit)
	v.wholeRecords++
	whole, err := state.ReadRecord(rec.path)
	if err != nil {
		return err
	}
	r := &metaRecord{Record: whole, file: rec.file}
	realPath := realPathFunc(r)
	covered := map[string]bool{}
	for _, p := range r.PathsData.Paths {
		rel := realPath(p.Path)
		covered[rel] = true
		pkgRel := ""
		if rel != p.Path {
			pkgRel = p.Path
		}
		var size int64
		if p.SizeInBytes != nil {
			size = *p.SizeInBytes
		}
		c := v.newCheck(rec, rel, pkgRel, string(p.PathType), p.PrefixPlaceholder != "", p.SizeInBytes != nil, size,
			[]byte(p.SHA256), []byte(p.SHA256InPrefix))
		emit(&c)
	}
	for _, f := range r.Files {
		if covered[f] || strings.HasSuffix(f, ".pyc") || strings.HasSuffix(f, ".pyo") {
			continue
		}
		c := check{rec: rec, rel: f, size: -1, filesOnly: true}
		emit(&c)
	}
	return nil
}

// newCheck turns a paths_data entry into what the path on disk must be.
func (v *verifier) newCheck(rec *recInfo, rel, pkgRel, kind string, ph, hasSize bool, size int64, sha, sip []byte) check {
	c := check{rec: rec, rel: rel, kind: kind, size: -1, wantExec: rec.execs[rel]}
	if rec.pkgDir != "" {
		c.pkgRel = pkgRel
	}
	if hasSize && !ph {
		c.size = size // the original size: meaningless after a prefix rewrite
	}
	want := sip
	if len(want) == 0 && !ph {
		want = sha
	}
	switch {
	case len(want) == 0:
	case len(want) == 64:
		if _, err := hex.Decode(c.sha[:], want); err == nil {
			c.hasSHA = true
			break
		}
		c.badSHA = string(want)
	default:
		c.badSHA = string(want)
	}
	return c
}

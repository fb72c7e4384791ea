package pkg

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"

	"onboard/internal/humanize"
	"onboard/internal/pathfold"
)

// untar extracts tar streams into root, a fresh folder of its own, and
// refuses any member that would land, or point, outside it. Only untar
// writes under root, so its maps are the truth about what is there.
type untar struct {
	// payloadOnly: the stream is a .conda's pkg component, which may hold
	// nothing under info/.
	payloadOnly bool
	archive     string
	root        string
	dirs        map[string]bool    // directories made
	counted     map[string]bool    // folders the package makes, charged (dirCost)
	files       map[string]bool    // regular files there now (hardlink targets)
	sums        map[string]fileSum // hardlink targets hashed for their links
	links       map[string]string  // symlinks made → target
	// spell, where the host's names ignore case (pathfold), maps each
	// path's folded form to the one spelling the maps above use (canon).
	spell map[string]string
	notes []string
	buf   []byte
	// expect is what info/paths.json records for each regular file, once
	// that file has been written (a .conda's info comes first; a
	// .tar.bz2's usually does). Files written before it are in late.
	expect map[string]fileExpect
	late   map[string]fileSum
	paths  *Paths // info/paths.json as loadExpect read it (read once)
	// budget is what the stream may still unpack to beyond the sizes
	// paths.json records: the files it does not size, each member's
	// header (headerCost) and any second member of one name. limit is
	// where it started.
	budget, limit int64
	// sizedLimit is the most paths.json may record as files (SizedLimit;
	// 0 = no limit), sizedWhy where it comes from.
	sizedLimit int64
	sizedWhy   string
	// router, when set, is asked (once: asked) where the payload files go
	// (dst); placed[i] says the file of paths entry i is at dst(i).
	router Router
	asked  bool
	dst    func(i int) string
	placed []bool
	// execs are the files written with an executable bit, by their path
	// in the package (as writeFile names them): Extracted.Exec.
	execs map[string]bool
}

// fileSum is the size and sha256 of a file written before its
// expectations were known.
type fileSum struct {
	size int64
	sha  [32]byte
}

func newUntar(archive, root string, budget int64) *untar {
	return &untar{
		archive: archive, root: root, dirs: map[string]bool{".": true},
		files: map[string]bool{}, links: map[string]string{}, counted: map[string]bool{}, buf: make([]byte, 256<<10),
		budget: budget, limit: budget,
	}
}

// headerCost is what a member's header counts toward the budget: its tar
// block and its names, at least what it took in the uncompressed stream.
// Millions of empty members (which would fill the disk's inodes and
// onboard's memory) are refused as a decompression bomb is.
func headerCost(h *tar.Header) int64 { return 512 + int64(len(h.Name)+len(h.Linkname)) }

// headerMeter counts the bytes a tar.Reader takes from its stream, so
// that a member costs every byte of its headers: tar.Reader.Next consumes
// any number of GNU long-name, PAX and global headers (and what was left
// unread of the member before) to return one member, and a package of
// 12,000 long-name headers of 1 MiB each, 12.6 GB of stream, cost one
// header block each (audit P).
type headerMeter struct {
	r    io.Reader
	n    int64 // bytes read from r
	mark int64 // where the last member's data (padded to its blocks) ends
}

func (m *headerMeter) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.n += int64(n)
	return n, err
}

// next returns what tar.Reader consumed to return h beyond the previous
// member's data: its headers, and anything it skipped. Call it once for
// each member, as Next returns it.
func (m *headerMeter) next(h *tar.Header) int64 {
	cost := m.n - m.mark
	m.mark = m.n
	if regularMember(h.Typeflag) {
		m.mark += (h.Size + 511) &^ 511
	}
	return cost
}

// regularMember tells whether a member of type flag is a plain file, as
// Python's tarfile (conda's reader) takes it: REGULAR_TYPES counts the
// contiguous file, type '7', which Go's reader returns as it is.
func regularMember(flag byte) bool {
	return flag == tar.TypeReg || flag == tar.TypeRegA || flag == tar.TypeCont
}

// dirCost is what each folder a package makes counts toward the budget:
// the block of the disk it takes. A member named a/a/a/…/f makes a
// folder for every two bytes of its name, and a paths.json entry the
// same in the prefix, so a few kilobytes of names could fill the disk's
// inodes with millions of folders.
const dirCost = 4096

// countDirs charges rel and each of its parents not charged yet: the
// folders that making rel makes.
func (u *untar) countDirs(rel string) error {
	for d := rel; d != "." && d != "/" && d != "" && !u.counted[d]; d = path.Dir(d) {
		u.counted[d] = true
		if err := u.charge(d, dirCost); err != nil {
			return err
		}
	}
	return nil
}

// chargeEntryPoints charges the files the link step writes for l's
// entry points: a block each (a script) plus each more bytes (the Windows
// launcher): a few kilobytes of link.json could otherwise name thousands.
func (u *untar) chargeEntryPoints(l *LinkJSON, each int64) error {
	if l == nil || l.Noarch == nil || len(l.Noarch.EntryPoints) == 0 {
		return nil
	}
	return u.charge("the entry points of info/link.json", int64(len(l.Noarch.EntryPoints))*(dirCost+each))
}

// countPathDirs charges the folders p's entries make in the prefix (the
// parents of every entry, and each directory entry), before a Router or
// the link step makes them.
func (u *untar) countPathDirs(p *Paths) error {
	for _, e := range p.Paths {
		d := path.Dir(e.Path)
		if e.PathType == PathDir {
			d = e.Path
		}
		if err := u.countDirs(u.canon(d)); err != nil {
			return err
		}
	}
	return nil
}

// charge takes n bytes of the budget for member, or refuses the package.
func (u *untar) charge(member string, n int64) error {
	if u.budget -= n; u.budget < 0 {
		return u.overBudget(member)
	}
	return nil
}

// bound is what the package may still cost, for reading its paths.json.
func (u *untar) bound() bound { return bound{left: u.budget, limit: u.limit} }

func (u *untar) overBudget(member string) error {
	return &Error{Archive: u.archive, Member: member, What: "total size", Want: strconv.FormatInt(u.limit, 10)}
}

// extract writes every member of the tar stream r, checking ctx between
// members.
func (u *untar) extract(ctx context.Context, r io.Reader) error {
	meter := &headerMeter{r: r}
	tr := tar.NewReader(meter)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return u.readErr(ctx, err)
		}
		if err := u.charge(h.Name, max(0, meter.next(h)-headerCost(h))); err != nil {
			return err
		}
		if err := u.member(h, tr); err != nil {
			return u.readErr(ctx, err)
		}
	}
}

// readErr keeps typed and cancellation errors and calls the rest a bad
// stream (truncated, corrupt).
func (u *untar) readErr(ctx context.Context, err error) error {
	var ue *UnsafeEntryError
	var fe *FormatError
	var pe *fs.PathError
	var be *Error
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &ue), errors.As(err, &fe), errors.As(err, &pe), errors.As(err, &be):
		return err
	}
	return &FormatError{Archive: u.archive, Reason: streamReason(err), Err: err}
}

// streamReason says what a stream error that is not onboard's own means.
// It names no remedy: the archive's hash is checked before the error is
// shown (a damaged copy is called damaged), so these are the bytes the
// package was built with, and a fresh copy is the same (audit AS 4).
func streamReason(err error) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "its compressed stream ends too soon (the package is cut short)"
	case errors.Is(err, zstd.ErrWindowSizeExceeded):
		return "its zstd stream asks for a window over 128 MiB, more than conda's own zstd reader accepts"
	case errors.Is(err, tar.ErrHeader):
		return "its tar stream has a header that is not valid tar"
	}
	return "its compressed stream is corrupt"
}

func (u *untar) unsafe(entry, reason string) error {
	return &UnsafeEntryError{Archive: u.archive, Entry: entry, Reason: reason}
}

func (u *untar) member(h *tar.Header, r io.Reader) error {
	if h.Typeflag == tar.TypeXGlobalHeader {
		return nil
	}
	rel, why := cleanMember(h.Name)
	if why != "" {
		return u.unsafe(h.Name, why)
	}
	if err := u.charge(h.Name, headerCost(h)); err != nil {
		return err
	}
	rel = u.canon(rel)
	if rel == "." {
		return nil // the archive's own root folder
	}
	if metaCap(rel) > 0 && !regularMember(h.Typeflag) {
		// Read through a link, the metadata would be another member's
		// bytes, read after the payload was checked against the first.
		return &FormatError{Archive: u.archive, Reason: rel + " is not a regular file in the package"}
	}
	if link := u.throughLink(rel); link != "" {
		return u.unsafe(h.Name, "path passes through the symlink "+link)
	}
	if u.payloadOnly && (rel == "info" || strings.HasPrefix(rel, "info/")) {
		return &FormatError{Archive: u.archive, Reason: "its pkg component holds " + rel + ", which belongs in its info component"}
	}
	if u.router != nil && !u.asked && rel != "info" && !strings.HasPrefix(rel, "info/") {
		if err := u.route(); err != nil {
			return err
		}
	}
	delete(u.sums, rel) // whatever comes now, a later link to rel gets its bytes
	switch h.Typeflag {
	case tar.TypeDir:
		if _, ok := u.links[rel]; ok {
			return u.unsafe(h.Name, "folder member over a symlink")
		}
		if u.files[rel] {
			return &FormatError{Archive: u.archive, Reason: fmt.Sprintf("it holds %s as a file and as a folder", rel)}
		}
		u.unplace(rel)
		delete(u.files, rel)
		return u.mkdir(rel)
	case tar.TypeReg, tar.TypeRegA, tar.TypeCont, tar.TypeGNUSparse:
		return u.writeFile(rel, h, r)
	case tar.TypeSymlink:
		return u.symlink(rel, h)
	case tar.TypeLink:
		return u.hardlink(rel, h)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return u.unsafe(h.Name, "device or fifo member")
	}
	return u.unsafe(h.Name, fmt.Sprintf("unsupported member type %q", h.Typeflag))
}

// canon returns the spelling of rel that untar's maps use. Where the
// host's names ignore case (pathfold.Host) the file system gives every
// spelling of a name one file, so the maps must too: otherwise a member
// spelled share/x would rewrite the checked file share/X unseen, and
// share/l/f would pass through the symlink share/L. A name's spelling is
// the first the package gives it (paths.json's, when it comes first);
// info/ and its metadata files are spelled as conda spells them, so that
// INFO/PATHS.JSON is info/paths.json, capped and read once.
func (u *untar) canon(rel string) string {
	if !pathfold.Host {
		return rel
	}
	if u.spell == nil {
		u.spell = map[string]string{"info": "info"}
		for _, m := range metaFiles {
			u.spell[pathfold.Fold(m)] = m
		}
	}
	out := ""
	for part := range strings.SplitSeq(rel, "/") {
		c := part
		if out != "" {
			c = out + "/" + part
		}
		k := pathfold.Fold(c)
		if s, ok := u.spell[k]; ok {
			c = s
		} else {
			u.spell[k] = c
		}
		out = c
	}
	return out
}

// expectations is expectations(p), keyed by canon's spellings.
func (u *untar) expectations(p *Paths) map[string]fileExpect {
	m := expectations(p)
	if !pathfold.Host {
		return m
	}
	c := make(map[string]fileExpect, len(m))
	for rel, fe := range m {
		c[u.canon(rel)] = fe
	}
	return c
}

// throughLink returns the symlink among rel's parents, or "".
func (u *untar) throughLink(rel string) string {
	for i := 0; i < len(rel); i++ {
		if rel[i] == '/' {
			if _, ok := u.links[rel[:i]]; ok {
				return rel[:i]
			}
		}
	}
	return ""
}

func (u *untar) full(rel string) string { return filepath.Join(u.root, filepath.FromSlash(rel)) }

func (u *untar) mkdir(rel string) error {
	if u.dirs[rel] {
		return nil
	}
	if err := u.countDirs(rel); err != nil {
		return err
	}
	for d := path.Dir(rel); d != "." && !u.dirs[d]; d = path.Dir(d) {
		if u.files[d] {
			return &FormatError{Archive: u.archive, Reason: fmt.Sprintf("it holds %s as a file and as the folder of %s", d, rel)}
		}
	}
	if u.files[rel] {
		return &FormatError{Archive: u.archive, Reason: fmt.Sprintf("it holds %s as a file and as a folder", rel)}
	}
	if err := os.MkdirAll(u.full(rel), 0o755); err != nil {
		return fmt.Errorf("failed to create folder %q: %w", rel, err)
	}
	for d := rel; d != "." && !u.dirs[d]; d = path.Dir(d) {
		u.dirs[d] = true
	}
	return nil
}

// create makes a new entry at rel after removing whatever member wrote
// there before (a later member wins, as in tar), never following a link.
func (u *untar) create(rel string, make func(string) error) error {
	if err := u.mkdir(path.Dir(rel)); err != nil {
		return err
	}
	full := u.full(rel)
	if u.dirs[rel] {
		return u.fileAndFolder(rel)
	}
	err := make(full)
	if errors.Is(err, fs.ErrExist) {
		delete(u.files, rel)
		delete(u.links, rel)
		if err = os.Remove(full); err == nil {
			err = make(full)
		}
	}
	if err != nil {
		if fi, lerr := os.Lstat(full); lerr == nil && fi.IsDir() {
			// a folder of this package's earlier members: one name as a
			// folder, then as a file or a link (the reverse order is
			// refused where the folder is made)
			return u.fileAndFolder(rel)
		}
		return fmt.Errorf("failed to create %q: %w", rel, err)
	}
	return nil
}

// fileAndFolder refuses a package that holds rel as a folder and as a
// file or link, in whichever order, the same in every mode.
func (u *untar) fileAndFolder(rel string) error {
	return &FormatError{Archive: u.archive, Reason: fmt.Sprintf("it holds %s as a folder and as a file", rel)}
}

// route asks the router where the payload files go, once info/ has been
// read: only when paths.json came before the payload (its paths checked
// safe first); an index.json or link.json that cannot be read leaves
// everything in root, for parseInfo to report at the end.
func (u *untar) route() error {
	u.asked = true
	if u.paths == nil {
		return nil
	}
	src := dirSource(u.root)
	ix, err := parseIndex(src, u.archive)
	if err != nil {
		return nil
	}
	link, err := parseLink(src, u.archive)
	if err != nil {
		return nil
	}
	dst, err := u.router.Route(ix, link, u.paths)
	if err != nil || dst == nil {
		return err
	}
	u.dst, u.placed = dst, make([]bool, len(u.paths.Paths))
	return nil
}

// open creates the file of member rel: at its final place when the
// router gives one and nothing is there yet, else under root. placed
// tells which.
func (u *untar) open(rel string, fe fileExpect, listed bool, mode fs.FileMode) (f newFile, placed bool, err error) {
	if listed && u.dst != nil {
		if d := u.dst(fe.entry); d == Skip {
			return discard{}, false, nil
		} else if d != "" {
			if u.placed[fe.entry] { // a second member of that name: the later one wins
				u.placed[fe.entry] = false
				os.Remove(d)
			}
			f, err := create(d, mode)
			if err == nil {
				return f, true, nil
			}
			if !errors.Is(err, fs.ErrExist) {
				return nil, false, fmt.Errorf("failed to create %q: %w", d, err)
			}
			// Another package of the transaction put a file there first:
			// a clash, which linking resolves from root.
		}
	}
	err = u.create(rel, func(full string) (err error) {
		f, err = create(full, mode)
		return err
	})
	return f, false, err
}

// discard is the newFile of a member a Router skips: checked, not written.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) finish(time.Time) error      { return nil }
func (discard) abort()                      {}
func (discard) Name() string                { return "" }

// unplace removes the file placed for rel when a later member of that
// name is not a regular file.
func (u *untar) unplace(rel string) {
	if u.dst == nil {
		return
	}
	if fe, ok := u.expect[rel]; ok && u.placed[fe.entry] {
		u.placed[fe.entry] = false
		os.Remove(u.dst(fe.entry))
	}
}

// unroute moves the files placed at their final places back under root,
// and places no more: info/link.json came after the payload, and can make
// the package noarch: python, whose files go elsewhere than where they
// were placed (audit V 1: a .tar.bz2 so ordered installed with exit 0, its
// files beside the places its record names). Linking takes them from root,
// as for a package never routed.
func (u *untar) unroute() error {
	for rel, fe := range u.expect {
		if !u.placed[fe.entry] {
			continue
		}
		from := u.dst(fe.entry)
		if err := u.create(rel, func(full string) error { return os.Rename(from, full) }); err != nil {
			return fmt.Errorf("failed to move %q back under %q: %w", from, u.root, err)
		}
		u.placed[fe.entry] = false
	}
	u.dst, u.placed = nil, nil
	return nil
}

// hostOf is where the file of member rel is: its final place or root.
func (u *untar) hostOf(rel string) string {
	if u.dst != nil {
		if fe, ok := u.expect[rel]; ok && u.placed[fe.entry] {
			return u.dst(fe.entry)
		}
	}
	return u.full(rel)
}

func (u *untar) writeFile(rel string, h *tar.Header, r io.Reader) error {
	fe, listed := u.expect[rel]
	// A file paths.json sizes is bounded by that size; any other, and a
	// second member of a name already written (which would rewrite it
	// without end), by the budget as well.
	sized := listed && fe.size >= 0
	again := u.files[rel]
	charged := !sized || again
	if metaCap(rel) > 0 && u.files[rel] {
		// The checks of the payload were made against the first copy.
		return &FormatError{Archive: u.archive, Reason: rel + " appears twice in the package"}
	}
	// its owner can always read it: a file of mode 0000 or 0200 installed
	// as it is (as conda does) could not be hashed by verify, which then
	// called it damaged, and repair made it the same again (audit Y1)
	f, placed, err := u.open(rel, fe, listed, fs.FileMode(h.Mode&0o777|0o400))
	if err != nil {
		return err
	}
	hashIt := u.expect == nil || listed && fe.hasSHA
	limit, what, want := u.budget, "total size", u.limit
	if !charged || sized && fe.size <= limit {
		limit, what, want = fe.size, "size", fe.size
	}
	if c := metaCap(rel); c > 0 && c < limit {
		limit, what, want = c, "metadata size", c
	}
	var w io.Writer = f
	var sh hash.Hash
	if hashIt {
		sh = sha256.New()
		w = io.MultiWriter(f, sh)
	}
	n, err := io.CopyBuffer(w, io.LimitReader(r, limit+1), u.buf)
	if err != nil {
		f.abort()
		return fmt.Errorf("failed to write %q: %w", rel, err)
	}
	if err := f.finish(h.ModTime); err != nil {
		return fmt.Errorf("failed to write %q: %w", rel, err)
	}
	if n > limit {
		return u.repeated(rel, h, again, &Error{Archive: u.archive, Member: rel, What: what, Want: strconv.FormatInt(want, 10), Got: strconv.FormatInt(n, 10) + "+"})
	}
	if charged {
		u.budget -= n
	}
	u.files[rel] = true
	if placed {
		u.placed[fe.entry] = true
	}
	if h.Mode&0o111 != 0 {
		if u.execs == nil {
			u.execs = map[string]bool{}
		}
		u.execs[rel] = true
	} else {
		delete(u.execs, rel) // a later member of the name wins
	}
	if sh != nil {
		var sum [32]byte
		sh.Sum(sum[:0])
		if err := u.checkFile(rel, n, sum); err != nil {
			return u.repeated(rel, h, again, err)
		}
	}
	if rel == "info/link.json" && u.dst != nil {
		if err := u.unroute(); err != nil {
			return err
		}
	}
	if rel == "info/paths.json" && u.expect == nil {
		if err := u.loadExpect(); err != nil {
			return err
		}
	}
	return nil
}

// checkFile compares a file just written with what paths.json records, or
// keeps its sum for checkLate when paths.json has not been seen yet.
func (u *untar) checkFile(rel string, n int64, sum [32]byte) error {
	if u.expect == nil {
		if !strings.HasPrefix(rel, "info/") {
			if u.late == nil {
				u.late = map[string]fileSum{}
			}
			if prev, ok := u.late[rel]; ok && (prev.size != n || prev.sha != sum) {
				// a second copy unlike the first, before paths.json
				// says which is right: refused as it is when paths.json
				// comes first (audit AZ 1: it installed the last copy)
				return &Error{Archive: u.archive, Member: rel, What: "sha256", Want: hex.EncodeToString(prev.sha[:]), Got: hex.EncodeToString(sum[:])}
			}
			u.late[rel] = fileSum{size: n, sha: sum}
		}
		return nil
	}
	fe, ok := u.expect[rel]
	if !ok {
		return nil
	}
	if fe.size >= 0 && n != fe.size {
		return &Error{Archive: u.archive, Member: rel, What: "size", Want: strconv.FormatInt(fe.size, 10), Got: strconv.FormatInt(n, 10)}
	}
	if fe.hasSHA && sum != fe.sha {
		return &Error{Archive: u.archive, Member: rel, What: "sha256", Want: hex.EncodeToString(fe.sha[:]), Got: hex.EncodeToString(sum[:])}
	}
	return nil
}

// loadExpect reads the info/paths.json just extracted (capped, as a
// stream) into expect. An unreadable one is left to parseInfo to report.
func (u *untar) loadExpect() error {
	p, err := readPaths(dirSource(u.root), u.archive, u.bound())
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return nil
	}
	// Checked before any payload member is written after it.
	if _, err := checkPaths(p, u.archive); err != nil {
		return err
	}
	if n := recordedSize(p); u.sizedLimit > 0 && n > u.sizedLimit {
		return &Error{Archive: u.archive, Member: "info/paths.json", What: "recorded size",
			Want: strconv.FormatInt(u.sizedLimit, 10), Got: strconv.FormatInt(n, 10), Reason: u.sizedWhy}
	}
	u.expect, u.paths = u.expectations(p), p
	return u.countPathDirs(p)
}

// checkLate checks the files written before paths.json was known.
func (u *untar) checkLate(p *Paths) error {
	if len(u.late) == 0 || p.Version != 1 {
		return nil
	}
	if u.expect == nil {
		u.expect = u.expectations(p)
	}
	for rel, fs := range u.late {
		// copies of one name that differ were refused as they were
		// written: the copies here are alike, whatever paths.json says
		if err := u.checkFile(rel, fs.size, fs.sha); err != nil {
			return err
		}
	}
	return nil
}

// repeated names the cause when a second copy of a file is not what
// paths.json records (the first was), or, before paths.json is read, not
// what the first copy was: a package holds each file once, and its copies
// differ (conda keeps the last). Not a bomb, not damage.
// h is the second member when it is at hand, for a spelling that differs
// only in case on a system whose names ignore it.
func (u *untar) repeated(rel string, h *tar.Header, again bool, err error) error {
	var be *Error
	if !again || !errors.As(err, &be) || be.What != "size" && be.What != "sha256" {
		return err
	}
	if h != nil {
		if name, why := cleanMember(h.Name); why == "" && name != rel {
			return &FormatError{Archive: u.archive, Reason: fmt.Sprintf("it holds both %s and %s, names that differ only in case, which this system's files cannot tell apart; their contents differ",
				humanize.Excerpt(rel, 300), humanize.Excerpt(name, 300))}
		}
	}
	return &FormatError{Archive: u.archive, Reason: fmt.Sprintf("it holds %s twice, with different contents (a package holds each file once)", humanize.Excerpt(rel, 300))}
}

// symlink recreates a symlink member. An empty target (seen in real zlib
// .conda files, G1) becomes an empty regular file, as in their .tar.bz2 twins.
func (u *untar) symlink(rel string, h *tar.Header) error {
	t := h.Linkname
	if t == "" {
		u.notes = append(u.notes, fmt.Sprintf("%s: symlink with an empty target written as an empty file, as in the .tar.bz2 form", rel))
		return u.writeFile(rel, &tar.Header{Mode: 0o644, ModTime: h.ModTime}, strings.NewReader(""))
	}
	if why := badTarget(t); why != "" {
		return u.unsafe(h.Name, why)
	}
	if escapes(path.Join(path.Dir(rel), t)) {
		return u.unsafe(h.Name, "symlink target "+t+" escapes the package")
	}
	if what, ok := Reserved(path.Join(path.Dir(rel), t)); ok && strings.HasSuffix(what, "/") && !strings.HasPrefix(rel, "info/") {
		// refused at linking too; here so that bundle build refuses it
		return u.unsafe(h.Name, "symlink target "+t+" leads into "+what+", which belongs to conda and onboard, not to a package")
	}
	u.unplace(rel)
	err := u.create(rel, func(full string) error { return os.Symlink(filepath.FromSlash(t), full) })
	if err == nil {
		u.links[rel] = t
		delete(u.files, rel)
	}
	return err
}

func badTarget(t string) string {
	switch {
	case strings.HasPrefix(t, "/"), len(t) >= 2 && t[1] == ':' && isLetter(t[0]):
		return "symlink target " + t + " is absolute"
	case strings.ContainsAny(t, "\\\x00"):
		return "backslash or NUL in symlink target"
	}
	down := false
	for _, part := range strings.Split(t, "/") {
		switch part {
		case "", ".":
		case "..":
			if down {
				// refused at linking too (link.checkSymlink): here so
				// that bundle build refuses it
				return "symlink target " + t + " goes up after going down, so where it leads depends on other links"
			}
		default:
			down = true
		}
	}
	return ""
}

// hardlink links rel to an earlier regular-file member of this package.
func (u *untar) hardlink(rel string, h *tar.Header) error {
	t, why := cleanMember(h.Linkname)
	t = u.canon(t)
	switch {
	case why != "":
		return u.unsafe(h.Name, "hardlink target: "+why)
	case t == rel && u.files[t]:
		// conda's tarfile cannot extract it either; it removed the file and
		// failed to copy "a scratch path" that was gone (audit V 3)
		return u.unsafe(h.Name, "hardlink to itself")
	case !u.files[t]:
		return u.unsafe(h.Name, "hardlink to "+h.Linkname+", which is not an earlier file of the package")
	}
	u.unplace(rel)
	if err := u.create(rel, func(full string) error { return os.Link(u.hostOf(t), full) }); err != nil {
		return u.copyFile(rel, t) // written, and checked, as a file
	}
	u.files[rel] = true
	// its mode is the target's, as a later member of its name left it
	// (audit BE 1: the first member's executable bit was kept)
	if u.execs[t] {
		u.execs[rel] = true
	} else {
		delete(u.execs, rel)
	}
	return u.checkLinked(rel, t)
}

// checkLinked checks the hardlink member rel, whose bytes are those of the
// earlier file t, as writeFile checks a file it writes: a package may not
// pass a file by paths.json's size and sha256 by linking it to another.
// Each target is read once, however many members link to it.
func (u *untar) checkLinked(rel, t string) error {
	if fe, listed := u.expect[rel]; u.expect != nil && (!listed || !fe.hasSHA && fe.size < 0) ||
		u.expect == nil && strings.HasPrefix(rel, "info/") {
		return nil
	}
	s, ok := u.sums[t]
	if !ok {
		var err error
		if s, err = sumFile(u.hostOf(t)); err != nil {
			return fmt.Errorf("failed to read %q: %w", t, err)
		}
		if u.sums == nil {
			u.sums = map[string]fileSum{}
		}
		u.sums[t] = s
	}
	return u.checkFile(rel, s.size, s.sha)
}

func sumFile(p string) (fileSum, error) {
	f, err := os.Open(p)
	if err != nil {
		return fileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	var s fileSum
	s.size = n
	h.Sum(s.sha[:0])
	return s, err
}

// checkListed refuses a package whose paths.json lists a file that the
// package does not hold as a file: nothing there, or a symlink or folder,
// whose bytes no size or sha256 was checked against (conda's link step
// calls the first corrupt, and follows the symlink to check the second).
// A legacy info/files, which records no sizes or hashes, must name
// something that is there. A symlink it lists must be a symlink or a
// regular stand-in: linking reads one or the other.
func (u *untar) checkListed(p *Paths) error {
	list := "info/paths.json"
	if p.Version != 1 {
		list = "info/files"
	}
	for _, e := range p.Paths {
		rel := u.canon(e.Path)
		_, link := u.links[rel]
		file, dir := u.files[rel], u.dirs[rel]
		what := "holds no file there"
		switch {
		case e.PathType == PathSoftlink && (link || file): // a file: a stand-in (observations G1)
			continue
		case e.PathType == PathSoftlink:
			if dir {
				what = "holds a folder there"
			}
			return &FormatError{Archive: u.archive, Reason: list + " lists the symlink " + e.Path + ", but the package " + what}
		case e.PathType == PathDir && (file || link):
			// the install made the folder and dropped the file (audit V 5);
			// refused here, where bundle build reads it too, not only at
			// the link step (audit AN 1)
			what = "holds a file there"
			if link {
				what = "holds a symlink there"
			}
			return &FormatError{Archive: u.archive, Reason: list + " lists " + e.Path + " as a folder, but the package " + what}
		case e.PathType != PathHardlink || file, p.Version != 1 && link:
			continue
		case link:
			what = "holds a symlink there"
		case dir:
			what = "holds a folder there"
		}
		return &FormatError{Archive: u.archive, Reason: list + " lists the file " + e.Path + ", but the package " + what}
	}
	return nil
}

func (u *untar) copyFile(rel, from string) error {
	src, err := os.Open(u.hostOf(from))
	if err != nil {
		return fmt.Errorf("failed to copy %q: %w", from, err)
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return fmt.Errorf("failed to copy %q: %w", from, err)
	}
	return u.writeFile(rel, &tar.Header{Mode: int64(st.Mode().Perm()), ModTime: st.ModTime()}, src)
}

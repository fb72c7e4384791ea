package maintain

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// check is one path of an env and what one record says it must be.
type check struct {
	rec    *recInfo
	rel    string // the path in the env, with "/"
	pkgRel string // its _path in the package when that differs (noarch: python); kept only when the package copy exists
	kind   string // paths_data path_type; "" = unknown
	size   int64  // size on disk; -1 = unknown or not meaningful (placeholder)
	sha    [32]byte
	hasSHA bool // sha is what the bytes on disk must hash to
	// wantExec: the install made the file executable
	// (state.Executables), which a copy without modes loses
	wantExec bool
	badSHA   string // a recorded hash that is not 64 hex digits: no file matches it
	// filesOnly: the path is only in the record's files list (no
	// paths_data entry): it must exist, nothing more is known.
	filesOnly bool
}

func (c *check) abs() string { return filepath.Join(c.rec.env.dir, filepath.FromSlash(c.rel)) }

func (c *check) problem(kind ProblemKind, detail string) Problem {
	return Problem{Env: c.rec.env.name, Package: c.rec.dist(), Path: c.rel, Kind: kind, Detail: detail}
}

// wantHex is the expected hash as people read it.
func (c *check) wantHex() string {
	if c.badSHA != "" {
		return c.badSHA
	}
	return hex.EncodeToString(c.sha[:])
}

// matches tells whether a hash is the one the record wants.
func (c *check) matches(sum [32]byte) bool { return c.hasSHA && sum == c.sha }

// smallFile is the size up to which a file is read whole before hashing.
const smallFile = 1 << 20

var hashBufs = sync.Pool{New: func() any { b := make([]byte, smallFile); return &b }}

// run checks the path on disk against the check. It returns the problem
// ("" when healthy) and the bytes hashed. buf and op are the worker's.
func (c *check) run(buf []byte, op *opener) (ProblemKind, string, int64) {
	dir, name, clean := splitRel(c.rel)
	switch c.kind {
	case "pyc_file":
		// conda records pyc files even when none was compiled.
		if clean {
			// opened in its folder, fstat'ed, its header read: as many
			// calls as the lstat alone took with the header read through os
			f, missing, ok := op.open(c.rec.env.dir, dir, name, true)
			if missing {
				return "", "", 0
			}
			if ok {
				defer f.close()
				if !f.mode.IsRegular() {
					return "", "", 0
				}
				if c.size >= 0 && f.size != c.size && !pycRewritten(c.abs(), f.size, c.size, c.rec.env.dir) {
					return ProblemWrongSize, fmt.Sprintf("%d bytes, want %d", f.size, c.size), 0
				}
				var h [pycHead]byte
				n := 0
				for n < len(h) {
					m, err := f.read(h[n:])
					if m <= 0 || err != nil {
						break
					}
					n += m
				}
				if why := pycHeadNotCode(c.rel, h[:n]); why != "" {
					return ProblemAltered, why, 0
				}
				return "", "", 0
			}
		}
		fi, err := os.Lstat(c.abs())
		if err != nil {
			return "", "", 0
		}
		k, d := c.checkSize(fi)
		if k == ProblemWrongSize && pycRewritten(c.abs(), fi.Size(), c.size, c.rec.env.dir) {
			return "", "", 0
		}
		if k == "" && fi.Mode().IsRegular() {
			if why := pycNotCode(c.abs()); why != "" {
				return ProblemAltered, why, 0
			}
		}
		return k, d, 0
	case "softlink":
		return c.checkSoftlink()
	case "directory":
		fi, err := os.Lstat(c.abs())
		if err != nil {
			return ProblemMissing, "", 0
		}
		if !fi.IsDir() {
			return ProblemAltered, "is not a directory", 0
		}
		return "", "", 0
	}
	if !clean {
		return c.checkFileSlow()
	}
	// without a mode to check, a recorded size and hash are checked by
	// reading: fstat only when the read disagrees
	hashIt := c.hasSHA || c.badSHA != ""
	stat := c.size <= 0 || !hashIt || c.wantExec || c.kind == "unix_python_entry_point" || c.rec.pkgDir != "" && !c.filesOnly
	f, missing, ok := op.open(c.rec.env.dir, dir, name, stat)
	if missing {
		return ProblemMissing, "", 0
	}
	if !ok {
		return c.checkFileSlow()
	}
	defer f.close()
	if f.statted {
		if k, d := c.checkStat(&f); k != "" || !hashIt {
			return k, d, 0
		}
	}
	size := c.size
	if f.statted {
		size = f.size
	}
	sum, n, err := f.sum(buf, size)
	if !f.statted && (err != nil || n != c.size) {
		// not what the record says: a folder, a fifo, another size
		if !f.stat() {
			return c.checkFileSlow()
		}
		if k, d := c.checkStat(&f); k != "" {
			return k, d, n
		}
	}
	if err != nil {
		return ProblemAltered, "cannot be read: " + err.Error(), n
	}
	if !c.matches(sum) {
		return ProblemAltered, fmt.Sprintf("sha256 %s, want %s", short(hex.EncodeToString(sum[:])), short(c.wantHex())), n
	}
	return "", "", n
}

// checkStat checks what fstat tells of an open file: a regular file, of
// the recorded size and mode.
func (c *check) checkStat(f *fastFile) (ProblemKind, string) {
	if !f.mode.IsRegular() {
		return ProblemAltered, fmt.Sprintf("is a %s, not a file", describeMode(f.mode))
	}
	if c.size >= 0 && f.size != c.size {
		return ProblemWrongSize, fmt.Sprintf("%d bytes, want %d", f.size, c.size)
	}
	return c.checkMode(f.mode, f.sameAs)
}

// splitRel splits a clean relative path (no empty, "." or ".." part)
// into its folder ("" for none) and name; clean false for any other.
func splitRel(rel string) (dir, name string, clean bool) {
	if rel == "" || rel[0] == '/' {
		return "", "", false
	}
	for part := range strings.SplitSeq(rel, "/") {
		if part == "" || part == "." || part == ".." {
			return "", "", false
		}
	}
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[:i], rel[i+1:], true
	}
	return "", rel, true
}

// checkFileSlow checks a regular file (hardlink, entry point or unknown
// type) through os: where the fast path does not apply (a symlink stands
// there, or the path cannot be opened, or no such path on this system).
func (c *check) checkFileSlow() (ProblemKind, string, int64) {
	abs := c.abs()
	fi, err := os.Lstat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return ProblemMissing, "", 0
		}
		return ProblemMissing, err.Error(), 0
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		st, err := os.Stat(abs)
		if err != nil {
			return ProblemMissing, "a dangling symlink stands where a file should be", 0
		}
		fi = st
	}
	if !fi.Mode().IsRegular() {
		return ProblemAltered, fmt.Sprintf("is a %s, not a file", describeMode(fi.Mode())), 0
	}
	if k, d := c.checkSize(fi); k != "" {
		return k, d, 0
	}
	if k, d := c.checkMode(fi.Mode(), func(sfi fs.FileInfo) bool { return os.SameFile(fi, sfi) }); k != "" {
		return k, d, 0
	}
	if !c.hasSHA && c.badSHA == "" {
		return "", "", 0
	}
	sum, n, err := sha256Sum(abs)
	if err != nil {
		return ProblemAltered, "cannot be read: " + err.Error(), n
	}
	if !c.matches(sum) {
		return ProblemAltered, fmt.Sprintf("sha256 %s, want %s", short(hex.EncodeToString(sum[:])), short(c.wantHex())), n
	}
	return "", "", n
}

// checkMode checks the executable bit where it can be known: an entry
// point must be executable, so must a file the install made executable
// (state.Executables, by its package), and a copy (not a hard link) must
// be as executable as the package's file. conda-meta records no modes, so
// a hard-linked file, which shares its mode with the package copy, is
// checked only by the install's list.
func (c *check) checkMode(mode fs.FileMode, same func(fs.FileInfo) bool) (ProblemKind, string) {
	if runtime.GOOS == "windows" {
		return "", ""
	}
	exec := mode&0o111 != 0
	if c.kind == "unix_python_entry_point" {
		if !exec {
			return ProblemAltered, fmt.Sprintf("mode %v: an entry point must be executable", mode.Perm())
		}
		return "", ""
	}
	if c.wantExec {
		// the install's list decides, not the package copy, which a
		// restore that dropped modes changed too (audit BD 1: a copy
		// was then wanted as the damaged package copy was)
		if !exec {
			return ProblemAltered, fmt.Sprintf("mode %v: the install made it executable, and what runs it fails without that", mode.Perm())
		}
		return "", ""
	}
	_, sfi := c.pkgEntry()
	if sfi == nil || !sfi.Mode().IsRegular() || same(sfi) {
		return "", ""
	}
	if want := sfi.Mode()&0o111 != 0; exec != want {
		return ProblemAltered, fmt.Sprintf("mode %v, want %v as in the package", mode.Perm(), sfi.Mode().Perm())
	}
	return "", ""
}

func (c *check) checkSize(fi fs.FileInfo) (ProblemKind, string) {
	if c.size >= 0 && fi.Mode().IsRegular() && fi.Size() != c.size {
		return ProblemWrongSize, fmt.Sprintf("%d bytes, want %d", fi.Size(), c.size)
	}
	return "", ""
}

// checkSoftlink compares a link with the same path in the extracted
// package (conda-meta does not store link targets). A package may hold a
// regular file where paths.json says softlink (observations G1): then the
// env must hold the same bytes.
func (c *check) checkSoftlink() (ProblemKind, string, int64) {
	abs := c.abs()
	fi, err := os.Lstat(abs)
	if err != nil {
		return ProblemMissing, "", 0
	}
	src, sfi := c.pkgEntry()
	switch {
	case sfi == nil:
		if fi.Mode()&fs.ModeSymlink == 0 && !fi.Mode().IsRegular() {
			return ProblemWrongLink, fmt.Sprintf("is a %s", describeMode(fi.Mode())), 0
		}
		return "", "", 0 // the package copy is gone: the target cannot be compared
	case sfi.Mode()&fs.ModeSymlink != 0:
		want, _ := os.Readlink(src)
		if fi.Mode()&fs.ModeSymlink == 0 {
			return ProblemWrongLink, fmt.Sprintf("is a %s, want a symlink to %q", describeMode(fi.Mode()), want), 0
		}
		got, err := os.Readlink(abs)
		if err != nil || got != want {
			return ProblemWrongLink, fmt.Sprintf("points to %q, want %q", got, want), 0
		}
		return "", "", 0
	}
	if !fi.Mode().IsRegular() {
		return ProblemWrongLink, fmt.Sprintf("is a %s, want a file like the package's", describeMode(fi.Mode())), 0
	}
	if fi.Size() != sfi.Size() {
		return ProblemWrongSize, fmt.Sprintf("%d bytes, want %d", fi.Size(), sfi.Size()), 0
	}
	want, _, err := sha256Sum(src)
	if err != nil {
		return "", "", 0
	}
	got, n, err := sha256Sum(abs)
	if err != nil || got != want {
		return ProblemAltered, fmt.Sprintf("sha256 %s, want %s", short(hex.EncodeToString(got[:])), short(hex.EncodeToString(want[:]))), n
	}
	return "", "", n
}

// pkgEntry finds the path in the extracted package; nil when absent.
func (c *check) pkgEntry() (string, fs.FileInfo) {
	if c.rec.pkgDir == "" || c.filesOnly {
		return "", nil
	}
	p := c.pkgRel
	if p == "" {
		p = c.rel
	}
	for _, cand := range pkgCandidates(c.rec.noarchPy, p, c.rec.pkgDir) {
		if fi, err := os.Lstat(cand); err == nil {
			return cand, fi
		}
	}
	return "", nil
}

// pkgCandidates returns where a path may sit in the extracted package: the
// recorded _path, and for noarch: python also the un-remapped form.
func pkgCandidates(noarchPy bool, p, pkgDir string) []string {
	out := []string{filepath.Join(pkgDir, filepath.FromSlash(p))}
	if !noarchPy {
		return out
	}
	if i := strings.Index(p, "site-packages/"); i > 0 {
		out = append(out, filepath.Join(pkgDir, "site-packages", filepath.FromSlash(p[i+len("site-packages/"):])))
	}
	for _, d := range []string{"bin/", "Scripts/"} {
		if rest, ok := strings.CutPrefix(p, d); ok {
			out = append(out, filepath.Join(pkgDir, "python-scripts", filepath.FromSlash(rest)))
		}
	}
	return out
}

// sha256Sum hashes a file (following a symlink): small files are read
// whole, large ones streamed.
func sha256Sum(path string) ([32]byte, int64, error) {
	var sum [32]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, 0, err
	}
	defer f.Close()
	bp := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(bp)
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, *bp)
	if err != nil {
		return sum, n, err
	}
	h.Sum(sum[:0])
	return sum, n, nil
}

// sha256File is sha256Sum in hex.
func sha256File(path string) (string, int64, error) {
	sum, n, err := sha256Sum(path)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(sum[:]), n, nil
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m.IsDir():
		return "directory"
	case m.IsRegular():
		return "file"
	default:
		return "special file"
	}
}

// short abbreviates a hex hash for people.
func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

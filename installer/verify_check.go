package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

// expect is what one record says a path must be.
type expect struct {
	dist     string
	kind     string   // paths_data path_type; "" = only known from files
	sha      string   // sha256 the bytes on disk must have; "" = none recorded
	size     int64    // size on disk; -1 = unknown or not meaningful (placeholder)
	pkgPaths []string // where the path may sit in the extracted package
}

// pathCheck is one path of an env and every record that owns it.
type pathCheck struct {
	env, rel, abs string
	owners        []expect
	problems      []Problem
}

// observed is what is on disk at a path, with its hash computed on demand.
type observed struct {
	abs  string
	fi   fs.FileInfo // Lstat; nil when err != nil
	err  error
	sum  string
	serr error
	done bool
	n    int64 // bytes hashed
}

// smallFile is the size up to which a file is read whole before hashing.
const smallFile = 1 << 20

var hashBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// hash returns the sha256 of the file (following a symlink), once.
func (o *observed) hash() (string, error) {
	if !o.done {
		o.done = true
		o.sum, o.n, o.serr = sha256File(o.abs)
	}
	return o.sum, o.serr
}

// sha256File hashes a file: small files are read whole, large ones streamed.
func sha256File(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	if fi.Size() <= smallFile {
		bp := hashBufs.Get().(*[]byte)
		defer hashBufs.Put(bp)
		n, err := io.ReadFull(f, (*bp)[:fi.Size()])
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return "", 0, err
		}
		s := sha256.Sum256((*bp)[:n])
		return hex.EncodeToString(s[:]), int64(n), nil
	}
	h := sha256.New()
	bp := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(bp)
	n, err := io.CopyBuffer(h, f, *bp)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// hashAll runs every queued check on a pool of workers.
func (v *verifier) hashAll(ctx context.Context) error {
	var total int64
	for _, c := range v.checks {
		for _, o := range c.owners {
			if o.size > 0 {
				total += o.size
				break
			}
		}
	}
	v.rep.Stage(StageVerify, total)
	workers := v.opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	jobs := make(chan *pathCheck)
	var hashed atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range jobs {
				n := c.run()
				hashed.Add(n)
				v.rep.Advance(n)
			}
		})
	}
	var err error
feed:
	for _, c := range v.checks {
		select {
		case jobs <- c:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return err
	}
	v.report.Files += len(v.checks)
	v.report.Bytes += hashed.Load()
	for _, c := range v.checks {
		v.report.Problems = append(v.report.Problems, c.problems...)
	}
	return nil
}

// run checks the path against its owners and returns the bytes hashed.
// The path is healthy when any owner is satisfied (a clash: the last
// package linked won, and the others' records still name the path).
func (c *pathCheck) run() int64 {
	o := &observed{abs: c.abs}
	o.fi, o.err = os.Lstat(c.abs)
	var ps []Problem
	for _, x := range c.owners {
		kind, detail := x.check(o)
		if kind == "" {
			return o.n
		}
		ps = append(ps, Problem{Env: c.env, Package: x.dist, Path: c.rel, Kind: kind, Detail: detail})
	}
	c.problems = ps
	return o.n
}

// check compares what is on disk with one expectation.
func (x expect) check(o *observed) (ProblemKind, string) {
	switch x.kind {
	case "pyc_file":
		// conda records pyc files even when none was compiled.
		if o.err != nil {
			return "", ""
		}
		return x.checkSize(o.fi)
	case "softlink":
		return x.checkSoftlink(o)
	case "directory":
		if o.err != nil {
			return ProblemMissing, ""
		}
		if !o.fi.IsDir() {
			return ProblemAltered, "is not a directory"
		}
		return "", ""
	}
	if o.err != nil {
		if errors.Is(o.err, fs.ErrNotExist) {
			return ProblemMissing, ""
		}
		return ProblemMissing, o.err.Error()
	}
	return x.checkFile(o)
}

// checkFile checks a regular file (hardlink, entry point or unknown type).
func (x expect) checkFile(o *observed) (ProblemKind, string) {
	fi := o.fi
	if fi.Mode()&fs.ModeSymlink != 0 {
		st, err := os.Stat(o.abs)
		if err != nil {
			return ProblemMissing, "a dangling symlink stands where a file should be"
		}
		fi = st
	}
	if !fi.Mode().IsRegular() {
		return ProblemAltered, fmt.Sprintf("is a %s, not a file", describeMode(fi.Mode()))
	}
	if k, d := x.checkSize(fi); k != "" {
		return k, d
	}
	if k, d := x.checkMode(fi); k != "" {
		return k, d
	}
	if x.sha == "" {
		return "", ""
	}
	sum, err := o.hash()
	if err != nil {
		return ProblemAltered, "cannot be read: " + err.Error()
	}
	if sum != x.sha {
		return ProblemAltered, fmt.Sprintf("sha256 %s, want %s", short(sum), short(x.sha))
	}
	return "", ""
}

// checkMode checks the executable bit where it can be known: an entry
// point must be executable, and a copy (not a hard link) must be as
// executable as the package's file. conda-meta records no modes, so a
// hard-linked file, which shares its mode with the package copy, cannot
// be checked this way.
func (x expect) checkMode(fi fs.FileInfo) (ProblemKind, string) {
	if runtime.GOOS == "windows" {
		return "", ""
	}
	exec := fi.Mode()&0o111 != 0
	if x.kind == "unix_python_entry_point" {
		if !exec {
			return ProblemAltered, fmt.Sprintf("mode %v: an entry point must be executable", fi.Mode().Perm())
		}
		return "", ""
	}
	_, sfi := x.pkgEntry()
	if sfi == nil || !sfi.Mode().IsRegular() || os.SameFile(fi, sfi) {
		return "", ""
	}
	if want := sfi.Mode()&0o111 != 0; exec != want {
		return ProblemAltered, fmt.Sprintf("mode %v, want %v as in the package", fi.Mode().Perm(), sfi.Mode().Perm())
	}
	return "", ""
}

func (x expect) checkSize(fi fs.FileInfo) (ProblemKind, string) {
	if x.size >= 0 && fi.Mode().IsRegular() && fi.Size() != x.size {
		return ProblemWrongSize, fmt.Sprintf("%d bytes, want %d", fi.Size(), x.size)
	}
	return "", ""
}

// checkSoftlink compares a link with the same path in the extracted
// package (conda-meta does not store link targets). A package may hold a
// regular file where paths.json says softlink (observations G1): then the
// env must hold the same bytes.
func (x expect) checkSoftlink(o *observed) (ProblemKind, string) {
	if o.err != nil {
		return ProblemMissing, ""
	}
	src, sfi := x.pkgEntry()
	switch {
	case sfi == nil:
		if o.fi.Mode()&fs.ModeSymlink == 0 && !o.fi.Mode().IsRegular() {
			return ProblemWrongLink, fmt.Sprintf("is a %s", describeMode(o.fi.Mode()))
		}
		return "", "" // the package copy is gone: the target cannot be compared
	case sfi.Mode()&fs.ModeSymlink != 0:
		want, _ := os.Readlink(src)
		if o.fi.Mode()&fs.ModeSymlink == 0 {
			return ProblemWrongLink, fmt.Sprintf("is a %s, want a symlink to %q", describeMode(o.fi.Mode()), want)
		}
		got, err := os.Readlink(o.abs)
		if err != nil || got != want {
			return ProblemWrongLink, fmt.Sprintf("points to %q, want %q", got, want)
		}
		return "", ""
	}
	if !o.fi.Mode().IsRegular() {
		return ProblemWrongLink, fmt.Sprintf("is a %s, want a file like the package's", describeMode(o.fi.Mode()))
	}
	if o.fi.Size() != sfi.Size() {
		return ProblemWrongSize, fmt.Sprintf("%d bytes, want %d", o.fi.Size(), sfi.Size())
	}
	want, _, err := sha256File(src)
	if err != nil {
		return "", ""
	}
	if got, err := o.hash(); err != nil || got != want {
		return ProblemAltered, fmt.Sprintf("sha256 %s, want %s", short(got), short(want))
	}
	return "", ""
}

// pkgEntry finds the path in the extracted package; nil when absent.
func (x expect) pkgEntry() (string, fs.FileInfo) {
	for _, p := range x.pkgPaths {
		if fi, err := os.Lstat(p); err == nil {
			return p, fi
		}
	}
	return "", nil
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

package pkg

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/zstd"

	"onboard/internal/humanize"
	"onboard/internal/ziplocal"
)

// archive is one open package file being read.
type archive struct {
	path   string
	stem   string
	f      io.ReaderAt
	closer io.Closer
	size   int64
}

// Opener opens a package archive that is not a file of its own, such as
// a member stored in a bundle zip: a ReaderAt over its bytes and its size.
type Opener func() (r io.ReaderAt, size int64, closer io.Closer, err error)

func openArchive(p string) (*archive, error) {
	return openRequest(Request{Archive: p})
}

// openRequest opens r.Archive, or calls r.Open when it is set (r.Archive
// then only names the package).
func openRequest(r Request) (*archive, error) {
	p := r.Archive
	stem, err := Stem(p)
	if err != nil {
		return nil, err
	}
	if r.Open != nil {
		ra, size, c, err := r.Open()
		if err != nil {
			// named by its file (the bundle's member): no file is at p
			return nil, fmt.Errorf("failed to open package %q: %w", filepath.Base(p), err)
		}
		// Archive only names it (the bundle's member): errors give its file
		// name, not a path where no file is.
		return &archive{path: filepath.Base(p), stem: stem, f: ra, closer: c, size: size}, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("failed to open package %q: %w", p, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("failed to open package %q: %w", p, err)
	}
	return &archive{path: p, stem: stem, f: f, closer: f, size: st.Size()}, nil
}

// Close closes what openRequest opened.
func (a *archive) Close() error {
	if a.closer == nil {
		return nil
	}
	return a.closer.Close()
}

func (a *archive) isConda() bool { return strings.HasSuffix(a.path, ".conda") }

// streams calls fn with the decompressed tar stream of each component: the
// whole tar of a .tar.bz2; the pkg then the info component of a .conda
// (only info when infoOnly). Compressed bytes read are counted by count.
func (a *archive) streams(infoOnly bool, count func(io.Reader) io.Reader, fn func(tarStream io.Reader) error) error {
	if !a.isConda() {
		return a.bz2Stream(count, fn)
	}
	pkg, info, err := a.components()
	if err != nil {
		return err
	}
	// info first: its paths.json bounds and checks every member of pkg.
	if err := a.zstdStream(info, count, fn); err != nil || infoOnly {
		return err
	}
	return a.zstdStream(pkg, count, fn)
}

func (a *archive) bz2Stream(count func(io.Reader) io.Reader, fn func(io.Reader) error) error {
	br, err := bzip2.NewReader(bufio.NewReaderSize(count(io.NewSectionReader(a.f, 0, a.size)), 1<<20), nil)
	if err != nil {
		return &FormatError{Archive: a.path, Reason: "not a bzip2 stream", Err: err}
	}
	defer br.Close()
	return fn(br)
}

// components finds the pkg-<stem> and info-<stem> members of a .conda by
// name (prefix match, exactly one each, as conda does), after checking that
// no member name is unsafe.
func (a *archive) components() (pkg, info *zip.File, err error) {
	zr, err := zip.NewReader(a.f, a.size)
	if err != nil {
		return nil, nil, &FormatError{Archive: a.path, Reason: "not a zip archive, as a .conda must be", Err: err}
	}
	var pkgs, infos []*zip.File
	for _, zf := range zr.File {
		if _, why := cleanMember(zf.Name); why != "" {
			if !strings.HasPrefix(zf.Name, "pkg-"+a.stem) && !strings.HasPrefix(zf.Name, "info-"+a.stem) {
				// conda never reads it; a zip tool would write it there
				why += ", in a member beside the package's pkg-" + a.stem + " and info-" + a.stem + " components"
			}
			return nil, nil, &UnsafeEntryError{Archive: a.path, Entry: zf.Name, Reason: why}
		}
		switch {
		case strings.HasPrefix(zf.Name, "pkg-"+a.stem):
			pkgs = append(pkgs, zf)
		case strings.HasPrefix(zf.Name, "info-"+a.stem):
			infos = append(infos, zf)
		}
	}
	if len(pkgs) != 1 || len(infos) != 1 {
		return nil, nil, &FormatError{Archive: a.path, Reason: fmt.Sprintf(
			"want one pkg-%s and one info-%s member, found %d and %d (was the file renamed?)",
			a.stem, a.stem, len(pkgs), len(infos))}
	}
	for _, zf := range []*zip.File{pkgs[0], infos[0]} {
		// conda's reader (Python's zipfile) refuses a member flagged
		// encrypted; conda writes its components stored (spec §1.2)
		if zf.Flags&1 != 0 {
			return nil, nil, &FormatError{Archive: a.path, Reason: fmt.Sprintf("its member %s is flagged encrypted, which conda cannot read either", zf.Name)}
		}
		if zf.Method != zip.Store && zf.Method != zip.Deflate {
			return nil, nil, &FormatError{Archive: a.path, Reason: fmt.Sprintf("its member %s is compressed with zip method %d; conda stores its components (zstd inside)", zf.Name, zf.Method)}
		}
		// a zip64 extra field may record any size: one past the file's
		// end is no truncation of the member but a zip that lies
		if off, err := zf.DataOffset(); err == nil && (zf.CompressedSize64 > uint64(a.size) || uint64(off)+zf.CompressedSize64 > uint64(a.size)) {
			return nil, nil, &FormatError{Archive: a.path, Reason: fmt.Sprintf("its member %s records %d bytes, past the end of the file (%d bytes): the zip's directory is inconsistent (conda refuses it)", zf.Name, zf.CompressedSize64, a.size)}
		}
		if err := a.checkLocalHeader(zf); err != nil {
			return nil, nil, err
		}
	}
	return pkgs[0], infos[0], nil
}

func (a *archive) zstdStream(zf *zip.File, count func(io.Reader) io.Reader, fn func(io.Reader) error) error {
	rc, err := zf.Open()
	if err != nil {
		return &FormatError{Archive: a.path, Reason: "cannot open member " + zf.Name, Err: err}
	}
	defer rc.Close()
	src := count(rc)
	dec, err := getZstd(src)
	if err != nil {
		return &FormatError{Archive: a.path, Reason: "member " + zf.Name + " is not zstd", Err: err}
	}
	defer putZstd(dec)
	if err := fn(dec); err != nil {
		return err
	}
	// The zstd frame may end before the member does; the zip reader checks
	// the member's CRC-32 only at its end, as Python's zipfile (conda's
	// reader) does. What follows the tar is read up to maxAfterTar: a
	// deflated member could hold gigabytes of zeros there, each read
	// inflated outside the package's budget (audit AR 3, AT 5).
	n, err := io.Copy(io.Discard, io.LimitReader(src, maxAfterTar+1))
	if errors.Is(err, zip.ErrChecksum) {
		return &FormatError{Archive: a.path, Reason: "member " + zf.Name + " is corrupt: its bytes do not match the zip's CRC-32", Err: err}
	} else if err != nil {
		return &FormatError{Archive: a.path, Reason: "member " + zf.Name + " cannot be read to its end after its tar", Err: err}
	}
	if n > maxAfterTar {
		return &FormatError{Archive: a.path, Reason: fmt.Sprintf("its member %s holds more than %s after its tar's end, which no package writer leaves there", zf.Name, humanize.Bytes(maxAfterTar))}
	}
	return nil
}

// maxAfterTar is the most a .conda component may hold after the end of
// its tar (zstd's padding, a skippable frame): far above what a writer
// leaves, far below a bomb's gigabytes.
const maxAfterTar = 64 << 20

// checkLocalHeader compares the name in zf's local file header with the
// central directory's, which Go's zip reader does not and Python's zipfile
// (conda's reader) does ("File name in directory and header differ"): a
// .conda whose two disagree is refused, as conda refuses it.
func (a *archive) checkLocalHeader(zf *zip.File) error {
	local, err := ziplocal.Name(a.f, zf)
	if err != nil {
		return &FormatError{Archive: a.path, Reason: fmt.Sprintf("member %q has no header named as the zip's directory names it: the zip is inconsistent (conda refuses it)", zf.Name), Err: err}
	}
	if local != zf.Name {
		return &FormatError{Archive: a.path, Reason: fmt.Sprintf("member %q is named %q in its own header: the zip is inconsistent (conda refuses it)", zf.Name, local)}
	}
	return nil
}

var zstdPool sync.Pool

// getZstd returns a decoder tuned for many packages at once: one goroutine
// per stream (the packages run in parallel), low-memory mode off.
func getZstd(r io.Reader) (*zstd.Decoder, error) {
	if d, ok := zstdPool.Get().(*zstd.Decoder); ok {
		if err := d.Reset(r); err == nil {
			return d, nil
		}
		d.Close()
	}
	return zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(false),
		zstd.WithDecoderMaxWindow(128<<20))
}

func putZstd(d *zstd.Decoder) {
	if d.Reset(nil) == nil {
		zstdPool.Put(d)
	}
}

// counter counts compressed bytes read, reports them, and stops the read
// when ctx is done.
type counter struct {
	ctx      context.Context
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *counter) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 && c.progress != nil {
		c.progress(int64(n))
	}
	return n, err
}

package pkg

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/maphash"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// HashFile returns the sha256 and md5 (lowercase hex) and the size of the
// file at path, read once, until ctx is done. Only a regular file is read:
// a fifo would block its open for ever, and a device (a symlink to
// /dev/zero) never end (audit V 4: bundle build hung, deaf to Ctrl-C).
func HashFile(ctx context.Context, path string) (sha256hex, md5hex string, size int64, err error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return "", "", 0, fmt.Errorf("%q is not a regular file (%s): a package archive must be one", path, fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return "", "", 0, fmt.Errorf("failed to open %q: %w", path, err)
	}
	defer f.Close()
	return hashReader(ctxReader{ctx, f}, path, true)
}

// ctxReader reads r until ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// hashReader hashes r; the md5 only when withMD5 (it costs more than the
// sha256 on CPUs with SHA instructions).
func hashReader(r io.Reader, path string, withMD5 bool) (string, string, int64, error) {
	s, m := sha256.New(), md5.New()
	var w io.Writer = s
	if withMD5 {
		w = io.MultiWriter(s, m)
	}
	n, err := io.CopyBuffer(w, r, make([]byte, 256<<10))
	if err != nil {
		return "", "", 0, fmt.Errorf("failed to read %q: %w", path, err)
	}
	if !withMD5 {
		return hex.EncodeToString(s.Sum(nil)), "", n, nil
	}
	return hex.EncodeToString(s.Sum(nil)), hex.EncodeToString(m.Sum(nil)), n, nil
}

// check compares the archive's hashes and size with what is expected: the
// sha256 when given, else the md5, and the size when given.
func (e Expect) check(archive, sha, md5sum string, size int64) error {
	if e.Size > 0 && e.Size != size {
		return &HashMismatchError{archive, "size", strconv.FormatInt(e.Size, 10), strconv.FormatInt(size, 10)}
	}
	if e.SHA256 != "" && !strings.EqualFold(e.SHA256, sha) {
		return &HashMismatchError{archive, "sha256", strings.ToLower(e.SHA256), sha}
	}
	if e.SHA256 == "" && e.MD5 != "" && !strings.EqualFold(e.MD5, md5sum) {
		return &HashMismatchError{archive, "md5", strings.ToLower(e.MD5), md5sum}
	}
	return nil
}

// hashAt hashes an archive while it is being read through ReadAt, so that
// extraction reads it once, and hands out only bytes its sum covers: the
// bytes used are the bytes checked, even where the storage answers two
// reads of the same bytes differently (a hostile share, a racing writer).
//
//   - A read that continues where the hash stands (the front) is hashed as
//     it passes; one that starts a small gap ahead of it (a zip header) is
//     read together with the gap, in one read, and hashed whole.
//   - Any other read (far ahead: a zip's directory, a .conda's info
//     component; or behind the front) is read in whole blocks of
//     hashBlock bytes, and each block's keyed digest is compared with the
//     front's digest of that block, now when the front has passed it, or
//     when it gets there (finish hashes what the extraction skipped or
//     read out of order). A difference is a *HashMismatchError ("reread").
type hashAt struct {
	name string // the archive, for errors
	r    io.ReaderAt
	size int64
	mu   sync.Mutex
	next int64
	sha  hash.Hash
	md5  hash.Hash // nil unless wanted
	w    io.Writer
	seed maphash.Seed
	blk  maphash.Hash     // the block the front is in
	sums []uint64         // the front's digest of each block it has hashed whole
	want map[int64]uint64 // digests of blocks read ahead of the front
	err  error            // sticky: two reads of the same bytes differed
	buf  []byte           // scratch for gap and block reads
	// held is the last gap or block read, buf[:len(held)] at heldAt: bytes
	// already hashed or checked, from which later reads inside it are
	// served without reading again.
	held   []byte
	heldAt int64
}

// maxHashGap is the largest gap hashAt reads ahead to stay in order.
const maxHashGap = 1 << 20

// hashBlock is the unit in which bytes read out of order are checked.
const hashBlock = 64 << 10

func newHashAt(r io.ReaderAt, size int64, withMD5 bool) *hashAt {
	h := &hashAt{r: r, size: size, sha: sha256.New(), seed: maphash.MakeSeed(), want: map[int64]uint64{}}
	h.blk.SetSeed(h.seed)
	h.w = h.sha
	if withMD5 {
		h.md5 = md5.New()
		h.w = io.MultiWriter(h.sha, h.md5)
	}
	return h
}

// errReread is the HashMismatchError of bytes that two reads disagree on.
func (h *hashAt) errReread(k int64) error {
	if h.err == nil {
		h.err = &HashMismatchError{Archive: h.name, What: "reread", Want: fmt.Sprintf("bytes %d-%d", k*hashBlock, min((k+1)*hashBlock, h.size)-1)}
	}
	return h.err
}

// feed hashes b, the bytes at the front, and moves the front past them,
// closing the digest of each block it completes.
func (h *hashAt) feed(b []byte) {
	h.w.Write(b)
	for len(b) > 0 {
		take := min(int64(len(b)), hashBlock-h.next%hashBlock)
		whole := take == hashBlock // a block in one piece: no streaming
		if !whole {
			h.blk.Write(b[:take])
		}
		h.next += take
		if h.next%hashBlock == 0 || h.next == h.size {
			k := int64(len(h.sums))
			var d uint64
			if whole {
				d = maphash.Bytes(h.seed, b[:take])
			} else {
				d = h.blk.Sum64()
				h.blk.Reset()
			}
			h.sums = append(h.sums, d)
			if w, ok := h.want[k]; ok {
				delete(h.want, k)
				if w != d {
					h.errReread(k)
				}
			}
		}
		b = b[take:]
	}
}

func (h *hashAt) scratch(n int64) []byte {
	if int64(cap(h.buf)) < n {
		h.buf = make([]byte, n)
	}
	return h.buf[:n]
}

func (h *hashAt) ReadAt(p []byte, off int64) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		return 0, h.err
	}
	if off != h.next && off >= h.heldAt && off+int64(len(p)) <= h.heldAt+int64(len(h.held)) {
		return copy(p, h.held[off-h.heldAt:]), nil
	}
	switch {
	case off == h.next:
		n, err := h.r.ReadAt(p, off)
		h.feed(p[:n])
		if n <= 4<<10 { // a header, which the reader may read again
			h.held, h.heldAt = append(h.scratch(0), p[:n]...), off
		}
		return n, h.orErr(err)
	case off > h.next && off-h.next <= maxHashGap:
		start := h.next
		buf := h.scratch(off - start + int64(len(p)))
		n, err := h.r.ReadAt(buf, start)
		h.feed(buf[:n])
		h.held, h.heldAt = buf[:n], start
		m, err := handOut(p, buf[:n], off-start, err)
		return m, h.orErr(err)
	}
	return h.readChecked(p, off)
}

// orErr is err, or the mismatch the last feed found.
func (h *hashAt) orErr(err error) error {
	if h.err != nil {
		return h.err
	}
	return err
}

// readChecked reads p at off out of the front's order: the whole blocks
// around it in one read, each checked against the front's digest, or kept
// for the front to check.
func (h *hashAt) readChecked(p []byte, off int64) (int, error) {
	end := min(off+int64(len(p)), h.size)
	if off >= end {
		return 0, io.EOF
	}
	a := off / hashBlock * hashBlock
	b := (end + hashBlock - 1) / hashBlock * hashBlock
	if off > h.next {
		b = max(b, a+4*hashBlock) // reading on ahead, as a reader of a component does
	}
	b = min(b, h.size)
	buf := h.scratch(b - a)
	n, err := h.r.ReadAt(buf, a)
	h.held = nil
	for k := a / hashBlock; k*hashBlock < a+int64(n); k++ {
		bs, be := k*hashBlock-a, min((k+1)*hashBlock, h.size)-a
		if be > int64(n) {
			break // a short read: the caller gets its error
		}
		d := maphash.Bytes(h.seed, buf[bs:be])
		switch w, ok := h.want[k]; {
		case k < int64(len(h.sums)):
			if h.sums[k] != d {
				return 0, h.errReread(k)
			}
		case ok && w != d:
			return 0, h.errReread(k)
		default:
			h.want[k] = d
		}
		h.held, h.heldAt = buf[:be], a
	}
	return handOut(p, buf[:n], off-a, err)
}

// handOut copies into p what buf (read with error err) holds from skip on:
// a ReadAt's answer, io.EOF when it is short.
func handOut(p, buf []byte, skip int64, err error) (int, error) {
	m := 0
	if int64(len(buf)) > skip {
		m = copy(p, buf[skip:])
	}
	if m < len(p) && err == nil {
		err = io.EOF
	}
	return m, err
}

// finish hashes the rest of the file and returns the sums; ctx cancels it.
func (h *hashAt) finish(ctx context.Context) (sha, md5sum string, size int64, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held = nil
	buf := h.scratch(256 << 10)
	for h.next < h.size && h.err == nil {
		if err := ctx.Err(); err != nil {
			return "", "", 0, err
		}
		n, err := h.r.ReadAt(buf[:min(int64(len(buf)), h.size-h.next)], h.next)
		h.feed(buf[:n])
		if err != nil && h.next < h.size {
			return "", "", 0, err
		}
	}
	if h.err != nil {
		return "", "", 0, h.err
	}
	sha = hex.EncodeToString(h.sha.Sum(nil))
	if h.md5 != nil {
		md5sum = hex.EncodeToString(h.md5.Sum(nil))
	}
	return sha, md5sum, h.next, nil
}

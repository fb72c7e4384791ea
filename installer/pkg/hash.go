package pkg

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// HashFile returns the sha256 and md5 (lowercase hex) and the size of the
// file at path, read once.
func HashFile(path string) (sha256hex, md5hex string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", 0, fmt.Errorf("failed to open %q: %w", path, err)
	}
	defer f.Close()
	return hashReader(f, path, true)
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
// extraction reads it once: reads that continue where the hash stands are
// hashed as they pass, a small gap before a read (a zip header) is read and
// hashed first, and finish reads whatever the extraction skipped or read
// out of order (a .conda's info component and the zip directory, a few
// kilobytes), so the sum always covers the whole file in order.
type hashAt struct {
	r    io.ReaderAt
	size int64
	mu   sync.Mutex
	next int64
	sha  hash.Hash
	md5  hash.Hash // nil unless wanted
	w    io.Writer
}

// maxHashGap is the largest gap hashAt reads ahead to stay in order.
const maxHashGap = 1 << 20

func newHashAt(r io.ReaderAt, size int64, withMD5 bool) *hashAt {
	h := &hashAt{r: r, size: size, sha: sha256.New()}
	h.w = h.sha
	if withMD5 {
		h.md5 = md5.New()
		h.w = io.MultiWriter(h.sha, h.md5)
	}
	return h
}

func (h *hashAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := h.r.ReadAt(p, off)
	h.mu.Lock()
	defer h.mu.Unlock()
	if off > h.next && off-h.next <= maxHashGap {
		if _, gerr := io.Copy(h.w, io.NewSectionReader(h.r, h.next, off-h.next)); gerr == nil {
			h.next = off
		}
	}
	if end := off + int64(n); off <= h.next && end > h.next {
		h.w.Write(p[h.next-off : n])
		h.next = end
	}
	return n, err
}

// finish hashes the rest of the file and returns the sums.
func (h *hashAt) finish() (sha, md5sum string, size int64, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.next < h.size {
		n, err := io.CopyBuffer(h.w, io.NewSectionReader(h.r, h.next, h.size-h.next), make([]byte, 64<<10))
		h.next += n
		if err != nil {
			return "", "", 0, err
		}
	}
	sha = hex.EncodeToString(h.sha.Sum(nil))
	if h.md5 != nil {
		md5sum = hex.EncodeToString(h.md5.Sum(nil))
	}
	return sha, md5sum, h.next, nil
}

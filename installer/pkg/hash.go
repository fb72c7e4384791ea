package pkg

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
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

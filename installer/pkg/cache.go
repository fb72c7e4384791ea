package pkg

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Cached returns the package's folder in r.PkgsDir when it is already
// extracted, complete (it has info/repodata_record.json, written last) and
// from this very archive: the record's size is the archive's, and its
// sha256 (or md5) is the expected one, or, when r.Expect names none, the
// archive's own sha256. A record with other channel-patched depends than
// r.Depends does not count. Anything else is a miss: extract again.
func Cached(r Request) (*Extracted, bool) {
	stem, err := Stem(r.Archive)
	if err != nil {
		return nil, false
	}
	dir := filepath.Join(r.PkgsDir, stem)
	rec, err := readRecord(dir)
	if err != nil || rec == nil || !recordMatches(rec, r) {
		return nil, false
	}
	x, err := ReadExtracted(dir)
	if err != nil {
		return nil, false
	}
	return x, true
}

func recordMatches(rec *Record, r Request) bool {
	st, err := os.Stat(r.Archive)
	switch {
	case err != nil, rec.Size != st.Size(), r.Expect.Size > 0 && r.Expect.Size != rec.Size:
		return false
	case r.Depends != nil && !slices.Equal(r.Depends, rec.Depends):
		return false
	case r.Expect.SHA256 != "":
		return strings.EqualFold(r.Expect.SHA256, rec.SHA256)
	case r.Expect.MD5 != "":
		return strings.EqualFold(r.Expect.MD5, rec.MD5)
	}
	sum, err := sha256File(r.Archive)
	return err == nil && sum == rec.SHA256
}

func sha256File(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

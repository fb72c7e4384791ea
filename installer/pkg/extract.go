package pkg

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"onboard/internal/rmtree"
)

// Extract checks the archive of r against r.Expect, then extracts it into
// r.PkgsDir/<stem>: first into a temporary sibling folder, which replaces
// any earlier folder of that name only once the whole package is written
// and its info/ parsed, with info/repodata_record.json added. On any error
// the temporary folder is removed and nothing else is changed. progress,
// if not nil, is called with the archive bytes consumed; they add up to the
// archive's size when Extract succeeds.
func Extract(ctx context.Context, r Request, progress func(n int64)) (*Extracted, error) {
	a, err := openArchive(r.Archive)
	if err != nil {
		return nil, err
	}
	defer a.f.Close()
	sha, md5sum, err := a.verify(r.Expect)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.PkgsDir, 0o755); err != nil {
		return nil, fmt.Errorf("failed to create the package cache %q: %w", r.PkgsDir, err)
	}
	tmp, err := os.MkdirTemp(r.PkgsDir, "."+a.stem+".extracting-")
	if err != nil {
		return nil, fmt.Errorf("failed to create a folder in the package cache %q: %w", r.PkgsDir, err)
	}
	x, err := a.extractTo(ctx, tmp, r, sha, md5sum, progress)
	if err == nil {
		x.Dir = filepath.Join(r.PkgsDir, a.stem)
		err = replaceDir(tmp, x.Dir)
	}
	if err != nil {
		rmtree.RemoveAll(tmp)
		return nil, err
	}
	return x, nil
}

// verify hashes the archive and checks it against e before any of it is
// used. When e gives both hashes, the sha256 is checked and e's md5 goes
// into the record unchecked; otherwise the md5 is computed.
func (a *archive) verify(e Expect) (sha, md5sum string, err error) {
	trustMD5 := e.SHA256 != "" && e.MD5 != ""
	sha, md5sum, size, err := hashReader(a.f, a.path, !trustMD5)
	if err != nil {
		return "", "", err
	}
	if trustMD5 {
		md5sum = strings.ToLower(e.MD5)
	}
	if err := e.check(a.path, sha, md5sum, size); err != nil {
		return "", "", err
	}
	if _, err := a.f.Seek(0, io.SeekStart); err != nil {
		return "", "", fmt.Errorf("failed to read package %q: %w", a.path, err)
	}
	return sha, md5sum, nil
}

func (a *archive) extractTo(ctx context.Context, dir string, r Request, sha, md5sum string, progress func(int64)) (*Extracted, error) {
	u := newUntar(a.path, dir)
	var read int64
	count := func(rd io.Reader) io.Reader {
		return &counter{ctx: ctx, r: rd, progress: func(n int64) {
			read += n
			if progress != nil {
				progress(n)
			}
		}}
	}
	err := a.streams(false, count, func(tr io.Reader) error { return u.extract(ctx, tr) })
	if err == nil {
		err = u.checkLinks()
	}
	if err != nil {
		return nil, err
	}
	ix, paths, link, err := parseInfo(dirSource(dir), a.path)
	if err != nil {
		return nil, err
	}
	rec := newRecord(ix, r, sha, md5sum, a.size)
	if err := writeRecord(dir, rec); err != nil {
		return nil, err
	}
	if progress != nil && a.size > read {
		progress(a.size - read)
	}
	return &Extracted{Index: ix, Paths: paths, Link: link, Record: rec, Notes: u.notes}, nil
}

// replaceDir renames tmp to final, moving an existing final aside first
// and removing it afterwards.
func replaceDir(tmp, final string) error {
	if err := os.Rename(tmp, final); err == nil {
		return nil
	}
	if _, err := os.Lstat(final); err != nil {
		return fmt.Errorf("failed to move the extracted package to %q: %w", final, err)
	}
	old := tmp + ".old"
	if err := os.Rename(final, old); err != nil {
		return fmt.Errorf("failed to replace %q: %w; close programs that use it and try again", final, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Rename(old, final)
		return fmt.Errorf("failed to move the extracted package to %q: %w", final, err)
	}
	if err := rmtree.RemoveAll(old); err != nil {
		return fmt.Errorf("failed to remove the old copy %q: %w", old, err)
	}
	return nil
}

// ReadExtracted reads an extracted package folder (PkgsDir/<stem>). Record
// is nil when the folder has no info/repodata_record.json.
func ReadExtracted(dir string) (*Extracted, error) {
	ix, paths, link, err := parseInfo(dirSource(dir), dir)
	if err != nil {
		return nil, err
	}
	rec, err := readRecord(dir)
	if err != nil {
		return nil, err
	}
	return &Extracted{Dir: dir, Index: ix, Paths: paths, Link: link, Record: rec}, nil
}

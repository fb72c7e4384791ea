package pkg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"onboard/internal/rmtree"
)

// Extract reads the archive of r once: it hashes the bytes as they stream
// past, decompresses them and writes the files into r.Dest, or else into
// r.PkgsDir/<stem> (first a temporary sibling folder, which replaces any
// earlier folder of that name only once the whole package is written and
// its info/ parsed, with info/repodata_record.json added). Every member is
// bounded by the size info/paths.json records for it, and its sha256
// checked against the recorded one, while it is written (*Error). When the
// archive's own hash or size is not r.Expect's (checked at the end of the
// stream) the package is refused with a *HashMismatchError. On any error
// the folder is removed and nothing else is changed. progress, if not
// nil, is called with the archive bytes consumed; they add up to the
// archive's size when Extract succeeds.
func Extract(ctx context.Context, r Request, progress func(n int64)) (*Extracted, error) {
	a, err := openRequest(r)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	trustMD5 := r.Expect.SHA256 != "" && r.Expect.MD5 != ""
	h := newHashAt(a.f, a.size, !trustMD5)
	h.name = a.path
	a.f = h
	dir, err := extractDir(r, a.stem)
	if err != nil {
		return nil, err
	}
	x, err := a.extractTo(ctx, dir, r, h, trustMD5, progress)
	if err == nil && r.Dest == "" {
		x.Dir = filepath.Join(r.PkgsDir, a.stem)
		err = replaceDir(dir, x.Dir)
	} else if err == nil {
		x.Dir = r.Dest
	}
	if err != nil {
		rmtree.RemoveAll(dir)
		return nil, err
	}
	return x, nil
}

// extractDir makes the folder Extract writes into.
func extractDir(r Request, stem string) (string, error) {
	if r.Dest != "" {
		if err := os.MkdirAll(filepath.Dir(r.Dest), 0o755); err != nil {
			return "", fmt.Errorf("failed to create the folder %q: %w", filepath.Dir(r.Dest), err)
		}
		if err := os.Mkdir(r.Dest, 0o755); err != nil {
			return "", fmt.Errorf("failed to create the folder %q: %w", r.Dest, err)
		}
		return r.Dest, nil
	}
	if err := os.MkdirAll(r.PkgsDir, 0o755); err != nil {
		return "", fmt.Errorf("failed to create the package cache %q: %w", r.PkgsDir, err)
	}
	// Not os.MkdirTemp, whose 0700 the folder would keep once renamed into
	// place: conda's extracted folders are 0755 less the umask, and so
	// are these.
	for {
		tmp := filepath.Join(r.PkgsDir, "."+stem+".extracting-"+strconv.FormatUint(rand.Uint64(), 36))
		err := os.Mkdir(tmp, 0o755)
		if err == nil {
			return tmp, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("failed to create a folder in the package cache %q: %w", r.PkgsDir, err)
		}
	}
}

// sums finishes the archive's hash and checks it against e. When e gives
// both hashes, the sha256 is checked and e's md5 goes into the record
// unchecked; otherwise the md5 is computed.
func (a *archive) sums(ctx context.Context, h *hashAt, e Expect, trustMD5 bool) (sha, md5sum string, err error) {
	sha, md5sum, size, err := h.finish(ctx)
	if hm := (*HashMismatchError)(nil); errors.As(err, &hm) {
		return "", "", err
	} else if err != nil {
		return "", "", fmt.Errorf("failed to read package %q: %w", a.path, err)
	}
	if trustMD5 {
		md5sum = strings.ToLower(e.MD5)
	}
	if err := e.check(a.path, sha, md5sum, size); err != nil {
		return "", "", err
	}
	return sha, md5sum, nil
}

func (a *archive) extractTo(ctx context.Context, dir string, r Request, h *hashAt, trustMD5 bool, progress func(int64)) (*Extracted, error) {
	u := newUntar(a.path, dir, Budget(a.size))
	u.sizedLimit, u.sizedWhy = SizedLimit(a.size, r.Expect.Unpacked)
	if r.Dest != "" {
		u.router = r.Router
	}
	var read int64
	count := func(rd io.Reader) io.Reader {
		return &counter{ctx: ctx, r: rd, progress: func(n int64) {
			read += n
			if progress != nil {
				progress(n)
			}
		}}
	}
	components := 0
	err := a.streams(false, count, func(tr io.Reader) error {
		// A .conda's second component is its payload: info/ is not its
		// to hold (conda would read a link.json there over the info
		// component's, after the files were placed by the first).
		components++
		u.payloadOnly = a.isConda() && components > 1
		return u.extract(ctx, tr)
	})
	if err == nil {
		err = u.checkLinks()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A damaged archive is named as such rather than by what its
		// garbage made the extraction trip over.
		if _, _, herr := a.sums(ctx, h, r.Expect, trustMD5); herr != nil {
			return nil, herr
		}
		return nil, err
	}
	sha, md5sum, err := a.sums(ctx, h, r.Expect, trustMD5)
	if err != nil {
		return nil, err
	}
	ix, paths, link, err := parseInfoWith(dirSource(dir), a.path, u.paths, u.bound())
	if err != nil {
		return nil, err
	}
	if ix.Dist() != a.stem {
		// The file name names the package cache folder and, in a bundle,
		// the manifest's entry; index.json names the conda-meta record.
		return nil, &FormatError{Archive: a.path, Reason: fmt.Sprintf(
			"its info/index.json says it is %s, but its file is named %s; a package's file is named <name>-<version>-<build> (was it renamed?)", ix.Dist(), a.stem)}
	}
	if err := u.checkLate(paths); err != nil {
		return nil, err
	}
	if err := u.chargeEntryPoints(link, r.EntryPointSize); err != nil {
		return nil, err
	}
	if err := checkEntryPoints(a.path, link, paths); err != nil {
		return nil, err
	}
	if err := checkNoarchTargets(a.path, link, paths); err != nil {
		return nil, err
	}
	// The folders of paths a legacy package lists (paths.json's were
	// counted as it was read), then what each path is in the package.
	if err := u.countPathDirs(paths); err != nil {
		return nil, err
	}
	if err := u.checkListed(paths); err != nil {
		return nil, err
	}
	u.expect, u.late, u.files, u.links, u.dirs, u.sums, u.counted, u.spell = nil, nil, nil, nil, nil, nil, nil, nil // done: let them go
	rec := newRecord(ix, r, sha, md5sum, a.size)
	if err := writeRecord(dir, rec); err != nil {
		return nil, err
	}
	if progress != nil && a.size > read {
		progress(a.size - read)
	}
	x := &Extracted{Index: ix, Paths: paths, Link: link, Record: rec, Notes: u.notes, ModesKnown: true}
	if slices.Contains(u.placed, true) {
		x.Placed = u.placed
	}
	if len(u.execs) > 0 {
		for i, e := range paths.Paths {
			if u.execs[u.canon(e.Path)] {
				x.Exec = append(x.Exec, int32(i))
			}
		}
	}
	u.execs = nil
	return x, nil
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

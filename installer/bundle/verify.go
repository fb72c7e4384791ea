package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sync/errgroup"

	"onboard/internal/atomicfile"
)

// Packages returns the packages of subdir with each zip member once (a
// noarch package used by the base and an env is listed once).
func (b *Bundle) Packages(subdir string) ([]Package, error) {
	p := b.Platform(subdir)
	if p == nil {
		return nil, bundleErr(b.Path, fmt.Sprintf("has no packages for %s", subdir), nil)
	}
	seen := map[string]bool{}
	var out []Package
	for _, pk := range p.All() {
		if !seen[pk.ZipPath()] {
			seen[pk.ZipPath()] = true
			out = append(out, pk)
		}
	}
	return out, nil
}

// Verify reads every package of subdir from the bundle and checks its size
// and sha256 (and the zip's CRC-32) against the manifest (not its md5: see
// checkPackage), with workers
// goroutines (0 = one per CPU). progress, when not nil, gets the bytes read;
// it may be called from several goroutines at once. The first mismatch is
// returned as an *Error.
func (b *Bundle) Verify(ctx context.Context, subdir string, workers int, progress func(n int64)) error {
	pkgs, err := b.Packages(subdir)
	if err != nil {
		return err
	}
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	// The engine's rule for its worker pools (link.ForEach): the first
	// error cancels the rest and is the one returned.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, p := range pkgs {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return b.checkPackage(gctx, p, io.Discard, progress)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// checkPackage copies package p from the zip to w, hashing it, and checks
// what it read against the manifest.
func (b *Bundle) checkPackage(ctx context.Context, p Package, w io.Writer, progress func(int64)) error {
	f := b.files[p.ZipPath()]
	if f == nil {
		return bundleErr(b.Path, p.ZipPath()+" is missing", nil)
	}
	rc, err := f.Open()
	if err != nil {
		return bundleErr(b.Path, "cannot read "+p.ZipPath(), err)
	}
	defer rc.Close()
	// sha256 only, which a manifest always records: the md5 goes into
	// conda-meta unchecked, as the install's extraction leaves it and as
	// conda checks only the sha256 of a record that has one, so that
	// the dry run and the install agree (audit BE 2: the dry run refused
	// a bundle whose md5 alone was wrong, which the install installed)
	s := sha256.New()
	n, err := copyCtx(ctx, io.MultiWriter(w, s), rc, progress)
	var we writeError
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &we):
		// where it was written failed (a full disk), not the bundle
		return fmt.Errorf("failed to copy %s out of the bundle: %w", p.ZipPath(), we.err)
	case err != nil:
		return bundleErr(b.Path, p.ZipPath()+" is damaged", err)
	}
	switch {
	case n != p.Size:
		return bundleErr(b.Path, fmt.Sprintf("%s is %d bytes; want %d", p.ZipPath(), n, p.Size), nil)
	case hex.EncodeToString(s.Sum(nil)) != p.SHA256:
		return bundleErr(b.Path, fmt.Sprintf("sha256 mismatch for %s (the file is damaged)", p.ZipPath()), nil)
	}
	return nil
}

// copyCtx copies src to dst in chunks, checking ctx between them.
// writeError is a failure of copyCtx's writer, not of its reader.
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }
func (e writeError) Unwrap() error { return e.err }

func copyCtx(ctx context.Context, dst io.Writer, src io.Reader, progress func(int64)) (int64, error) {
	buf := make([]byte, 256<<10)
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return total, writeError{err}
			}
			total += int64(n)
			if progress != nil {
				progress(int64(n))
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// CopyPackage writes package p to dir/<fn>, checking its size and hashes on
// the way, and returns the path. A file already there with the right size
// and sha256 is kept. Nothing is left at dir/<fn> when the check fails.
func (b *Bundle) CopyPackage(ctx context.Context, p Package, dir string, progress func(n int64)) (string, error) {
	dst := filepath.Join(dir, p.Fn)
	if ok, _ := fileMatches(dst, p); ok {
		if progress != nil {
			progress(p.Size)
		}
		return dst, nil
	}
	// Archives in a package cache are world-readable, as conda leaves them.
	err := atomicfile.Write(dst, 0o644, func(f io.Writer) error {
		w := newSparseWriter(f)
		if err := b.checkPackage(ctx, p, w, progress); err != nil {
			return err
		}
		return w.Finish()
	})
	if err != nil {
		return "", err
	}
	return dst, nil
}

func fileMatches(path string, p Package) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != p.Size {
		return false, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == p.SHA256, nil
}

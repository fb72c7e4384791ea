package bundle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"onboard/installer/pkg"
	"onboard/internal/atomicfile"
)

// resolved is a lock entry found on disk, with its hashes.
type resolved struct {
	Path         string
	SHA256, MD5  string
	Size         int64
	FromURL      bool // fetched (or read from a file:// URL) rather than found in package_dirs
	LockFile     string
	LockLine     int
	PlatformSdir string
}

// fetcher finds the archive of a lock entry in the package folders, or
// fetches it from its URL into the cache, and checks its hash.
type fetcher struct {
	dirs     []string
	cacheDir string
	client   *http.Client
	logf     func(string, ...any)
}

func (f *fetcher) resolve(ctx context.Context, lockFile string, e LockEntry, platform string) (*resolved, error) {
	wrap := func(err error) error { return &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: err} }
	path, fetched, err := f.locate(ctx, e, platform)
	if err != nil {
		return nil, wrap(&FetchError{Err: err})
	}
	sum, m5, size, err := pkg.HashFile(ctx, path)
	if err != nil {
		return nil, wrap(err)
	}
	switch {
	case e.SHA256 != "" && sum != e.SHA256:
		return nil, wrap(fmt.Errorf("sha256 mismatch: %q has %s; the lock says %s", path, sum, e.SHA256))
	case e.MD5 != "" && m5 != e.MD5:
		return nil, wrap(fmt.Errorf("md5 mismatch: %q has %s; the lock says %s", path, m5, e.MD5))
	}
	return &resolved{Path: path, SHA256: sum, MD5: m5, Size: size, FromURL: fetched, LockFile: lockFile, LockLine: e.Line, PlatformSdir: platform}, nil
}

// FetchError is a lock line's package file that could not be found in
// the package folders nor fetched from its URL: the line may be right, the
// file is not at hand.
type FetchError struct{ Err error }

func (e *FetchError) Error() string { return e.Err.Error() }
func (e *FetchError) Unwrap() error { return e.Err }

// Hint says where the file can come from (LockError's hint, "change line
// N", did not fit a network that is down: audit Z).
func (e *FetchError) Hint() string {
	return "put the package file in one of the spec's package_dirs folders, or check its URL and the network, and build again"
}

// candidates lists where a package may sit in a package folder: a channel
// mirror (<dir>/<subdir>/<fn>) or a conda pkgs/ folder (<dir>/<fn>).
func (f *fetcher) candidates(e LockEntry, platform string) []string {
	var out []string
	for _, d := range f.dirs {
		for _, sd := range []string{e.Subdir, platform, "noarch"} {
			if sd != "" {
				out = append(out, filepath.Join(d, sd, e.Fn))
			}
		}
		out = append(out, filepath.Join(d, e.Fn))
	}
	return out
}

func (f *fetcher) locate(ctx context.Context, e LockEntry, platform string) (string, bool, error) {
	for _, c := range f.candidates(e, platform) {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return c, false, nil
		}
	}
	u, err := url.Parse(e.URL)
	if err != nil {
		return "", false, fmt.Errorf("not found in package_dirs and its URL %q is not valid: %w", e.URL, err)
	}
	switch u.Scheme {
	case "file":
		p := filepath.FromSlash(u.Path)
		if _, err := os.Stat(p); err != nil {
			return "", false, fmt.Errorf("not found in package_dirs nor at %q", p)
		}
		return p, true, nil
	case "http", "https":
		p, err := f.fetch(ctx, e)
		return p, true, err
	}
	return "", false, fmt.Errorf("not found in package_dirs, and %q is not an http, https or file URL", e.URL)
}

// fetch downloads e.URL into the cache (once: a cached file with the right
// hash is reused).
func (f *fetcher) fetch(ctx context.Context, e LockEntry) (string, error) {
	if f.cacheDir == "" {
		return "", errors.New("not found in package_dirs and no download cache is set")
	}
	sd := e.Subdir
	if sd == "" {
		sd = "_"
	}
	dir := filepath.Join(f.cacheDir, sd)
	dst := filepath.Join(dir, e.Fn)
	if sum, m5, _, err := pkg.HashFile(ctx, dst); err == nil && (e.SHA256 == sum || e.SHA256 == "" && e.MD5 == m5) {
		return dst, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("failed to create the download cache: %w", err)
	}
	f.logf("fetch %s", e.URL)
	if err := f.download(ctx, e.URL, dir, dst); err != nil {
		return "", err
	}
	return dst, nil
}

func (f *fetcher) download(ctx context.Context, rawURL, dir, dst string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("failed to fetch %q: %w", rawURL, err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return fmt.Errorf("failed to fetch: %w (put the file in a package_dirs folder to build offline)", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("failed to fetch %q: HTTP %s", rawURL, resp.Status)
	}
	return atomicfile.Write(dst, 0o644, func(w io.Writer) error {
		if _, err := io.Copy(w, resp.Body); err != nil {
			return fmt.Errorf("failed to fetch %q: %w", rawURL, err)
		}
		return nil
	})
}

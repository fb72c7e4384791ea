package pkg

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// ExtractAll extracts every request with Extract on workers goroutines
// (runtime.NumCPU() when workers <= 0), largest archives first so that no
// worker is left with a big one at the end. The first error cancels the
// others (those in progress stop and leave nothing behind, no other one
// starts) and is the error returned, never a context.Canceled that it
// caused; packages finished before it stay extracted. Results are in the
// order of rs. progress calls are serialised.
func ExtractAll(ctx context.Context, rs []Request, workers int, progress func(n int64)) ([]*Extracted, error) {
	return ExtractAllNamed(ctx, rs, workers, progress, nil)
}

// ExtractAllNamed is ExtractAll that also calls started with each
// archive's path when its extraction begins (from the worker goroutines,
// one at a time), so that a user interface can name what is being worked on.
func ExtractAllNamed(ctx context.Context, rs []Request, workers int, progress func(n int64), started func(archive string)) ([]*Extracted, error) {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var mu sync.Mutex
	report := func(n int64) {
		if progress != nil {
			mu.Lock()
			progress(n)
			mu.Unlock()
		}
	}
	out := make([]*Extracted, len(rs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, i := range largestFirst(rs) {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err // the first error, or ctx's, is already in g
			}
			if started != nil {
				mu.Lock()
				started(rs[i].Archive)
				mu.Unlock()
			}
			x, err := Extract(gctx, rs[i], weighted(report, rs[i].Weight, &mu))
			if err == nil && rs[i].Done != nil {
				err = rs[i].Done(x)
			}
			out[i] = x
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // packages were left out when ctx ended while feeding
	}
	return out, nil
}

// weighted returns report scaled by w (report itself when w is 0 or 1),
// carrying the fractions so that the sum is exact; mu serialises it.
func weighted(report func(int64), w float64, mu *sync.Mutex) func(int64) {
	if w <= 0 || w == 1 {
		return report
	}
	var carry float64
	return func(n int64) {
		mu.Lock()
		carry += float64(n) * w
		k := int64(carry)
		carry -= float64(k)
		mu.Unlock()
		report(k)
	}
}

// bz2Cost is how much more CPU a byte of a .tar.bz2 takes to unpack than
// a byte of a .conda (bzip2 decodes at a few MB/s a core, zstd at
// hundreds): measured on the dense benchmark environment, where the
// .tar.bz2 packages are 15% of the archive bytes and 80% of the CPU.
const bz2Cost = 16

// largestFirst returns the indexes of rs by decreasing expected work: the
// archive size, bzip2 bytes weighted by bz2Cost, so that no worker is left
// alone with a slow package at the end; requests marked First come first.
func largestFirst(rs []Request) []int {
	sizes := make([]int64, len(rs))
	order := make([]int, len(rs))
	for i, r := range rs {
		order[i] = i
		if r.Open != nil {
			sizes[i] = r.Expect.Size
		} else if st, err := os.Stat(r.Archive); err == nil {
			sizes[i] = st.Size()
		}
		if strings.HasSuffix(r.Archive, ".tar.bz2") {
			sizes[i] *= bz2Cost
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		if rs[order[a]].First != rs[order[b]].First {
			return rs[order[a]].First
		}
		return sizes[order[a]] > sizes[order[b]]
	})
	return order
}

// ReadInfo reads a package's metadata without extracting it: only the info
// component of a .conda is decompressed (and the pkg component's headers
// when the package is legacy and has symlinks to find); a .tar.bz2 is read
// to its end, its payload discarded.
func ReadInfo(archive string) (*Index, *Paths, *LinkJSON, error) {
	a, err := openArchive(archive)
	if err != nil {
		return nil, nil, nil, err
	}
	defer a.Close()
	src := &memSource{files: map[string][]byte{}, links: map[string]bool{}}
	plain := func(r io.Reader) io.Reader { return r }
	collect := func(r io.Reader) error { return src.collect(r, a.path) }
	if err := a.streams(true, plain, collect); err != nil {
		return nil, nil, nil, err
	}
	if _, ok := src.files["info/paths.json"]; !ok && a.isConda() {
		if err := a.streams(false, plain, collect); err != nil {
			return nil, nil, nil, err
		}
	}
	return parseInfo(src, a.path)
}

func (m *memSource) collect(r io.Reader, archive string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &FormatError{Archive: archive, Reason: "the compressed stream is truncated or corrupt", Err: err}
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if h.Typeflag == tar.TypeSymlink {
			m.links[name] = true
		}
		if !strings.HasPrefix(name, "info/") && h.Typeflag != tar.TypeDir {
			m.members = append(m.members, name)
		}
		max := metaCap(name)
		if max == 0 || h.Typeflag != tar.TypeReg {
			continue // only the info/ files parseInfo reads are kept
		}
		if h.Size > max {
			return &Error{Archive: archive, Member: name, What: "metadata size", Want: strconv.FormatInt(max, 10), Got: strconv.FormatInt(h.Size, 10)}
		}
		b, err := io.ReadAll(io.LimitReader(tr, max))
		if err != nil {
			return &FormatError{Archive: archive, Reason: fmt.Sprintf("cannot read %s", name), Err: err}
		}
		m.files[name] = b
	}
}

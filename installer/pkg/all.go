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
	for _, i := range workOrder(rs) {
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
	sizes := archiveSizes(rs)
	order := make([]int, len(rs))
	for i, r := range rs {
		order[i] = i
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

// archiveSizes returns the size of each request's archive: the expected
// one of a bundle member, else the file's (0 when it cannot be read).
func archiveSizes(rs []Request) []int64 {
	sizes := make([]int64, len(rs))
	for i, r := range rs {
		if r.Open != nil {
			sizes[i] = r.Expect.Size
		} else if st, err := os.Stat(r.Archive); err == nil {
			sizes[i] = st.Size()
		}
	}
	return sizes
}

// workOrder returns the indexes of rs in the order ExtractAll starts
// them. With the files and bytes of every request known, it mixes the
// packages so that at any point of the run about the same share is done
// of the files, of the bytes and of the bzip2 archives: packages of large
// files, packages of many small ones and .tar.bz2 ones, whose decoding
// costs a core per few MB, take turns. The speed of the start then says
// how the rest will go whatever a byte, a file and a bzip2 byte cost on
// this machine (the page cache can make the first gigabytes twice as
// cheap as the rest), and the front ends' time left, which extrapolates
// the speed so far, holds. Within each kind the largest come first, so
// that no worker is left alone with a slow package at the end. Without
// the facts: largestFirst.
func workOrder(rs []Request) []int {
	order := largestFirst(rs)
	sizes := archiveSizes(rs)
	mixes := make([]mix, len(rs))
	var total mix
	for i, r := range rs {
		if r.Files <= 0 || r.Unpacked <= 0 {
			return order
		}
		mixes[i] = mix{float64(r.Files), float64(r.Unpacked)}
		if strings.HasSuffix(r.Archive, ".tar.bz2") {
			mixes[i][2] = float64(max(sizes[i], 1))
		}
		total = total.add(mixes[i])
	}
	for i := range mixes {
		mixes[i] = mixes[i].share(total)
	}
	// Four queues: bzip2 or not, of large files or of many files.
	var queues [4][]int
	var out []int
	var done mix
	for _, i := range order {
		if rs[i].First {
			out = append(out, i)
			done = done.add(mixes[i])
			continue
		}
		m := mixes[i]
		q := 0
		if m[1] >= m[0] {
			q = 1
		}
		if m[2] > 0 {
			q += 2
		}
		queues[q] = append(queues[q], i)
	}
	for {
		best, bestSpread := -1, 0.0
		for q := range queues {
			if len(queues[q]) == 0 {
				continue
			}
			if s := done.add(mixes[queues[q][0]]).spread(total); best < 0 || s < bestSpread {
				best, bestSpread = q, s
			}
		}
		if best < 0 {
			return out
		}
		i := queues[best][0]
		queues[best] = queues[best][1:]
		out = append(out, i)
		done = done.add(mixes[i])
	}
}

// mix is what a package holds that its extraction's cost follows: files,
// unpacked bytes and bzip2 archive bytes.
type mix [3]float64

func (m mix) add(o mix) mix { return mix{m[0] + o[0], m[1] + o[1], m[2] + o[2]} }

// share is m as shares of total (0 where total has none).
func (m mix) share(total mix) mix {
	var s mix
	for k := range m {
		if total[k] > 0 {
			s[k] = m[k] / total[k]
		}
	}
	return s
}

// spread is how far apart the shares of m are, over the kinds total has.
func (m mix) spread(total mix) float64 {
	lo, hi := 2.0, -1.0
	for k := range m {
		if total[k] > 0 {
			lo, hi = min(lo, m[k]), max(hi, m[k])
		}
	}
	return hi - lo
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

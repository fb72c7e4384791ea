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
// (runtime.NumCPU() when workers <= 0), in workOrder's order. The first error cancels the
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

// workOrder returns the indexes of rs in the order ExtractAll starts
// them; requests marked First come first. The others go by decreasing
// expected work (the archive size, bzip2 bytes weighted by bz2Cost), so
// that no worker is left alone with a slow package at the end, unless
// every one of them has its Cost: then both ends of that order are
// drawn from so that what has been started always holds the same share
// of the files' cost as of the bytes' cost (the next is the largest left
// while the bytes are behind, else the smallest left). Any stretch of the
// extraction is then a fair sample of the whole, and a time left worked
// out from its pace does not hang on how a machine's cost per file
// compares to its cost per byte. Largest first did the bytes first: at a
// quarter of the scale series' 8× environment, 41% of its bytes and 5%
// of its files (docs/performance.md, "The order of the packages"). The
// two ends meet at the middle-sized packages, and the last tenth of the
// work goes largest first, so the last ones to start are small.
func workOrder(rs []Request) []int {
	sizes := make([]int64, len(rs))
	order := make([]int, len(rs))
	costed := true
	var fileCost, byteCost float64
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
		if !r.First {
			costed = costed && r.Cost.Files > 0 && r.Cost.Bytes > 0
			fileCost += r.Cost.Files
			byteCost += r.Cost.Bytes
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		if rs[order[a]].First != rs[order[b]].First {
			return rs[order[a]].First
		}
		return sizes[order[a]] > sizes[order[b]]
	})
	if !costed {
		return order
	}
	first := 0
	for first < len(order) && rs[order[first]].First {
		first++
	}
	rest := order[first:]
	out := append(make([]int, 0, len(order)), order[:first]...)
	var files, bytes float64 // the shares started
	for lo, hi := 0, len(rest)-1; lo <= hi; {
		var i int
		if bytes > files {
			i, hi = rest[hi], hi-1
		} else {
			i, lo = rest[lo], lo+1
		}
		files += rs[i].Cost.Files / fileCost
		bytes += rs[i].Cost.Bytes / byteCost
		out = append(out, i)
	}
	// The packages of the last tailShare of the work go largest first
	// again, so that a package that takes longer than its cost says
	// does not start at the very end.
	tail, left := len(out), 0.0
	for tail > first && left < tailShare {
		tail--
		left += (rs[out[tail]].Cost.Files + rs[out[tail]].Cost.Bytes) / (fileCost + byteCost)
	}
	sort.SliceStable(out[tail:], func(a, b int) bool { return sizes[out[tail+a]] > sizes[out[tail+b]] })
	return out
}

// tailShare is the share of the work at the end of workOrder that goes
// largest first.
const tailShare = 0.1

// Info is a package's metadata as ReadPackageInfo reads it.
type Info struct {
	Index    *Index
	Paths    *Paths
	Link     *LinkJSON // nil when the package has none
	Messages []Message // info/prelink_messages/, by File
}

// ReadInfo is ReadPackageInfo without the messages.
func ReadInfo(archive string) (*Index, *Paths, *LinkJSON, error) {
	i, err := ReadPackageInfo(archive)
	if err != nil {
		return nil, nil, nil, err
	}
	return i.Index, i.Paths, i.Link, nil
}

// ReadPackageInfo reads a package's metadata without extracting it: only
// the info component of a .conda is decompressed (and the pkg component's
// headers when the package is legacy and has symlinks to find); a
// .tar.bz2 is read to its end, its payload discarded.
func ReadPackageInfo(archive string) (*Info, error) {
	return readPackageInfo(Request{Archive: archive})
}

// readPackageInfo is ReadPackageInfo of r's archive (see openRequest).
func readPackageInfo(r Request) (*Info, error) {
	a, err := openRequest(r)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	src := &memSource{files: map[string][]byte{}, links: map[string]bool{}}
	plain := func(r io.Reader) io.Reader { return r }
	b := archiveBound(a.size)
	collect := func(r io.Reader) error { return src.collect(r, a.path, b) }
	if err := a.streams(true, plain, collect); err != nil {
		return nil, err
	}
	if _, ok := src.files["info/paths.json"]; !ok && a.isConda() {
		if err := a.streams(false, plain, collect); err != nil {
			return nil, err
		}
	}
	ix, paths, link, err := parseInfoWith(src, a.path, nil, b)
	if err != nil {
		return nil, err
	}
	sort.Slice(src.messages, func(i, j int) bool { return src.messages[i].File < src.messages[j].File })
	return &Info{Index: ix, Paths: paths, Link: link, Messages: src.messages}, nil
}

func (m *memSource) collect(r io.Reader, archive string, b bound) error {
	meter := &headerMeter{r: r}
	tr := tar.NewReader(meter)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &FormatError{Archive: archive, Reason: streamReason(err), Err: err}
		}
		// Its headers and the name kept, within the budget the install
		// holds the package to: bundle build kept every name it read,
		// and took 2.2 GB for a package of 300,000 empty members of long
		// names that the install refuses at 120 MB (audit P).
		if m.spent += max(meter.next(h), headerCost(h)) + int64(len(h.Name)); b.limit > 0 && m.spent > b.limit {
			return &Error{Archive: archive, Member: h.Name, What: "total size", Want: strconv.FormatInt(b.limit, 10)}
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if h.Typeflag == tar.TypeSymlink {
			m.links[name] = true
		}
		if !strings.HasPrefix(name, "info/") && h.Typeflag != tar.TypeDir {
			m.members = append(m.members, name)
		}
		if rel, ok := strings.CutPrefix(name, PrelinkMessagesDir); ok && h.Typeflag != tar.TypeDir {
			if err := m.message(tr, h, rel, archive); err != nil {
				return err
			}
			continue
		}
		max := metaCap(name)
		if max == 0 || !regularMember(h.Typeflag) {
			continue // only the info/ files parseInfo reads are kept
		}
		if h.Size > max {
			return &Error{Archive: archive, Member: name, What: "metadata size", Want: strconv.FormatInt(max, 10), Got: strconv.FormatInt(h.Size, 10)}
		}
		if m.spent += h.Size; b.limit > 0 && m.spent > b.limit {
			return &Error{Archive: archive, Member: name, What: "total size", Want: strconv.FormatInt(b.limit, 10)}
		}
		b, err := io.ReadAll(io.LimitReader(tr, max))
		if err != nil {
			return &FormatError{Archive: archive, Reason: fmt.Sprintf("cannot read %s", name), Err: err}
		}
		m.files[name] = b
	}
}

// message keeps the file rel of info/prelink_messages/, within
// MaxPrelinkMessages for all of them. A later member of the same name
// replaces the earlier one, as it would on the disk.
func (m *memSource) message(r io.Reader, h *tar.Header, rel, archive string) error {
	if !regularMember(h.Typeflag) {
		// conda reads a message through a link; it would be text the
		// package does not hold (another file of the build machine).
		return &FormatError{Archive: archive, Reason: fmt.Sprintf("%s%s is a link, not a file: a message is shown as the package holds it", PrelinkMessagesDir, rel)}
	}
	tooLong := &Error{Archive: archive, Member: PrelinkMessagesDir, What: "messages size", Want: strconv.Itoa(MaxPrelinkMessages)}
	if h.Size < 0 || m.messageBytes+h.Size > MaxPrelinkMessages {
		return tooLong
	}
	b, err := io.ReadAll(io.LimitReader(r, h.Size))
	if err != nil {
		return &FormatError{Archive: archive, Reason: "cannot read " + PrelinkMessagesDir + rel, Err: err}
	}
	msg := Message{File: DisplayText([]byte(rel)), Text: DisplayText(b)}
	// The cap holds for the text as shown too (a control byte shown as
	// U+FFFD takes three), which is what bundle.json carries and Open
	// checks.
	if m.messageBytes += int64(len(msg.Text)); m.messageBytes > MaxPrelinkMessages {
		return tooLong
	}
	for i := range m.messages {
		if m.messages[i].File == msg.File {
			m.messages[i] = msg
			return nil
		}
	}
	m.messages = append(m.messages, msg)
	return nil
}

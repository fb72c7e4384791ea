package pkg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// twoFaced answers the first read of each byte with one version of a file
// and every later read with another: storage that changes a file between
// reads (a hostile share, a racing writer).
type twoFaced struct {
	first, later []byte
	mu           sync.Mutex
	seen         []bool
}

func (r *twoFaced) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for i := range p {
		o := off + int64(i)
		if o >= int64(len(r.first)) {
			break
		}
		if r.seen[o] {
			p[i] = r.later[o]
		} else {
			p[i], r.seen[o] = r.first[o], true
		}
		n++
	}
	if n < len(p) {
		return n, errEOF
	}
	return n, nil
}

var errEOF = errors.New("EOF")

// Every byte hashAt hands out is a byte its sum covers: when the storage
// answers a second read of the same bytes with other bytes, either a read
// or the sum fails, or the sum is not the real file's. Before, a read far
// ahead (a zip's directory) or behind the hash (bytes it had hashed while
// reading ahead of a header) was handed out unhashed, and the sum of the
// other read passed as the file's.
func TestHashAtUsesOnlyHashedBytes(t *testing.T) {
	rereads := 0
	for _, size := range []int{40 << 10, 300 << 10, 3 << 20} {
		real := make([]byte, size)
		rand.New(rand.NewSource(int64(size))).Read(real)
		fake := bytes.Clone(real)
		for i := 0; i < size; i += 4096 {
			fake[i] ^= 0x5a
		}
		want := sha256.Sum256(real)
		// read patterns of a zip reader: the end records, the directory,
		// then members from the start, a header read again
		patterns := map[string][][2]int{
			"zip":     {{size - 22, 22}, {size - 2000, 1978}, {0, 64}, {64, size / 2}, {30, 40}, {size / 2, size/2 - 2000}},
			"reread":  {{0, size / 3}, {0, size / 3}, {size / 3, size - size/3}},
			"ahead":   {{size - 4096, 4096}, {0, size - 4096}},
			"headers": {{100, 30}, {130, 5000}, {40, 200}},
		}
		for name, reads := range patterns {
			for _, order := range []string{"real first", "fake first"} {
				src := &twoFaced{first: real, later: fake, seen: make([]bool, size)}
				if order == "fake first" {
					src.first, src.later = fake, real
				}
				h := newHashAt(src, int64(size), false)
				handed := bytes.Clone(real) // what the reader was given, by offset
				readErr := false
				for _, rd := range reads {
					p := make([]byte, rd[1])
					n, err := h.ReadAt(p, int64(rd[0]))
					copy(handed[rd[0]:], p[:n])
					readErr = readErr || (err != nil && err != errEOF)
				}
				sha, _, _, err := h.finish(context.Background())
				var hm *HashMismatchError
				if errors.As(err, &hm) && hm.What == "reread" {
					rereads++
				}
				if readErr || err != nil || sha != hex.EncodeToString(want[:]) {
					continue // caught
				}
				if !bytes.Equal(handed, real) {
					t.Errorf("size %d, %s, %s: bytes other than the hashed ones were handed out, and the sum passed", size, name, order)
				}
			}
		}
	}
	if rereads == 0 {
		t.Error("no two reads that differed were reported as such")
	}
}

// End to end: a real .conda on storage that answers a second read of any
// byte with other bytes is either refused as damaged (a HashMismatchError:
// its sum, or two reads that differed) or extracted from the real bytes
// alone.
func TestExtractOnStorageThatChangesBetweenReads(t *testing.T) {
	for _, rel := range []string{"conda-test-recipes/python-3.99.99-0.conda", "rattler/link-scripts-0.1.0-h4616a5c_0.conda"} {
		archive := filepath.Join(fixtures(t), filepath.FromSlash(rel))
		real, err := os.ReadFile(archive)
		if err != nil {
			t.Fatal(err)
		}
		fake := bytes.Clone(real)
		for i := 0; i < len(fake); i += 97 {
			fake[i] ^= 1
		}
		sum := sha256.Sum256(real)
		want, err := Extract(context.Background(), Request{Archive: archive, Dest: filepath.Join(t.TempDir(), "x")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, fakeFirst := range []bool{false, true} {
			src := &twoFaced{first: real, later: fake, seen: make([]bool, len(real))}
			if fakeFirst {
				src.first, src.later = fake, real
			}
			open := func() (io.ReaderAt, int64, io.Closer, error) { return src, int64(len(real)), nil, nil }
			dest := filepath.Join(t.TempDir(), "x")
			x, err := Extract(context.Background(), Request{Archive: archive, Open: open, Dest: dest,
				Expect: Expect{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(real))}}, nil)
			var hm *HashMismatchError
			switch {
			case errors.As(err, &hm):
				if _, serr := os.Stat(dest); serr == nil {
					t.Fatalf("%s: the refused package left its folder", rel)
				}
			case err != nil:
				t.Fatalf("%s (fake first %v): Extract = %v; want a HashMismatchError or the real package", rel, fakeFirst, err)
			default:
				if treeSums(t, x.Dir) != treeSums(t, want.Dir) {
					t.Fatalf("%s (fake first %v): extracted other bytes than the package's", rel, fakeFirst)
				}
			}
		}
	}
}

// treeSums lists each file under dir with the sha256 of its bytes.
func treeSums(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			sum := sha256.Sum256(data)
			rel, _ := filepath.Rel(dir, p)
			b.WriteString(rel + " " + hex.EncodeToString(sum[:]) + "\n")
		}
		return nil
	})
	return b.String()
}

// Hashing the rest of an archive (a damaged package's, after the
// extraction stopped) stops when the install is cancelled: Ctrl-C used to
// wait for the whole of a large package.
func TestHashAtFinishIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := newHashAt(zeros{}, 4<<30, false)
	if _, _, _, err := h.finish(ctx); !errors.Is(err, context.Canceled) || h.next > 0 {
		t.Fatalf("finish after cancel: %v, hashed %d bytes", err, h.next)
	}
}

type zeros struct{}

func (zeros) ReadAt(p []byte, off int64) (int, error) { clear(p); return len(p), nil }

// A package read in place (Request.Open) that cannot be opened is named
// by its file, not by Archive's path, where no file is.
func TestAnOpenerFailureNamesThePackageFile(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "pkgs", "zlib-1.2.11-h7b6447c_3.conda")
	open := func() (io.ReaderAt, int64, io.Closer, error) { return nil, 0, nil, errors.New("member unreadable") }
	_, err := Extract(context.Background(), Request{Archive: archive, Open: open, Dest: filepath.Join(t.TempDir(), "x")}, nil)
	if err == nil || strings.Contains(err.Error(), archive) || !strings.Contains(err.Error(), `"zlib-1.2.11-h7b6447c_3.conda"`) {
		t.Fatalf("Extract = %v", err)
	}
}

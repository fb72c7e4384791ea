package pkg

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"onboard/internal/condatest"
)

// hostile writes spec()'s info with the given payload members, in both formats.
func hostile(t *testing.T, format string, info []condatest.Member, members ...condatest.Member) (root, archive string) {
	t.Helper()
	root = t.TempDir()
	in := filepath.Join(root, "in")
	os.Mkdir(in, 0o755)
	var err error
	if format == "conda" {
		archive, err = condatest.WriteRawConda(in, "evil-1.0-0", members, info)
	} else {
		archive, err = condatest.WriteRawTarBz2(in, "evil-1.0-0", append(append([]condatest.Member{}, info...), members...))
	}
	if err != nil {
		t.Fatal(err)
	}
	return root, archive
}

// wantRefused extracts archive into a package cache and into a Dest
// folder, and wants an *Error about member with what, and nothing left.
func wantRefused(t *testing.T, root, archive, member, what string) *Error {
	t.Helper()
	var last *Error
	for _, dest := range []string{"", filepath.Join(root, "scratch", "x")} {
		pkgs := filepath.Join(root, "pkgs")
		_, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs, Dest: dest}, nil)
		var pe *Error
		if !errors.As(err, &pe) || pe.Member != member || pe.What != what {
			t.Fatalf("Extract (dest %q) error = %v; want a *pkg.Error about the %s of %q", dest, err, what, member)
		}
		if !strings.Contains(err.Error(), "evil-1.0-0") || !strings.Contains(err.Error(), member) {
			t.Errorf("error %q does not name the package and the member", err)
		}
		if got := leftovers(t, pkgs); len(got) != 0 {
			t.Errorf("pkgs holds %v after a refused package; want it empty", got)
		}
		if _, err := os.Lstat(filepath.Join(root, "scratch", "x")); err == nil {
			t.Errorf("the Dest folder is left after a refused package")
		}
		last = pe
	}
	return last
}

func TestDecompressionBombRefused(t *testing.T) {
	// "ok\n" in paths.json (3 bytes); the archive holds 8 MiB of zeros
	// there, a few kilobytes compressed.
	bomb := condatest.Member{Name: "share/ok.txt", Data: make([]byte, 8<<20)}
	for _, format := range []string{"conda", "tar.bz2"} {
		t.Run(format, func(t *testing.T) {
			root, archive := hostile(t, format, okInfo(t), bomb)
			if st, _ := os.Stat(archive); st.Size() > 64<<10 {
				t.Fatalf("the bomb archive is %d bytes; the test wants a small one", st.Size())
			}
			e := wantRefused(t, root, archive, "share/ok.txt", "size")
			if e.Want != "3" || !strings.HasPrefix(e.Got, "4") {
				t.Errorf("sizes in the error = want %s got %s; want 3 and more than 3", e.Want, e.Got)
			}
		})
	}
}

func TestContentNotMatchingManifestRefused(t *testing.T) {
	// Same size as "ok\n", other bytes: only the sha256 tells.
	bad := condatest.Member{Name: "share/ok.txt", Data: []byte("no\n")}
	for _, format := range []string{"conda", "tar.bz2"} {
		t.Run(format, func(t *testing.T) {
			root, archive := hostile(t, format, okInfo(t), bad)
			e := wantRefused(t, root, archive, "share/ok.txt", "sha256")
			if e.Got == e.Want || len(e.Got) != 64 {
				t.Errorf("hashes in the error = %s / %s", e.Want, e.Got)
			}
		})
	}
}

func TestPayloadBeforePathsJSONChecked(t *testing.T) {
	// A .tar.bz2 whose payload comes before info/: the file is checked
	// once paths.json is known.
	bad := condatest.Member{Name: "share/ok.txt", Data: []byte("no\n")}
	root := t.TempDir()
	archive, err := condatest.WriteRawTarBz2(root, "evil-1.0-0", append([]condatest.Member{bad}, okInfo(t)...))
	if err != nil {
		t.Fatal(err)
	}
	wantRefused(t, root, archive, "share/ok.txt", "sha256")
}

func TestPaddedMetadataRefused(t *testing.T) {
	// Valid JSON padded with spaces: zstd and bzip2 make that a few
	// kilobytes. index.json past its cap is refused by the cap; paths.json
	// is refused by the package's unpacked-size bound before its own cap.
	for _, tt := range []struct {
		member string
		pad    int
		what   string
	}{
		{"info/index.json", MaxIndexJSON + 1, "metadata size"},
		{"info/paths.json", unsizedBudgetBase + 16<<20, "total size"},
	} {
		t.Run(tt.member, func(t *testing.T) {
			info := okInfo(t)
			for i := range info {
				if info[i].Name == tt.member {
					info[i].Data = append(bytes.Repeat([]byte(" "), tt.pad), info[i].Data...)
				}
			}
			root, archive := hostile(t, "conda", info, condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")})
			wantRefused(t, root, archive, tt.member, tt.what)
		})
	}
}

func TestReadCappedNamesTheCap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "index.json")
	os.WriteFile(p, make([]byte, 11), 0o644)
	_, err := readCapped(p, 10, "a.conda", "info/index.json")
	var e *Error
	if !errors.As(err, &e) || e.Want != "10" || e.What != "metadata size" {
		t.Fatalf("readCapped of 11 bytes with a cap of 10 = %v; want a metadata size *Error", err)
	}
	if b, err := readCapped(p, 11, "a.conda", "info/index.json"); err != nil || len(b) != 11 {
		t.Fatalf("readCapped at the cap = %d bytes, %v", len(b), err)
	}
}

func TestUnsizedPackageBoundedByArchiveSize(t *testing.T) {
	// A legacy package records no sizes: its whole payload is bounded by a
	// multiple of the archive size.
	s := spec()
	s.Legacy = true
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	big := condatest.Member{Name: "share/ok.txt", Data: make([]byte, unsizedBudgetBase+(1<<20))}
	root, archive := hostile(t, "conda", info, big)
	wantRefused(t, root, archive, "share/ok.txt", "total size")
}

// TestOpenerReadsOnce extracts a package through Request.Open from an
// in-memory ReaderAt that counts what is read: the archive is read about
// once, and its hash is still checked (a wrong one refuses the package).
func TestOpenerReadsOnce(t *testing.T) {
	for _, format := range []string{"conda", "tar.bz2"} {
		t.Run(format, func(t *testing.T) {
			root := t.TempDir()
			s := spec()
			s.Files = append(s.Files, condatest.File{Path: "lib/big.bin", Data: bytes.Repeat([]byte("abcdefgh12345678"), 1<<16)})
			var archive string
			var err error
			if format == "conda" {
				archive, err = condatest.WriteConda(root, s)
			} else {
				archive, err = condatest.WriteTarBz2(root, s)
			}
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(archive)
			sha, _, size, _ := HashFile(archive)
			cr := &countingReaderAt{r: bytes.NewReader(data)}
			open := func() (io.ReaderAt, int64, io.Closer, error) { return cr, int64(len(data)), nil, nil }
			name := filepath.Join(root, "named", filepath.Base(archive))
			x, err := Extract(context.Background(), Request{Archive: name, Open: open, Dest: filepath.Join(root, "x"),
				Expect: Expect{SHA256: sha, Size: size}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if x.Dir != filepath.Join(root, "x") || x.Record.SHA256 != sha {
				t.Errorf("Dir %q, record sha256 %q", x.Dir, x.Record.SHA256)
			}
			if got, _ := os.ReadFile(filepath.Join(root, "x", "lib", "big.bin")); len(got) != 1<<20 {
				t.Errorf("lib/big.bin has %d bytes", len(got))
			}
			if cr.n > size+size/4+8192 {
				t.Errorf("read %d bytes of a %d-byte archive; want it read about once", cr.n, size)
			}
			wrong := strings.Repeat("0", 64)
			_, err = Extract(context.Background(), Request{Archive: name, Open: open, Dest: filepath.Join(root, "y"),
				Expect: Expect{SHA256: wrong}}, nil)
			var hm *HashMismatchError
			if !errors.As(err, &hm) || hm.Got != sha {
				t.Fatalf("Extract with a wrong sha256 = %v; want a HashMismatchError with the real sum", err)
			}
			if _, err := os.Lstat(filepath.Join(root, "y")); err == nil {
				t.Error("a refused package left its folder")
			}
		})
	}
}

type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

func TestWorkOrderPutsBzip2First(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, size int) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, make([]byte, size), 0o644)
		return p
	}
	rs := []Request{
		{Archive: mk("big-1-0.conda", 4<<20)},
		{Archive: mk("small-1-0.tar.bz2", 1<<20)},
		{Archive: mk("tiny-1-0.conda", 1<<10)},
		{Archive: "bundled-1-0.conda", Open: func() (io.ReaderAt, int64, io.Closer, error) { return nil, 0, nil, nil }, Expect: Expect{Size: 8 << 20}},
	}
	got := largestFirst(rs)
	if want := []int{1, 3, 0, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("work order %v; want %v (bzip2 weighted, bundled sizes from Expect)", got, want)
	}
}

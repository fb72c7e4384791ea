package pkg

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
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
// folder, and wants an *Error about member ("" = any) with what, and
// nothing left.
func wantRefused(t *testing.T, root, archive, member, what string) *Error {
	t.Helper()
	var last *Error
	for _, dest := range []string{"", filepath.Join(root, "scratch", "x")} {
		pkgs := filepath.Join(root, "pkgs")
		_, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs, Dest: dest}, nil)
		var pe *Error
		if !errors.As(err, &pe) || member != "" && pe.Member != member || pe.What != what {
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
			sha, _, size, _ := HashFile(context.Background(), archive)
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
	got := workOrder(rs)
	if want := []int{1, 3, 0, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("work order %v; want %v (bzip2 weighted, bundled sizes from Expect)", got, want)
	}
}

// bundled is a request for a package in a bundle of size bytes, with its
// expected cost.
func bundled(name string, size int64, cost Cost) Request {
	return Request{Archive: name, Expect: Expect{Size: size}, Cost: cost,
		Open: func() (io.ReaderAt, int64, io.Closer, error) { return nil, 0, nil, nil }}
}

func TestWorkOrderInterleavesFilesAndBytes(t *testing.T) {
	// Sizes spread as in a real env: a few large packages hold most of
	// the bytes, many small ones most of the files.
	var rs []Request
	var largest int
	for i := range 400 {
		size := int64(20<<10) << (i % 11) // 20 kB to 20 MB
		files := 5 + int(size>>14)/(1+i%11)
		rs = append(rs, bundled(fmt.Sprintf("p%03d-1-0.conda", i), size,
			Cost{Files: 175 * float64(files), Bytes: 9000 * float64(size) * 2.4 / (1 << 20)}))
		if size > rs[largest].Expect.Size {
			largest = i
		}
	}
	rs = append(rs, bundled("python-3.12.0-0.conda", 30<<20, Cost{Files: 175 * 4000, Bytes: 9000 * 100}))
	rs[len(rs)-1].First = true

	order := workOrder(rs)
	seen := map[int]bool{}
	for _, i := range order {
		seen[i] = true
	}
	if len(order) != len(rs) || len(seen) != len(rs) {
		t.Fatalf("work order has %d entries, %d different, for %d requests", len(order), len(seen), len(rs))
	}
	if order[0] != len(rs)-1 {
		t.Fatalf("work order starts with %s; want the request marked First", rs[order[0]].Archive)
	}
	var fileCost, byteCost float64
	for _, r := range rs[:len(rs)-1] {
		fileCost += r.Cost.Files
		byteCost += r.Cost.Bytes
	}
	// Every stretch starting at the beginning holds files and bytes in
	// nearly the same shares; largest first would hold the bytes first.
	var files, bytes float64
	worst := 0.0
	for _, i := range order[1:] {
		files += rs[i].Cost.Files / fileCost
		bytes += rs[i].Cost.Bytes / byteCost
		worst = max(worst, math.Abs(files-bytes))
	}
	if worst > 0.05 {
		t.Errorf("the shares of files and bytes started drift %.0f points apart; want at most 5", 100*worst)
	}
	if order[1] != largest {
		t.Errorf("after First, the work order starts with %s; want the largest, %s", rs[order[1]].Archive, rs[largest].Archive)
	}
	// The last ones to start are small: no worker is left alone with a
	// large one at the end.
	total := fileCost + byteCost
	for _, i := range order[len(order)-10:] {
		if c := rs[i].Cost.Files + rs[i].Cost.Bytes; c > total/200 {
			t.Errorf("%s, %.1f%% of the work, starts among the last ten; want under 0.5%%", rs[i].Archive, 100*c/total)
		}
	}
	if c := rs[largest].Cost.Files + rs[largest].Cost.Bytes; c <= total/200 {
		t.Fatalf("the largest package is %.1f%% of the work: the test needs one that would matter at the end", 100*c/total)
	}

	// One request without its cost: largest first, as before.
	rs[3].Cost = Cost{}
	order = workOrder(rs)
	for k := 2; k < len(order); k++ {
		if rs[order[k]].Expect.Size > rs[order[k-1]].Expect.Size {
			t.Fatalf("without every cost, %s comes after the smaller %s", rs[order[k]].Archive, rs[order[k-1]].Archive)
		}
	}
}

// TestManyEmptyMembersRefused: members that unpack to nothing still cost
// an inode each and memory in the extractor, so each header counts toward
// the package-wide budget. Run at the untar level with a small budget, so
// that it takes thousands of members, not a hundred thousand.
func TestManyEmptyMembersRefused(t *testing.T) {
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	const n = 1000
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("share/e/%05d", i)
		if i%2 == 1 {
			tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: "x"})
			continue
		}
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644})
	}
	tw.Close()
	extract := func(budget int64) error {
		dir := filepath.Join(t.TempDir(), "x")
		os.Mkdir(dir, 0o755)
		return newUntar("evil-1.0-0.tar.bz2", dir, budget).extract(context.Background(), bytes.NewReader(tarball.Bytes()))
	}
	if err := extract(n*600 + 2*dirCost); err != nil { // and share/, share/e/
		t.Fatalf("%d empty members within the budget: %v", n, err)
	}
	err := extract(n * 400)
	var e *Error
	if !errors.As(err, &e) || e.What != "total size" || e.Want != fmt.Sprint(n*400) || !strings.HasPrefix(e.Member, "share/e/") {
		t.Fatalf("%d empty members past a budget of %d bytes: %v; want a total size *pkg.Error", n, n*400, err)
	}
}

// TestRewrittenMemberRefused: a package may repeat a member (the later one
// wins, as in tar), but every repeat is written again. paths.json sizes
// share/big at 1 MiB; a hundred copies of it, a few kilobytes compressed,
// would write 100 MiB if each were bounded only by its own size.
func TestRewrittenMemberRefused(t *testing.T) {
	s := spec()
	s.Files = []condatest.File{{Path: "share/big", Data: make([]byte, 1<<20)}}
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	copies := make([]condatest.Member, 100)
	for i := range copies {
		copies[i] = condatest.Member{Name: "share/big", Data: make([]byte, 1<<20)}
	}
	for _, format := range []string{"conda", "tar.bz2"} {
		t.Run(format, func(t *testing.T) {
			root, archive := hostile(t, format, info, copies[:2]...)
			if _, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: filepath.Join(root, "pkgs")}, nil); err != nil {
				t.Fatalf("a member given twice: %v; want it extracted", err)
			}
			root, archive = hostile(t, format, info, copies...)
			if st, _ := os.Stat(archive); st.Size() > 256<<10 {
				t.Fatalf("the archive is %d bytes; the test wants a small one", st.Size())
			}
			wantRefused(t, root, archive, "share/big", "total size")
		})
	}
}

// A metadata file given twice is refused: the payload was checked against
// the first paths.json, and the cache would keep the second.
func TestMetadataGivenTwiceRefused(t *testing.T) {
	info := okInfo(t)
	for _, m := range info {
		if m.Name == "info/paths.json" {
			info = append(info, condatest.Member{Name: m.Name, Data: []byte(`{"paths": [], "paths_version": 1}`)})
		}
	}
	for _, format := range []string{"conda", "tar.bz2"} {
		t.Run(format, func(t *testing.T) {
			_, archive := hostile(t, format, info, condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")})
			wantFormatError(t, archive, "info/paths.json appears twice")
		})
	}
}

// deepNames returns n paths of depth folders each, none sharing a folder
// but the first: a folder for every two bytes of a name.
func deepNames(n, depth int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("share/d%03d/", i) + strings.Repeat("a/", depth) + "f"
	}
	return names
}

// TestDeepFolderBombRefused: members named share/dNNN/a/a/…/f make a
// folder, a block of the disk, for every two bytes of their names: 200 of
// depth 1,000 make 200,000 from an archive of a few kilobytes. Every
// folder a package makes counts toward the package-wide budget. Run at the
// untar level with a small budget: 20 members of depth 100 fit it by
// their headers, not by their 2,000 folders.
func TestDeepFolderBombRefused(t *testing.T) {
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	for _, n := range deepNames(20, 100) {
		tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644})
	}
	tw.Close()
	const budget = 64 << 10
	dir := filepath.Join(t.TempDir(), "x")
	os.Mkdir(dir, 0o755)
	err := newUntar("evil-1.0-0.tar.bz2", dir, budget).extract(context.Background(), bytes.NewReader(tarball.Bytes()))
	var e *Error
	if !errors.As(err, &e) || e.What != "total size" || !strings.HasPrefix(e.Member, "share/d0") {
		t.Fatalf("2,000 folders past a budget of %d bytes: %v; want a total size *pkg.Error at a folder", budget, err)
	}
	made := 0
	filepath.WalkDir(dir, func(string, fs.DirEntry, error) error { made++; return nil })
	if made > budget/dirCost+2 {
		t.Errorf("%d folders made before the refusal; want at most the %d the budget pays for", made, budget/dirCost)
	}
}

// TestDeepFolderBombInPathsJSONRefused: paths.json alone names the
// folders (directory entries, made by the link step, and the parents of
// files, made in the prefix before the files arrive when they are placed
// there): they are counted as soon as paths.json is read.
func TestDeepFolderBombInPathsJSONRefused(t *testing.T) {
	var entries []string
	for _, n := range deepNames(200, 1000) {
		entries = append(entries, fmt.Sprintf(`{"_path": %q, "path_type": "directory"}`, n))
	}
	s := spec()
	s.InfoFiles = []condatest.File{{Path: "info/paths.json", Data: []byte(`{"paths": [` + strings.Join(entries, ", ") + `], "paths_version": 1}`)}}
	s.Files = nil
	for _, write := range []func(string, condatest.Spec) (string, error){condatest.WriteConda, condatest.WriteTarBz2} {
		root := t.TempDir()
		archive, err := write(root, s)
		if err != nil {
			t.Fatal(err)
		}
		e := wantRefused(t, root, archive, "", "total size")
		if !strings.HasPrefix(e.Member, "share/d0") {
			t.Errorf("refused at %q; want a folder under share/", e.Member)
		}
	}
}

// TestPathsJSONOfMoreEntriesThanTheBudgetRefused: every entry of
// paths.json costs the package at least pathEntryCost (its member's
// header, or its folder), so one of more entries than the budget pays for
// is refused as it is decoded, before its entries fill the memory: here
// 300,000 entries of files the archive does not hold, 13 MB of JSON in
// an archive of a few hundred kilobytes. ReadInfo (bundle build) refuses
// it the same way.
func TestPathsJSONOfMoreEntriesThanTheBudgetRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"paths": [`)
	for i := range 300_000 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"_path": "f%07d", "path_type": "hardlink"}`, i)
	}
	b.WriteString(`], "paths_version": 1}`)
	s := spec()
	s.Files = nil
	s.InfoFiles = []condatest.File{{Path: "info/paths.json", Data: []byte(b.String())}}
	root := t.TempDir()
	archive, err := condatest.WriteConda(root, s)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(archive)
	if max := (unsizedBudgetBase + unsizedBudgetMult*st.Size()) / pathEntryCost; max >= 300_000 {
		t.Fatalf("the archive is %d bytes, whose budget pays for %d entries; the test wants fewer", st.Size(), max)
	}
	wantRefused(t, root, archive, "info/paths.json", "total size")
	_, _, _, err = ReadInfo(archive)
	var e *Error
	if !errors.As(err, &e) || e.Member != "info/paths.json" || e.What != "total size" {
		t.Errorf("ReadInfo = %v; want a total size *pkg.Error about info/paths.json", err)
	}
}

// TestLegacyFilesOfMoreLinesThanTheBudgetRefused: a legacy info/files is
// bounded as paths.json is: 300,000 names of files the archive does not
// hold are refused as they are read.
func TestLegacyFilesOfMoreLinesThanTheBudgetRefused(t *testing.T) {
	var b strings.Builder
	for i := range 300_000 {
		fmt.Fprintf(&b, "f%07d\n", i)
	}
	s := spec()
	s.Legacy, s.Files = true, nil
	s.InfoFiles = []condatest.File{{Path: "info/files", Data: []byte(b.String())}}
	root := t.TempDir()
	archive, err := condatest.WriteTarBz2(root, s)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(archive)
	if max := (unsizedBudgetBase + unsizedBudgetMult*st.Size()) / pathEntryCost; max >= 300_000 {
		t.Fatalf("the archive is %d bytes, whose budget pays for %d lines; the test wants fewer", st.Size(), max)
	}
	wantRefused(t, root, archive, "info/files", "total size")
}

// A paths.json that records far more bytes of files than the archive can
// hold honestly (8 GiB in a few kilobytes: each file written up to its
// recorded size would fill the disk before the sha256 told), or more than
// the bundle's manifest says the package unpacks to, is refused as it is
// read, before any payload file is written; one within both is extracted.
func TestRecordedSizesBeyondTheArchiveRefused(t *testing.T) {
	paths := func(size int64) []condatest.Member {
		info := okInfo(t)
		for i := range info {
			if info[i].Name == "info/paths.json" {
				info[i].Data = fmt.Appendf(nil, `{"paths": [{"_path": "share/ok.txt", "path_type": "hardlink", "sha256": "%s", "size_in_bytes": %d}], "paths_version": 1}`,
					strings.Repeat("0", 64), size)
			}
		}
		return info
	}
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	for _, format := range []string{"conda", "tar.bz2"} {
		for _, tt := range []struct {
			name     string
			recorded int64
			unpacked int64
			refused  bool
		}{
			{"8 GiB in kilobytes", 8 << 30, 0, true},
			{"more than the manifest says", 4, 3, true},
			{"as the manifest says", 3, 3, false},
			{"a few times the archive", 3, 0, false},
		} {
			t.Run(format+"/"+tt.name, func(t *testing.T) {
				root, archive := hostile(t, format, paths(tt.recorded), ok)
				pkgs := filepath.Join(root, "pkgs")
				_, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: pkgs, Expect: Expect{Unpacked: tt.unpacked}}, nil)
				var pe *Error
				refused := errors.As(err, &pe) && pe.What == "recorded size" && pe.Member == "info/paths.json"
				if refused != tt.refused {
					t.Fatalf("Extract = %v; want refused for its recorded size: %v", err, tt.refused)
				}
				if tt.refused {
					if !strings.Contains(err.Error(), "evil-1.0-0") || !strings.Contains(err.Error(), fmt.Sprint(tt.recorded)) {
						t.Errorf("error %q names neither the package nor what it records", err)
					}
					if got := leftovers(t, pkgs); len(got) != 0 {
						t.Errorf("pkgs holds %v after a refused package; want it empty", got)
					}
				}
			})
		}
	}
}

// A package read from the bundle (Request.Open) is named in errors by its
// file name: its Archive is a path where no file is (PREFIX/pkgs/<fn> of
// an install without a package cache), which would send the person
// looking for it.
func TestErrorsNameAnOpenedPackageByItsFileName(t *testing.T) {
	bomb := condatest.Member{Name: "share/ok.txt", Data: make([]byte, 1<<20)}
	root, archive := hostile(t, "conda", okInfo(t), bomb)
	nowhere := filepath.Join(root, "no-such-folder", "pkgs", filepath.Base(archive))
	open := func() (io.ReaderAt, int64, io.Closer, error) {
		f, err := os.Open(archive)
		if err != nil {
			return nil, 0, nil, err
		}
		st, _ := f.Stat()
		return f, st.Size(), f, nil
	}
	_, err := Extract(context.Background(), Request{Archive: nowhere, Open: open, Dest: filepath.Join(root, "scratch")}, nil)
	if err == nil || !strings.Contains(err.Error(), `"evil-1.0-0.conda"`) || strings.Contains(err.Error(), "no-such-folder") {
		t.Fatalf("Extract = %v; want an error naming evil-1.0-0.conda, not a path where no file is", err)
	}
}

// TestLongNameHeadersCount: a tar reader consumes any number of GNU
// long-name headers to return one member, and only the last names it. A
// package of hundreds of 512 KiB long-name headers, a few kilobytes
// compressed, is 150 MB of stream that no member accounts for: it cost the
// install half a minute of CPU per MB of package, and was accepted (audit
// P). Every byte of a member's headers now counts toward the budget, in
// the install and in bundle build (ReadInfo).
func TestLongNameHeadersCount(t *testing.T) {
	root := t.TempDir()
	s := spec()
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	it, err := condatest.TarBytes(info)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := condatest.TarBytes(condatest.PkgMembers(s))
	if err != nil {
		t.Fatal(err)
	}
	// named as the member they come before, so that only their bytes count
	long := condatest.LongNameHeaders(300, s.Files[0].Path, 512<<10)
	archive, err := condatest.WriteCondaTars(root, s.Stem(), append(long, pt...), it)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(archive)
	if int64(len(long)) < Budget(st.Size())+int64(len(pt)) {
		t.Fatalf("the headers (%d bytes) fit the budget of a %d-byte archive; the test shows nothing", len(long), st.Size())
	}
	wantRefused(t, root, archive, "", "total size") // the install, and bundle build's payload check
	// bundle build reads a .conda's info component: the headers there
	inInfo, err := condatest.WriteCondaTars(t.TempDir(), s.Stem(), pt, append(condatest.LongNameHeaders(300, info[0].Name, 512<<10), it...))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = ReadInfo(inInfo)
	var e *Error
	if !errors.As(err, &e) || e.What != "total size" {
		t.Fatalf("ReadInfo (bundle build) of headers in the info component: %v; want a total size *pkg.Error", err)
	}
	// the same package without them is fine
	good, err := condatest.WriteCondaTars(t.TempDir(), s.Stem(), pt, it)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := ReadInfo(good); err != nil {
		t.Fatalf("ReadInfo of the package without the headers: %v", err)
	}
	if _, err := Extract(context.Background(), Request{Archive: good, PkgsDir: filepath.Join(t.TempDir(), "pkgs")}, nil); err != nil {
		t.Fatalf("Extract of the package without the headers: %v", err)
	}
}

// TestPathsJSONValuesAreBounded: the decoder holds a value whole while it
// reads it, so one string of paths.json, one entry of its "paths", or a
// key paths.json does not need, of hundreds of megabytes was held whole:
// a 3 MB package took the install to 0.8 GB and bundle build to 2.1 GB
// (audit P). Each is refused past 1 MiB, as it streams, and a value nested
// deeper than any real one is refused too; a real-sized paths.json reads.
// (A long array of an unknown key is read token by token, never whole.)
func TestPathsJSONValuesAreBounded(t *testing.T) {
	big := strings.Repeat("a", 2<<20)
	nums := strings.Repeat("1,", 1<<20) + "1"
	entry := `{"_path":"share/ok.txt","path_type":"hardlink","sha256":"` + strings.Repeat("0", 64) + `","size_in_bytes":3}`
	for name, doc := range map[string]string{
		"a long string of an unknown key":    `{"x":"` + big + `","paths":[],"paths_version":1}`,
		"a long entry":                       `{"paths":[{"_path":"a","x":[` + nums + `]}],"paths_version":1}`,
		"a long path":                        `{"paths":[{"_path":"` + big + `"}],"paths_version":1}`,
		"values nested deeper than any real": `{"x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `,"paths":[],"paths_version":1}`,
	} {
		if _, err := decodePaths(strings.NewReader(doc), -1); !errors.Is(err, errPathsValue) {
			t.Errorf("%s: %v; want errPathsValue", name, err)
		}
	}
	many := `{"paths":[` + strings.Repeat(entry+",", 20000) + entry + `],"paths_version":1,"x":{"y":[1,2,{"z":"` + strings.Repeat("b", 1000) + `"}]}}`
	p, err := decodePaths(strings.NewReader(many), -1)
	if err != nil || len(p.Paths) != 20001 {
		t.Fatalf("a paths.json of 20,001 real entries (%d bytes): %v", len(many), err)
	}
}

// A member of tar type '7' (a contiguous file) is a plain file, as
// Python's tarfile, conda's reader, takes it (REGULAR_TYPES): its bytes are
// extracted and checked, metadata included. onboard refused it as an
// unsupported member type (audit V 6).
func TestContiguousFileMemberIsAFile(t *testing.T) {
	info := okInfo(t)
	for i := range info {
		info[i].Type = tar.TypeCont
	}
	payload := []condatest.Member{{Name: "share/ok.txt", Type: tar.TypeCont, Data: []byte("ok\n")}}
	root := t.TempDir()
	for _, d := range []string{"bz2", "conda", "bad"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	tarBz2, err := condatest.WriteRawTarBz2(filepath.Join(root, "bz2"), "evil-1.0-0", append(append([]condatest.Member{}, info...), payload...))
	if err != nil {
		t.Fatal(err)
	}
	conda, err := condatest.WriteRawConda(filepath.Join(root, "conda"), "evil-1.0-0", payload, info)
	if err != nil {
		t.Fatal(err)
	}
	for _, archive := range []string{tarBz2, conda} {
		ex, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(archive), err)
		}
		if b, err := os.ReadFile(filepath.Join(ex.Dir, "share", "ok.txt")); string(b) != "ok\n" {
			t.Errorf("%s: share/ok.txt = %q, %v", filepath.Base(archive), b, err)
		}
	}
	// its bytes are still checked against paths.json
	payload[0].Data = []byte("no\n")
	bad, err := condatest.WriteRawTarBz2(filepath.Join(root, "bad"), "evil-1.0-0", append(append([]condatest.Member{}, info...), payload...))
	if err != nil {
		t.Fatal(err)
	}
	wantRefused(t, filepath.Join(root, "bad"), bad, "share/ok.txt", "sha256")
}

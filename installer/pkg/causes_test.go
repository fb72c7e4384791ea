package pkg

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"onboard/internal/condatest"
)

// A refusal names the cause the package has (audit AS 4): a file held
// twice with other bytes is no bomb and no damage; a stream the reader
// refuses is not "truncated; fetch again" (the archive's hash matched, so
// a fresh copy is the same bytes).

func TestAFileHeldTwiceIsNamed(t *testing.T) {
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	for _, format := range []string{"conda", "tar.bz2", "tar.bz2 payload first"} {
		t.Run(format+" bigger", func(t *testing.T) {
			wantOkOrRefused(t, format, []condatest.Member{ok, {Name: "share/ok.txt", Data: []byte("two\n!")}}, "it holds share/ok.txt twice, with different contents")
		})
		t.Run(format+" same size", func(t *testing.T) {
			wantOkOrRefused(t, format, []condatest.Member{ok, {Name: "share/ok.txt", Data: []byte("OK\n")}}, "it holds share/ok.txt twice, with different contents")
		})
		t.Run(format+" the same bytes", func(t *testing.T) {
			// conda keeps the last copy, which is the first: accepted
			wantOkOrRefused(t, format, []condatest.Member{ok, ok}, "")
		})
		// the first copy unlike paths.json, the last as it records: the
		// first is refused as it is checked where paths.json came
		// first, and as a second copy unlike the first where it comes
		// last (audit AZ 1: that installed)
		bad := condatest.Member{Name: "share/ok.txt", Data: []byte("OK\n")}
		t.Run(format+" the last right", func(t *testing.T) {
			want := "does not match its own manifest"
			if format == "tar.bz2 payload first" {
				want = "it holds share/ok.txt twice, with different contents"
			}
			wantOkOrRefused(t, format, []condatest.Member{bad, ok}, want)
		})
		// alike, and both unlike paths.json: no "different contents"
		// (audit AZ 2)
		t.Run(format+" both wrong alike", func(t *testing.T) {
			wantOkOrRefused(t, format, []condatest.Member{bad, bad}, "does not match its own manifest")
		})
	}
}

// rawTar is a tar of the members, with each of swap's keys replaced by its
// value (of the same length) in the bytes: a PAX record no writer makes.
func rawTar(t *testing.T, members []condatest.Member, swap map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range members {
		if err := tw.WriteHeader(&tar.Header{Name: m.Name, Mode: 0o644, Size: int64(len(m.Data)), Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
		tw.Write(m.Data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	for from, to := range swap {
		if len(from) != len(to) || !bytes.Contains(out, []byte(from)) {
			t.Fatalf("cannot swap %q for %q in the tar", from, to)
		}
		out = bytes.ReplaceAll(out, []byte(from), []byte(to))
	}
	return out
}

// condaWithPkg writes a .conda of spec() whose pkg component is z.
func condaWithPkg(t *testing.T, z []byte) string {
	t.Helper()
	es, err := condatest.CondaEntries(spec())
	if err != nil {
		t.Fatal(err)
	}
	for i := range es {
		if strings.HasPrefix(es[i].Name, "pkg-") {
			es[i].Data = z
		}
	}
	p, err := condatest.WriteRawZip(t.TempDir(), spec().Stem()+".conda", es)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAPAXNameWithANULIsNotValidTar(t *testing.T) {
	tb := rawTar(t, []condatest.Member{{Name: "share/ok.txt", Data: []byte("ok\n")}, {Name: "share/y\u00e9z", Data: []byte("e")}},
		map[string]string{"path=share/y\u00e9z": "path=share/y\x00\x00z"})
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	archive := condaWithPkg(t, enc.EncodeAll(tb, nil))
	wantFormatError(t, archive, "its tar stream has a header that is not valid tar")
	_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil)
	if strings.Contains(err.Error(), "fetch") || strings.Contains(err.Error(), "truncated") {
		t.Errorf("the refusal %q calls the package cut short or asks for a fetch", err)
	}
}

// A zstd frame of raw blocks whose header asks for a 256 MiB window, as
// `zstd --long=28` writes: conda's reader refuses it, and so does onboard,
// saying why.
func TestAZstdWindowOver128MiBIsNamed(t *testing.T) {
	tb := rawTar(t, []condatest.Member{{Name: "share/ok.txt", Data: []byte("ok\n")}}, nil)
	z := binary.LittleEndian.AppendUint32(nil, 0xFD2FB528)
	z = append(z, 0x00, 18<<3) // no content size, no single segment; window 2^(10+18)
	for len(tb) > 0 {
		n := min(len(tb), 128<<10)
		last := 0
		if n == len(tb) {
			last = 1
		}
		h := uint32(last) | uint32(n)<<3 // a raw block
		z = append(z, byte(h), byte(h>>8), byte(h>>16))
		z = append(z, tb[:n]...)
		tb = tb[n:]
	}
	wantFormatError(t, condaWithPkg(t, z), "its zstd stream asks for a window over 128 MiB")
}

func TestStreamErrorsSayWhatIsWrong(t *testing.T) {
	big := spec()
	big.Files = append(big.Files, condatest.File{Path: "share/big", Data: []byte(strings.Repeat("conda ", 50000))})
	for name, tc := range map[string]struct {
		write func(string, condatest.Spec) (string, error)
		want  string
	}{
		"truncated zstd": {condatest.WriteTruncatedConda, "ends too soon"},
		"corrupt bz2":    {condatest.WriteCorruptTarBz2, "its compressed stream is corrupt"},
	} {
		t.Run(name, func(t *testing.T) {
			archive, err := tc.write(t.TempDir(), big)
			if err != nil {
				t.Fatal(err)
			}
			wantFormatError(t, archive, tc.want)
			// with a recorded hash the bytes match, a damaged copy is
			// named so instead
			_, err = Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir(), Expect: Expect{SHA256: strings.Repeat("0", 64)}}, nil)
			var hm *HashMismatchError
			if !errors.As(err, &hm) {
				t.Errorf("Extract of %s with another hash recorded = %v; want a HashMismatchError", filepath.Base(archive), err)
			}
		})
	}
}

// A zip directory recording a component larger than the whole file (a
// zip64 extra field may say anything) is an inconsistent zip, not a CRC
// mismatch (audit AS 4).
func TestAComponentPastTheFilesEndIsNamed(t *testing.T) {
	es, err := condatest.CondaEntries(spec())
	if err != nil {
		t.Fatal(err)
	}
	p, err := condatest.WriteRawZip(t.TempDir(), spec().Stem()+".conda", es)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// the central directory's entry of the pkg component: its
	// compressed and uncompressed sizes at 20 and 24
	name := []byte("pkg-" + spec().Stem() + ".tar.zst")
	at := -1
	for i := bytes.Index(b, []byte("PK\x01\x02")); i >= 0; {
		if bytes.Equal(b[i+46:i+46+len(name)], name) {
			at = i
			break
		}
		j := bytes.Index(b[i+4:], []byte("PK\x01\x02"))
		if j < 0 {
			break
		}
		i += 4 + j
	}
	if at < 0 {
		t.Fatal("no directory entry for the pkg component")
	}
	binary.LittleEndian.PutUint32(b[at+20:], 0x7fff0000)
	binary.LittleEndian.PutUint32(b[at+24:], 0x7fff0000)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	wantFormatError(t, p, "past the end of the file")
}

package pkg

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"unicode"

	"onboard/internal/condatest"
)

func messageSpec(msgs ...condatest.File) condatest.Spec {
	return condatest.Spec{Name: "eula", Version: "1.0", Build: "0", Subdir: "linux-64",
		Files:     []condatest.File{{Path: "lib/libeula.so", Data: []byte("lib")}},
		InfoFiles: msgs}
}

// The messages conda shows before it links a package are read from both
// formats, in order of their names, as a terminal may show them.
func TestReadPackageInfoMessages(t *testing.T) {
	s := messageSpec(
		condatest.File{Path: "info/prelink_messages/z/second.txt", Data: []byte("line one\r\nline two\n")},
		condatest.File{Path: "info/prelink_messages/eula.txt", Data: []byte("\ufeffAccept \x1b[2Jthe \u202eterms\tnow\xff\n")},
	)
	for _, write := range []func(string, condatest.Spec) (string, error){condatest.WriteConda, condatest.WriteTarBz2} {
		archive, err := write(t.TempDir(), s)
		if err != nil {
			t.Fatal(err)
		}
		info, err := ReadPackageInfo(archive)
		if err != nil {
			t.Fatal(err)
		}
		want := []Message{
			{File: "eula.txt", Text: "Accept \uFFFD[2Jthe terms\tnow\uFFFD\n"},
			{File: "z/second.txt", Text: "line one\nline two\n"},
		}
		if len(info.Messages) != len(want) {
			t.Fatalf("%s: messages %q, want %q", archive, info.Messages, want)
		}
		for i := range want {
			if info.Messages[i] != want[i] {
				t.Errorf("%s: message %d = %q, want %q", archive, i, info.Messages[i], want[i])
			}
		}
		if info.Index.Name != "eula" || info.Paths == nil || len(info.Paths.Paths) != 1 {
			t.Errorf("%s: the rest of the metadata was not read: %+v", archive, info)
		}
	}
	plain, err := condatest.WriteConda(t.TempDir(), messageSpec())
	if err != nil {
		t.Fatal(err)
	}
	if info, err := ReadPackageInfo(plain); err != nil || len(info.Messages) != 0 {
		t.Errorf("a package without messages: %v, %q", err, info.Messages)
	}
}

// A message given as a link would show text the package does not hold
// (conda reads through it: a file of the machine that builds the
// bundle), and messages past the cap would bloat bundle.json.
func TestReadPackageInfoRefusesBadMessages(t *testing.T) {
	s := messageSpec()
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	link := append(info, condatest.Member{Name: "info/prelink_messages/eula.txt", Type: tar.TypeSymlink, Linkname: "/etc/passwd"})
	archive, err := condatest.WriteRawConda(t.TempDir(), s.Stem(), condatest.PkgMembers(s), link)
	if err != nil {
		t.Fatal(err)
	}
	var fe *FormatError
	if _, err := ReadPackageInfo(archive); !errors.As(err, &fe) || !strings.Contains(err.Error(), "info/prelink_messages/eula.txt is a link") {
		t.Errorf("a message given as a symlink: %v, want a *FormatError naming it", err)
	}

	half := strings.Repeat("a", MaxPrelinkMessages/2)
	big := messageSpec(condatest.File{Path: "info/prelink_messages/1", Data: []byte(half)},
		condatest.File{Path: "info/prelink_messages/2", Data: []byte(half + "!")})
	archive, err = condatest.WriteTarBz2(t.TempDir(), big)
	if err != nil {
		t.Fatal(err)
	}
	var pe *Error
	if _, err := ReadPackageInfo(archive); !errors.As(err, &pe) || pe.What != "messages size" {
		t.Errorf("messages one byte past the cap: %v, want a *pkg.Error", err)
	}
	big.InfoFiles[1].Data = []byte(half)
	if archive, err = condatest.WriteTarBz2(t.TempDir(), big); err != nil {
		t.Fatal(err)
	}
	if info, err := ReadPackageInfo(archive); err != nil || len(info.Messages) != 2 {
		t.Errorf("messages at the cap: %v", err)
	}
	// The cap is on the text as it is kept: control bytes shown as U+FFFD
	// (three bytes each) may not take it past.
	big.InfoFiles = big.InfoFiles[:1]
	big.InfoFiles[0].Data = bytes.Repeat([]byte{0x1b}, MaxPrelinkMessages/2)
	if archive, err = condatest.WriteTarBz2(t.TempDir(), big); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPackageInfo(archive); !errors.As(err, &pe) || pe.What != "messages size" {
		t.Errorf("half the cap of escape bytes, kept as U+FFFD: %v, want a *pkg.Error", err)
	}
}

func TestDisplayText(t *testing.T) {
	for in, want := range map[string]string{
		"plain\n":                 "plain\n",
		"a\rb\r\nc\fd\ve":         "a\nb\nc\nd\ne",
		"\x1b]0;title\x07":        "\uFFFD]0;title\uFFFD",
		"\u2066evil\u2069 \u200f": "evil ",
		"caf\xc3":                 "caf\uFFFD",
		"\ufeffBOM first":         "BOM first",
		"\u0085next line":         "\uFFFDnext line",
	} {
		if got := DisplayText([]byte(in)); got != want {
			t.Errorf("DisplayText(%q) = %q, want %q", in, got, want)
		}
		if !IsDisplayText(want) {
			t.Errorf("IsDisplayText(%q) = false", want)
		}
		if in != want && IsDisplayText(in) {
			t.Errorf("IsDisplayText(%q) = true", in)
		}
	}
}

// FuzzDisplayText: what bundle build writes of a message is what Open
// accepts (DisplayText's output is display text), and it holds no
// control character but newlines and tabs.
func FuzzDisplayText(f *testing.F) {
	for _, s := range []string{"plain\n", "a\r\nb", "\x1b[31m", "\ufeff\ufeffx", "\u202e", "caf\xc3", "\r\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := DisplayText(b)
		if !IsDisplayText(s) {
			t.Fatalf("DisplayText(%q) = %q, which is not display text (it gives %q)", b, s, DisplayText([]byte(s)))
		}
		for _, r := range s {
			if r != '\n' && r != '\t' && (unicode.IsControl(r) || isBidiControl(r)) {
				t.Fatalf("DisplayText(%q) = %q holds %U", b, s, r)
			}
		}
	})
}

// FuzzReadPackageInfo reads fuzzed .conda bytes as bundle build reads a
// package: errors are fine, panics are not, and the messages it keeps
// are display text within the cap.
func FuzzReadPackageInfo(f *testing.F) {
	for _, p := range fixtureArchives(f) {
		if b, err := os.ReadFile(p); err == nil && strings.HasSuffix(p, ".conda") && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	if p, err := condatest.WriteConda(f.TempDir(), messageSpec(condatest.File{Path: "info/prelink_messages/a.txt", Data: []byte("Accept.\n")})); err == nil {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func() (io.ReaderAt, int64, io.Closer, error) {
			return bytes.NewReader(data), int64(len(data)), nil, nil
		}
		info, err := readPackageInfo(Request{Archive: "eula-1.0-0.conda", Open: open})
		if err != nil {
			return
		}
		n := 0
		for _, m := range info.Messages {
			n += len(m.Text)
			if !IsDisplayText(m.Text) || !IsDisplayText(m.File) {
				t.Fatalf("message %q kept as it is not shown", m)
			}
		}
		if n > MaxPrelinkMessages {
			t.Fatalf("messages of %d bytes kept, past the cap that Open checks", n)
		}
	})
}

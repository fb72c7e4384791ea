package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"onboard/installer/pkg"
)

func utf16Of(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestLicenceText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string // "" = an error containing bad
		bad  string
	}{
		{"UTF-8", []byte("Use it well, café.\n"), "Use it well, café.\n", ""},
		{"UTF-8 with a byte-order mark, CRLF", []byte("\uFEFFTerms\r\nMore\r\n"), "Terms\nMore\n", ""},
		// Notepad's "Unicode": the text must not reach the window as NULs.
		{"UTF-16LE", utf16Of("Terms — naïve 😀\r\n", false), "Terms — naïve 😀\n", ""},
		{"UTF-16BE", utf16Of("Terms — naïve\n", true), "Terms — naïve\n", ""},
		{"GPL's form feeds end lines", []byte("one\fTwo\n"), "one\nTwo\n", ""},
		{"escape sequences cannot reach the terminal", []byte("a\x1b[2Jb\n"), "a\uFFFD[2Jb\n", ""},
		{"Latin-1", []byte("Use it well, caf\xe9.\n"), "", "byte 16 is not"},
		{"UTF-16 without a byte-order mark", []byte("T\x00e\x00r\x00m\x00"), "", "NUL byte (at 1)"},
		{"UTF-16 of odd length", append(utf16Of("Terms", false), 'x'), "", "odd number"},
		{"empty", []byte(" \r\n\t\n"), "", "empty"},
		{"too long", bytes.Repeat([]byte("terms "), MaxLicence/6+1), "", "more than the"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LicenceText(tt.in)
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("err = %v; want one saying %q", err, tt.bad)
				}
				if !strings.Contains(err.Error(), "save it as UTF-8") && tt.bad != "empty" && tt.bad != "more than the" {
					t.Errorf("err = %v; want it to say what to do", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("LicenceText = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func pngOfSize(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckIcon(t *testing.T) {
	var jpg bytes.Buffer
	jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 256, 256)), nil)
	good := pngOf(t, 256, color.NRGBA{B: 255, A: 255})
	tests := []struct {
		name string
		data []byte
		bad  string // "" = accepted
	}{
		{"256", good, ""},
		{"1024", pngOfSize(t, 1024, 1024), ""},
		{"a size macOS has no slot for", pngOfSize(t, 300, 300), "300×300"},
		{"not square", pngOfSize(t, 256, 128), "256×128"},
		// A few kilobytes that would decode to 16 GB.
		{"a bomb", pngOfSize(t, 1, 1)[:16], "not a PNG"},
		{"JPEG", jpg.Bytes(), "not a PNG"},
		{"truncated", good[:len(good)-30], "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckIcon(tt.data)
			if tt.bad == "" {
				if err != nil {
					t.Fatalf("CheckIcon: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.bad) {
				t.Fatalf("CheckIcon = %v; want an error saying %q", err, tt.bad)
			}
		})
	}
}

// bombPNG is a PNG header of 65535×65535 pixels (16 GiB as RGBA) and no
// image data: what DecodeConfig reads before a decoder would allocate.
func bombPNG(t *testing.T) []byte {
	t.Helper()
	ihdr := append([]byte("IHDR"), 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 8, 6, 0, 0, 0)
	b := append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// Build reads the licence and the icon before any package, and refuses
// what the wizard could not show, naming the file.
func TestBuildRefusesUnusableLicenceOrIcon(t *testing.T) {
	tests := []struct {
		name    string
		licence []byte
		icon    []byte
		bad     string
	}{
		{"Latin-1 licence", []byte("Licence \xa9 Acme\n"), nil, `licence "`},
		{"empty licence", []byte{}, nil, "empty"},
		{"icon not square", []byte("ok\n"), pngOfSize(t, 512, 256), `icon "`},
		{"icon bomb", []byte("ok\n"), bombPNG(t), "65535×65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			spec := fixtureSpec(t, dir, "2026.11.0")
			os.WriteFile(filepath.Join(dir, "LICENSE.txt"), tt.licence, 0o644)
			if tt.icon != nil {
				os.WriteFile(filepath.Join(dir, "team.png"), tt.icon, 0o644)
				s, _ := os.ReadFile(spec)
				os.WriteFile(spec, append([]byte("icon = \"team.png\"\n"), s...), 0o644)
			}
			out := filepath.Join(dir, "b.zip")
			_, err := Build(t.Context(), BuildOptions{Spec: spec, Output: out, CacheDir: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), tt.bad) {
				t.Fatalf("Build = %v; want an error saying %q", err, tt.bad)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("Build failed but left %s (%v)", out, err)
			}
		})
	}
}

// rewriteZip copies the zip at src to dst, with change deciding each
// member's new content: nil drops it. add members are appended.
func rewriteZip(t *testing.T, src, dst string, change func(name string, data []byte) []byte, add map[string][]byte) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if data = change(f.Name, data); data != nil {
			put(f.Name, data)
		}
	}
	for name, data := range add {
		put(name, data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// bundleWithIcon builds the fixture bundle with a 256-pixel icon, signed
// by key.
func bundleWithIcon(t *testing.T, key ed25519.PrivateKey) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	spec := fixtureSpec(t, dir, "2026.11.0")
	icon := pngOf(t, 256, color.NRGBA{G: 255, A: 255})
	os.WriteFile(filepath.Join(dir, "team.png"), icon, 0o644)
	s, _ := os.ReadFile(spec)
	os.WriteFile(spec, append([]byte("icon = \"team.png\"\n"), s...), 0o644)
	out := filepath.Join(dir, "b.zip")
	build(t, spec, out, key)
	return out, icon
}

// The licence and the icon are bound to bundle.json, and so to its
// signature: a bundle whose licence or icon was swapped after it was
// signed is refused, though its signature still verifies.
func TestOpenRefusesChangedLicenceOrIcon(t *testing.T) {
	privPEM, pubPEM, _ := GenerateKey()
	priv, _ := ParsePrivateKey(privPEM)
	pub, _ := ParsePublicKey(pubPEM)
	built, icon := bundleWithIcon(t, priv)
	b, err := Open(built)
	if err != nil {
		t.Fatal(err)
	}
	if b.Licence() != "Use it well.\n" || !bytes.Equal(b.Icon(), icon) || b.CheckTrust([]ed25519.PublicKey{pub}) != nil {
		t.Fatalf("the built bundle: licence %q, icon %d bytes, trust %v", b.Licence(), len(b.Icon()), b.CheckTrust([]ed25519.PublicKey{pub}))
	}
	if s := b.Summary(); s.Licence != "13 B, checked against bundle.json" || s.Icon != "256×256 PNG, checked against bundle.json" {
		t.Errorf("inspect says licence %q, icon %q", s.Licence, s.Icon)
	}
	b.Close()
	same := func(_ string, d []byte) []byte { return d }
	only := func(member string, to []byte) func(string, []byte) []byte {
		return func(name string, d []byte) []byte {
			if name == member {
				return to
			}
			return d
		}
	}
	tests := []struct {
		name   string
		change func(string, []byte) []byte
		add    map[string][]byte
		bad    string
	}{
		{"licence of the same length", only(LicenseName, []byte("Use it ill.\n\n")), nil, "does not match the sha256"},
		{"licence of another length", only(LicenseName, []byte("You owe us.\n")[:11]), nil, "was changed"},
		{"licence removed", only(LicenseName, nil), nil, "missing"},
		{"icon replaced", only(IconName, pngOf(t, 256, color.NRGBA{R: 255, A: 255})), nil, "icon.png"},
		{"icon removed", only(IconName, nil), nil, "missing"},
		{"the control: unchanged", same, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "b.zip")
			rewriteZip(t, built, f, tt.change, tt.add)
			b, err := Open(f)
			if tt.bad == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				b.Close()
				return
			}
			var be *Error
			if !errors.As(err, &be) || !strings.Contains(err.Error(), tt.bad) {
				t.Fatalf("Open = %v; want a *bundle.Error saying %q", err, tt.bad)
			}
		})
	}
	// A bundle built without an icon may not gain one.
	dir := t.TempDir()
	plain := filepath.Join(dir, "p.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), plain, nil)
	f := filepath.Join(dir, "added.zip")
	rewriteZip(t, plain, f, same, map[string][]byte{IconName: icon})
	if _, err := Open(f); err == nil || !strings.Contains(err.Error(), "does not list") {
		t.Fatalf("Open of a bundle given an icon = %v; want refused", err)
	}
}

// A bundle of an older onboard lists no assets: it still opens, its
// licence is shown without escape sequences, and an icon no window could
// decode is passed by rather than decoded.
func TestOpenOlderBundleWithoutAssets(t *testing.T) {
	built, icon := bundleWithIcon(t, nil)
	old := func(licence, icon []byte) string {
		f := filepath.Join(t.TempDir(), "old.zip")
		rewriteZip(t, built, f, func(name string, d []byte) []byte {
			switch name {
			case ManifestName:
				var m map[string]any
				if err := json.Unmarshal(d, &m); err != nil {
					t.Fatal(err)
				}
				if m["assets"] == nil {
					t.Fatal("bundle build wrote no assets")
				}
				delete(m, "assets")
				d, _ = json.Marshal(m)
			case LicenseName:
				return licence
			case IconName:
				return icon
			}
			return d
		}, nil)
		return f
	}
	b, err := Open(old([]byte("Terms\x1b]0;owned\x07\r\n"), icon))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if s := b.Summary(); !strings.Contains(s.Licence, "not listed in bundle.json") {
		t.Errorf("inspect says licence %q of a bundle without assets", s.Licence)
	}
	if got := b.Licence(); got != "Terms\uFFFD]0;owned\uFFFD\n" {
		t.Errorf("licence = %q; want the escape sequence made harmless", got)
	}
	if !bytes.Equal(b.Icon(), icon) {
		t.Errorf("icon = %d bytes; want the bundle's", len(b.Icon()))
	}
	b.Close()
	b, err = Open(old([]byte("Terms\n"), bombPNG(t)))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if b.Icon() != nil {
		t.Errorf("icon of 65535×65535 pixels returned; want none")
	}
	b.Close()
}

// FuzzLicenceText: what LicenceText accepts is display text within the
// cap, and reading it again gives the same text, as Open requires of the
// licence bundle build wrote.
func FuzzLicenceText(f *testing.F) {
	f.Add([]byte("Use it well.\r\n"))
	f.Add(utf16Of("Terms — naïve\r\n", false))
	f.Add(utf16Of("Terms\n", true))
	f.Add([]byte("\uFEFF\uFEFFa\x1b[0m\u202Eb\f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := LicenceText(data)
		if err != nil {
			return
		}
		if !pkg.IsDisplayText(s) || len(s) > MaxLicence || strings.TrimSpace(s) == "" {
			t.Fatalf("LicenceText(%q) = %q: not display text within the cap", data, s)
		}
		if again, err := LicenceText([]byte(s)); err != nil || again != s {
			t.Fatalf("LicenceText of its own output %q = %q, %v", s, again, err)
		}
	})
}

// A bundle.json with a key this onboard does not know was written by a
// newer onboard, and the error says so and what to do.
func TestOpenNamesAKeyOfANewerOnboard(t *testing.T) {
	m := seedManifest()
	m = append(m[:len(m)-1], []byte(`,"sandbox":{"strict":true}}`)...)
	_, err := OpenBytes(testZip(m), "test")
	var be *Error
	if !errors.As(err, &be) || !strings.Contains(err.Error(), `the setting "sandbox", which this onboard does not know: the bundle was made by a newer onboard`) {
		t.Fatalf("Open = %v", err)
	}
}

package link

import (
	"bytes"
	"errors"
	"testing"

	"onboard/installer/pkg"
)

// FuzzReplacePrefix rewrites fuzzed file contents: binary mode keeps the
// length (or refuses with a *PaddingError), text mode leaves no
// placeholder behind, no rewrite grows past PrefixGrowth, and nothing
// panics.
func FuzzReplacePrefix(f *testing.F) {
	const ph = "/opt/anaconda1anaconda2anaconda3"
	f.Add([]byte("prefix="+ph+"\nlibdir=${prefix}/lib\n"), false, "/home/u/acme", "linux-64")
	f.Add([]byte("#!"+ph+"/bin/python3.12 -E\nimport sys\n"), false, "/home/u/with space/acme", "linux-64")
	f.Add(append([]byte("\x7fELF\x00"+ph+"/lib\x00"), bytes.Repeat([]byte{0}, 16)...), true, "/p", "linux-64")
	f.Add([]byte("MZ\x00\x00#!"+ph+"\\python.exe\nPK\x03\x04"), true, `C:\Users\u\acme`, "win-64")
	f.Add([]byte("r\x00"+ph[:8]+"\x00\x00"), true, "/p", "osx-arm64")
	f.Fuzz(func(t *testing.T, data []byte, binary bool, prefix, subdir string) {
		mode := pkg.ModeText
		if binary {
			mode = pkg.ModeBinary
		}
		in := append([]byte(nil), data...)
		out, err := ReplacePrefix(data, mode, ph, prefix, subdir)
		if !bytes.Equal(in, data) {
			t.Fatal("ReplacePrefix changed its input")
		}
		if err != nil {
			var pe *PaddingError
			if !errors.As(err, &pe) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		// Each copy of a shebang line the long-shebang rewrite made
		// starts with "#!" in out: 13 bytes more for the env form, 34 for
		// a Python script's /bin/sh form (one line, two "#!" at most).
		if g := PrefixGrowth(data, mode, ph, prefix, subdir) + 34*int64(bytes.Count(out, []byte("#!"))); int64(len(out)-len(data)) > g {
			t.Fatalf("the rewrite grew by %d bytes; PrefixGrowth and the shebangs say at most %d", len(out)-len(data), g)
		}
		if binary && !IsWindows(subdir) && len(out) != len(data) {
			t.Fatalf("binary rewrite changed the length from %d to %d", len(data), len(out))
		}
		if !binary && !IsWindows(subdir) && !bytes.Contains([]byte(prefix), []byte("anaconda")) && bytes.Contains(out, []byte(ph)) {
			t.Fatalf("text rewrite left the placeholder in %q", out)
		}
	})
}

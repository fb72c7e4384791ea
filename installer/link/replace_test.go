package link

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/pkg"
)

const ph = "/opt/anaconda1anaconda2anaconda3"

func TestReplacePrefixText(t *testing.T) {
	long := "/" + strings.Repeat("p", 130)
	tests := []struct {
		name, in, prefix, subdir, want string
	}{
		{"plain", "prefix=" + ph + "\nlib=" + ph + "/lib\n", "/home/u/env", "linux-64",
			"prefix=/home/u/env\nlib=/home/u/env/lib\n"},
		{"no placeholder", "hello\n", "/x", "linux-64", "hello\n"},
		{"shebang short", "#!" + ph + "/bin/python3 -E\nprint()\n", "/e", "linux-64",
			"#!/e/bin/python3 -E\nprint()\n"},
		{"python shebang with space execs through sh", "#!" + ph + "/bin/python3 -E\nx=" + ph + "\n", "/my env", "linux-64",
			"#!/bin/sh\n'''exec' \"/my env/bin/python3\" -E \"$0\" \"$@\" #'''\nx=/my env\n"},
		{"other shebang with space uses env", "#!" + ph + "/bin/perl -w\nx=" + ph + "\n", "/my env", "linux-64",
			"#!/usr/bin/env perl -w\nx=/my env\n"},
		{"long shebang linux", "#!" + ph + "/bin/perl\n", long, "linux-64",
			"#!/usr/bin/env perl\n"},
		{"long shebang fits macOS", "#!" + ph + "/bin/perl\n", long, "osx-arm64",
			"#!" + long + "/bin/perl\n"},
		{"windows forward slashes", "prefix=" + ph + "\n", `C:\Users\me\Acme`, "win-64",
			"prefix=C:/Users/me/Acme\n"},
		{"windows keeps long shebang", "#!" + ph + "/python.exe\n", "C:/" + strings.Repeat("w", 140), "win-64",
			"#!C:/" + strings.Repeat("w", 140) + "/python.exe\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReplacePrefix([]byte(tt.in), pkg.ModeText, ph, tt.prefix, tt.subdir)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

func TestReplacePrefixTextEncodings(t *testing.T) {
	for _, enc := range encodings {
		t.Run(enc, func(t *testing.T) {
			in := append(encode("a=", enc), encode(ph+"/x;", enc)...)
			want := append(encode("a=", enc), encode("/new/x;", enc)...)
			got, err := ReplacePrefix(in, pkg.ModeText, ph, "/new", "linux-64")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got %x; want %x", got, want)
			}
		})
	}
}

func TestReplacePrefixBinary(t *testing.T) {
	bph := "/ph" + strings.Repeat("_", 20) // 23 bytes
	tests := []struct {
		name, in, prefix, want string
		err                    bool
	}{
		{"padded", "AB" + bph + "/lib\x00CD", "/p", "AB/p/lib\x00" + strings.Repeat("\x00", 21) + "CD", false},
		{"two in one string", "A" + bph + ":" + bph + "\x00Z", "/pp", "A/pp:/pp\x00" + strings.Repeat("\x00", 40) + "Z", false},
		{"no NUL before EOF untouched", "A" + bph + "/lib", "/p", "A" + bph + "/lib", false},
		{"same length", "A" + bph + "\x00", strings.Repeat("q", 23), "A" + strings.Repeat("q", 23) + "\x00", false},
		{"too long", "A" + bph + "\x00", "/" + strings.Repeat("x", 30), "", true},
		{"too long but unterminated is ignored", "A" + bph, "/" + strings.Repeat("x", 30), "A" + bph, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReplacePrefix([]byte(tt.in), pkg.ModeBinary, bph, tt.prefix, "osx-64")
			var pe *PaddingError
			if tt.err {
				if !errors.As(err, &pe) {
					t.Fatalf("got err %v; want *PaddingError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
			if len(got) != len(tt.in) {
				t.Errorf("got length %d; want %d", len(got), len(tt.in))
			}
		})
	}
}

func TestReplacePrefixBinaryUTF16(t *testing.T) {
	bph := "/placeholder_placeholder"
	in := append([]byte("XX"), encode(bph+"/a", "utf-16-le")...)
	in = append(in, 0, 0, 'Y')
	got, err := ReplacePrefix(in, pkg.ModeBinary, bph, "/p", "linux-64")
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("XX"), encode("/p/a", "utf-16-le")...)
	want = append(want, 0, 0)
	want = append(want, make([]byte, 2*(len(bph)-2))...)
	want = append(want, 'Y')
	if !bytes.Equal(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestReplacePrefixWindowsBinary(t *testing.T) {
	plain := []byte("MZ" + ph + "\x00rest")
	got, err := ReplacePrefix(plain, pkg.ModeBinary, ph, `C:\e`, "win-64")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("got %q, %v; want the file unchanged", got, err)
	}
	// A pyzzer launcher: exe, shebang, then a zip whose end record says
	// where the archive starts.
	launcher := []byte("MZlauncher")
	shebang := []byte("#!" + ph + "/python.exe\r\n")
	zip := []byte("PK\x03\x04data")
	cdrOffset := uint32(len(zip))
	end := []byte("PK\x05\x06")
	end = append(end, make([]byte, 8)...)
	end = binary.LittleEndian.AppendUint32(end, 0) // cdr size
	end = binary.LittleEndian.AppendUint32(end, cdrOffset)
	end = append(end, 0, 0)
	in := bytes.Join([][]byte{launcher, shebang, zip, end}, nil)
	got, err = ReplacePrefix(in, pkg.ModeBinary, ph, `C:\e`, "win-64")
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Join([][]byte{launcher, []byte(`#!C:\e/python.exe` + "\r\n"), zip, end}, nil)
	if !bytes.Equal(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
}

// trampoline is the /bin/sh first lines a Python script gets in a
// folder with spaces or too long for a shebang.
func trampoline(python, opts string) string {
	return "#!/bin/sh\n'''exec' \"" + python + "\"" + opts + " \"$0\" \"$@\" #'''"
}

func TestReplaceLongShebang(t *testing.T) {
	p128 := "/" + strings.Repeat("d", 120) + "/python" // "#!" + 128 = 130 > 127
	tests := []struct{ name, in, subdir, want string }{
		{"short", "#!/usr/bin/python3\n", "linux-64", "#!/usr/bin/python3\n"},
		{"long", "#!" + p128 + " -u -E\nbody\n", "linux-64", trampoline(p128, " -u -E") + "\nbody\n"},
		{"long ok on mac", "#!" + p128 + "\n", "osx-64", "#!" + p128 + "\n"},
		{"escaped space", `#!/a\ b/bin/python3` + "\n", "linux-64", trampoline("/a b/bin/python3", "") + "\n"},
		{"spaces after bang", "#!  " + p128 + "\n", "linux-64", trampoline(p128, "") + "\n"},
		{"pythonw", `#!/a\ b/bin/pythonw3.12` + "\n", "osx-arm64", trampoline("/a b/bin/pythonw3.12", "") + "\n"},
		{"utf-8 declared", `#!/a\ b/bin/python` + "\n# -*- coding: utf-8 -*-\nimport sys\n", "linux-64", trampoline("/a b/bin/python", "") + "\n# -*- coding: utf-8 -*-\nimport sys\n"},
		// Python would read these otherwise after line 2: conda's env form
		{"latin-1 declared", `#!/a\ b/bin/python` + "\n# -*- coding: latin-1 -*-\n", "linux-64", "#!/usr/bin/env python\n# -*- coding: latin-1 -*-\n"},
		// a docstring of its own stays the docstring: __doc__ would be the
		// exec line (docopt, argparse), a __future__ import after the two
		// strings a SyntaxError (audit BJ 1)
		{"docstring", `#!/a\ b/bin/python` + "\n# tool\n\n  r'''Usage: tool'''\nimport docopt\n", "linux-64", "#!/usr/bin/env python\n# tool\n\n  r'''Usage: tool'''\nimport docopt\n"},
		{"docstring and future import", `#!/a\ b/bin/python` + "\n\"\"\"doc\"\"\"\nfrom  __future__ import annotations\n", "linux-64", "#!/usr/bin/env python\n\"\"\"doc\"\"\"\nfrom  __future__ import annotations\n"},
		{"future import alone", `#!/a\ b/bin/python` + "\nfrom __future__ import annotations\nbuf = 'x'\n", "linux-64", trampoline("/a b/bin/python", "") + "\nfrom __future__ import annotations\nbuf = 'x'\n"},
		// and sh: a quote, a dollar, a backquote in the path
		{"dollar in path", `#!/a\ $b/bin/python` + "\n", "linux-64", "#!/usr/bin/env python\n"},
		{"quote in path", `#!/a\ "b/bin/python` + "\n", "linux-64", "#!/usr/bin/env python\n"},
		{"not python", `#!/a\ b/bin/bash -e` + "\n", "linux-64", "#!/usr/bin/env bash -e\n"},
		{"python-config is no python", `#!/a\ b/bin/python-config` + "\n", "linux-64", "#!/usr/bin/env python-config\n"},
		{"not a shebang", "# " + p128 + "\n", "linux-64", "# " + p128 + "\n"},
		{"relative interpreter", "#!python" + strings.Repeat("x", 200) + "\n", "linux-64", "#!python" + strings.Repeat("x", 200) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(ReplaceLongShebang([]byte(tt.in), tt.subdir)); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

// A Python script in a folder with spaces runs with the folder's python
// through its /bin/sh first lines, its arguments intact, a __future__
// import and a UTF-8 declaration still read; one with a docstring keeps it
// (conda's env line), so __doc__ is its own.
func TestPythonTrampolineRuns(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 here")
	}
	prefix := filepath.Join(t.TempDir(), "my env")
	if err := os.MkdirAll(filepath.Join(prefix, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	// the folder's python: a wrapper that says it ran
	wrapper := "#!/bin/sh\necho via-the-prefix\nexec '" + py + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(prefix, "bin", "python3"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!" + ph + "/bin/python3\n# -*- coding: utf-8 -*-\nfrom __future__ import annotations\nimport sys\nprint('ran', sys.argv[1:])\n"
	out, err := ReplacePrefix([]byte(script), pkg.ModeText, ph, prefix, "linux-64")
	if err != nil || !bytes.HasPrefix(out, []byte("#!/bin/sh\n")) {
		t.Fatalf("rewrite: %v\n%s", err, out)
	}
	tool := filepath.Join(prefix, "bin", "tool")
	if err := os.WriteFile(tool, out, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := exec.Command(tool, "a b", "c").CombinedOutput()
	if err != nil || strings.TrimSpace(string(got)) != "via-the-prefix\nran ['a b', 'c']" {
		t.Fatalf("the script through /bin/sh: %v\n%s", err, got)
	}
	doc := "#!" + ph + "/bin/python3\n\"\"\"Usage: tool\"\"\"\nprint(__doc__)\n"
	if out, _ = ReplacePrefix([]byte(doc), pkg.ModeText, ph, prefix, "linux-64"); !bytes.HasPrefix(out, []byte("#!/usr/bin/env python3\n")) {
		t.Fatalf("a script with a docstring got %q", out)
	}
}

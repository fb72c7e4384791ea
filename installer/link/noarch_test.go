package link

import (
	"strconv"
	"strings"
	"testing"
)

func TestPythonPaths(t *testing.T) {
	tests := []struct {
		version, sp, subdir, in, wantTarget, wantInterp string
	}{
		{"3.12.1", "", "linux-64", "site-packages/a/b.py", "lib/python3.12/site-packages/a/b.py", "bin/python3.12"},
		{"3.99.99", "lib/python3.99t/site-packages", "linux-64", "site-packages/sample.py", "lib/python3.99t/site-packages/sample.py", "bin/python3.99"},
		{"3.10", "", "win-64", "site-packages/x.py", "Lib/site-packages/x.py", "python.exe"},
		{"3.10", "", "linux-64", "python-scripts/tool", "bin/tool", "bin/python3.10"},
		{"3.10", "", "win-64", "python-scripts/tool", "Scripts/tool", "python.exe"},
		{"3.10", "", "linux-64", "share/doc/x", "share/doc/x", "bin/python3.10"},
	}
	for _, tt := range tests {
		p, err := NewPython(tt.version, tt.sp, tt.subdir)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.TargetPath(tt.in); got != tt.wantTarget {
			t.Errorf("TargetPath(%q) got %q; want %q", tt.in, got, tt.wantTarget)
		}
		if got := p.Interpreter(); got != tt.wantInterp {
			t.Errorf("Interpreter() got %q; want %q", got, tt.wantInterp)
		}
	}
	if _, err := NewPython("abc", "", "linux-64"); err == nil {
		t.Error("NewPython(abc) got no error; want one")
	}
	// A site-packages folder from an edited conda-meta record that would
	// place noarch: python files outside the prefix.
	for _, sp := range []string{"../x", "/usr/lib/python3/dist-packages", `C:\Python\Lib`, "lib/./x"} {
		if _, err := NewPython("3.12.1", sp, "linux-64"); err == nil || !strings.Contains(err.Error(), strconv.Quote(sp)) {
			t.Errorf("NewPython with site-packages %q = %v; want an error naming it", sp, err)
		}
	}
}

func TestPyc(t *testing.T) {
	p, _ := NewPython("3.99.99", "lib/python3.99t/site-packages", "linux-64")
	if got, want := p.PycPath("lib/python3.99t/site-packages/conda_index_pkg_a/__init__.py"),
		"lib/python3.99t/site-packages/conda_index_pkg_a/__pycache__/__init__.cpython-399.pyc"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	p2, _ := NewPython("2.7.18", "", "linux-64")
	if got, want := p2.PycPath("lib/python2.7/site-packages/a.py"), "lib/python2.7/site-packages/a.pyc"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	for in, want := range map[string]bool{
		"site-packages/a.py": true, "site-packages/a/b.py": true, "python-scripts/a.py": false,
		"site-packages/a.pyc": false, "site-packages/a b\t.py": false,
	} {
		if got := IsPycSource(in); got != want {
			t.Errorf("IsPycSource(%q) got %v; want %v", in, got, want)
		}
	}
}

func TestEntryPoint(t *testing.T) {
	ep, err := ParseEntryPoint(" conda-index-pkg-a = conda_index_pkg_a:main")
	if err != nil {
		t.Fatal(err)
	}
	got := string(ep.UnixScript("/w/env/bin/python3.99", "linux-64"))
	want := "#!/w/env/bin/python3.99\n# -*- coding: utf-8 -*-\nimport re\nimport sys\n\nfrom conda_index_pkg_a import main\n\n" +
		"if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw?|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n"
	if got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	// Observation §6.4: 240 bytes for the prefix used there; the body alone
	// is 240 - len("#!<prefix>/bin/python3.99\n"). The helper is 4 longer.
	h, _ := ParseEntryPoint("conda-index-pkg-a-helper = conda_index_pkg_a:helper")
	if d := len(h.ScriptBody()) - len(ep.ScriptBody()); d != 4 {
		t.Errorf("helper body is %d bytes longer; want 4", d)
	}
	dotted, _ := ParseEntryPoint("x = a.b:C.run")
	if !strings.Contains(string(dotted.ScriptBody()), "from a.b import C\n") || !strings.Contains(string(dotted.ScriptBody()), "sys.exit(C.run())") {
		t.Errorf("dotted function body wrong: %q", dotted.ScriptBody())
	}
	for _, bad := range []string{"nocolon = mod", "../x = a:b", ".hidden = a:b", "x = a-b:c", "novalue"} {
		if _, err := ParseEntryPoint(bad); err == nil {
			t.Errorf("ParseEntryPoint(%q) got no error; want one", bad)
		}
	}
}

func TestEntryPointShebang(t *testing.T) {
	long := "/" + strings.Repeat("l", 130) + "/bin/python3.12"
	tests := []struct{ py, subdir, want string }{
		{"/e/bin/python3.12", "linux-64", "#!/e/bin/python3.12\n"},
		{"/my env/bin/python3.12", "linux-64", "#!/bin/sh\n'''exec' \"/my env/bin/python3.12\" \"$0\" \"$@\" #'''\n"},
		{long, "linux-64", "#!/bin/sh\n'''exec' \"" + long + "\" \"$0\" \"$@\" #'''\n"},
		{long, "osx-64", "#!" + long + "\n"},
	}
	for _, tt := range tests {
		if got := EntryPointShebang(tt.py, tt.subdir); got != tt.want {
			t.Errorf("EntryPointShebang(%q, %q) got %q; want %q", tt.py, tt.subdir, got, tt.want)
		}
	}
}

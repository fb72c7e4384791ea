package state

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"onboard/installer/prefix"
)

// metaFixture is an env whose conda-meta holds two good records and every
// kind of candidate that is not one.
func metaFixture(t *testing.T) string {
	t.Helper()
	env := t.TempDir()
	size := int64(3)
	for _, r := range []*prefix.Record{
		{Name: "zlib", Version: "1.2.11", Build: "h7b6447c_3", BuildNumber: 3, Channel: "file:///c", Subdir: "linux-64", Fn: "zlib-1.2.11-h7b6447c_3.conda"},
		{Name: "python", Version: "3.99.99", Build: "0", Channel: "<unknown>", PythonSitePackagesPath: "lib/python3.99t/site-packages",
			Files: []string{"bin/python"}, PathsData: prefix.PathsData{Version: 1, Paths: []prefix.PathData{{Path: "bin/python", PathType: "hardlink", SizeInBytes: &size}}}},
	} {
		if _, err := prefix.WriteRecord(env, r); err != nil {
			t.Fatal(err)
		}
	}
	meta := MetaDir(env)
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(meta, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("history", "==> 2026-01-01 <==\n")
	write("._zlib-1.2.11-h7b6447c_3.json", "\x00\x05\x16\x07 resource fork")
	os.Mkdir(filepath.Join(meta, "folder-1-0.json"), 0o755)
	write("broken-1-0.json", `{"name": "broken", "version": `)
	write("nobuild-1-0.json", `{"name": "nobuild", "version": "1"}`)
	write("other-1-0.json", `{"name": "x", "version": "1", "build": "0"}`)
	// valid JSON, but Latin-1 bytes after the head, where a head reader
	// that stops early would not look
	write("latin-1-0.json", "{\"name\": \"latin\", \"version\": \"1\", \"build\": \"0\", \"files\": [\"caf\xe9.txt\"]}")
	return env
}

func TestReadMetaReturnsBadRecords(t *testing.T) {
	env := metaFixture(t)
	for name, read := range map[string]func(string) (*Meta, error){"ReadMeta": ReadMeta, "ReadMetaHeads": ReadMetaHeads} {
		t.Run(name, func(t *testing.T) {
			m, err := read(env)
			if err != nil {
				t.Fatal(err)
			}
			var good []string
			for _, r := range m.Records {
				good = append(good, r.Dist())
			}
			if !reflect.DeepEqual(good, []string{"python-3.99.99-0", "zlib-1.2.11-h7b6447c_3"}) {
				t.Errorf("good records: %v", good)
			}
			bad := map[string]bool{}
			for _, b := range m.Bad {
				bad[b.File] = b.Misnamed
				if b.Reason == "" || !strings.Contains(b.Error(), b.File) {
					t.Errorf("%s: the error does not say what and why: %q", b.File, b.Error())
				}
			}
			want := map[string]bool{"broken-1-0.json": false, "nobuild-1-0.json": false, "latin-1-0.json": false, "other-1-0.json": true}
			if !reflect.DeepEqual(bad, want) {
				t.Errorf("bad records (file: misnamed): %v; want %v", bad, want)
			}
			if c := m.Corrupt(); c == nil || c.Misnamed {
				t.Errorf("Corrupt() = %+v; want a corrupt record", c)
			}
		})
	}
}

func TestReadMetaHeadsIsReadMetaWithoutPaths(t *testing.T) {
	env := metaFixture(t)
	full, err := ReadMeta(env)
	if err != nil {
		t.Fatal(err)
	}
	heads, err := ReadMetaHeads(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(heads.Records) != len(full.Records) {
		t.Fatalf("%d heads, %d records", len(heads.Records), len(full.Records))
	}
	for i, h := range heads.Records {
		f := full.Records[i]
		if h.Dist() != f.Dist() || h.Channel != f.Channel || h.Subdir != f.Subdir || h.Fn != f.Fn ||
			h.PythonSitePackagesPath != f.PythonSitePackagesPath || len(h.Files) != 0 || len(h.PathsData.Paths) != 0 {
			t.Errorf("head %+v differs from record %+v", h, f)
		}
	}
	kinds := func(m *Meta) map[string]string {
		out := map[string]string{}
		for _, b := range m.Bad {
			out[b.File] = "corrupt"
			if b.Misnamed {
				out[b.File] = "misnamed"
			} else if b.Reason == "not UTF-8" {
				out[b.File] = "not UTF-8"
			}
		}
		return out
	}
	if h, f := kinds(heads), kinds(full); !reflect.DeepEqual(h, f) {
		t.Errorf("the readers disagree on the bad records:\nheads %v\nfull  %v", h, f)
	}
}

func TestReadMetaWithoutCondaMeta(t *testing.T) {
	if _, err := ReadMeta(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v; want an error wrapping fs.ErrNotExist", err)
	}
	m := &Meta{Bad: []*BadRecord{{File: "a-1-0.json", Misnamed: true}}}
	if m.Corrupt() != nil {
		t.Error("a misnamed record counts as corrupt")
	}
}

func TestUTF8ReaderAcrossReads(t *testing.T) {
	text := strings.Repeat("ß€𝄞a", 100)
	for name, in := range map[string]string{"valid": text, "bad byte": text + "\xff" + text, "cut rune": text + "\xe2\x82"} {
		for _, one := range []bool{false, true} {
			var r io.Reader = bytes.NewReader([]byte(in))
			if one {
				r = iotest.OneByteReader(r)
			}
			got, err := io.ReadAll(&utf8Reader{r: r})
			if name == "valid" {
				if err != nil || string(got) != in {
					t.Errorf("%s (one byte at a time: %v): %v", name, one, err)
				}
			} else if !errors.Is(err, errNotUTF8) {
				t.Errorf("%s (one byte at a time: %v): got %v; want errNotUTF8", name, one, err)
			}
		}
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// What gets back a package conda removed, offline: its archive in the
// install's package cache, the one that had the file when the cache's
// copy tells; else the bundle's env made again, or for the base a
// reinstall, since conda has no channel here (audit AK 3).
func TestReinstallAdvice(t *testing.T) {
	// in a folder with a space: the commands are pasted whole (audit AQ 4)
	root := filepath.Join(t.TempDir(), "Acme Python")
	env := filepath.Join(root, "envs", "team")
	q := func(s string) string { return "'" + s + "'" }
	if runtime.GOOS == "windows" {
		q = func(s string) string { return `"` + s + `"` }
	}
	writeFile(t, filepath.Join(env, "conda-meta", "history"), "==> 2026-12-01 10:00:00 <==\n+local/noarch::notebook-6.4.12-0\n+local/noarch::six-1.16.0-0\n"+
		"==> 2026-12-02 10:00:00 <==\n# cmd: conda remove -n team notebook six\n-local/noarch::notebook-6.4.12-0\n-local/noarch::six-1.16.0-0\n")
	if a := ReinstallAdvice(root, "team", env, "bin/jupyter-notebook"); !strings.Contains(a, "conda env remove -p "+q(env)+")") ||
		!strings.Contains(a, "repair --prefix "+q(root)+" --env team") {
		t.Errorf("without a cache: %q", a)
	}
	if a := ReinstallAdvice(root, BaseEnv, root, "bin/x"); !strings.Contains(a, "--force") || strings.Contains(a, "env remove") {
		t.Errorf("the base without a cache: %q", a)
	}
	nb, six := filepath.Join(root, "pkgs", "notebook-6.4.12-0.conda"), filepath.Join(root, "pkgs", "six-1.16.0-0.tar.bz2")
	writeFile(t, nb, "PK")
	writeFile(t, six, "BZ")
	if a := ReinstallAdvice(root, "team", env, "bin/jupyter-notebook"); !strings.HasSuffix(a, ": conda install -p "+q(env)+" --offline "+q(nb)+" "+q(six)) {
		t.Errorf("with a cache that does not tell which: %q", a)
	}
	writeFile(t, filepath.Join(root, "pkgs", "notebook-6.4.12-0", "bin", "jupyter-notebook"), "#!/bin/sh\n")
	if a := ReinstallAdvice(root, "team", env, "bin/jupyter-notebook"); !strings.HasSuffix(a, ": conda install -p "+q(env)+" --offline "+q(nb)) {
		t.Errorf("with a cache that tells: %q", a)
	}
	// this install's conda, not the first on PATH; a frozen env (CEP 22)
	// needs --override-frozen
	conda := filepath.Join(root, "bin", "conda")
	if runtime.GOOS == "windows" {
		conda = filepath.Join(root, "Scripts", "conda.exe")
	}
	writeFile(t, conda, "#!/bin/sh\n")
	writeFile(t, filepath.Join(env, "conda-meta", "frozen"), "{}")
	if a := ReinstallAdvice(root, "team", env, "bin/jupyter-notebook"); !strings.HasSuffix(a, ": "+q(conda)+" install -p "+q(env)+" --offline --override-frozen "+q(nb)) {
		t.Errorf("with its conda, frozen: %q", a)
	}
	// a folder with a space: bin/conda's shebang names another Python
	// there, so its own python runs conda (audit AV 1)
	if runtime.GOOS != "windows" {
		py := filepath.Join(root, "bin", "python")
		writeFile(t, py, "")
		if a := ReinstallAdvice(root, "team", env, "bin/jupyter-notebook"); !strings.HasSuffix(a, ": "+q(py)+" -m conda install -p "+q(env)+" --offline --override-frozen "+q(nb)) {
			t.Errorf("with its python: %q", a)
		}
	}
}

// A path is quoted for the shell it is pasted into: single quotes for a
// POSIX one, which expand nothing in them ($HOME in a folder's name ran
// another conda: audit AT 2), a quote of its own closed and escaped.
func TestQuoteArg(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("cmd.exe's quoting")
	}
	for in, want := range map[string]string{"/opt/acme/bin/conda": "/opt/acme/bin/conda", "/x/acme$HOME/y": `'/x/acme$HOME/y'`,
		"/x/it's": `'/x/it'\''s'`, "/x/a b": `'/x/a b'`, "/x/`id`": "'/x/`id`'"} {
		if got := QuoteArg(in); got != want {
			t.Errorf("QuoteArg(%q) = %s; want %s", in, got, want)
		}
		if in != want {
			out, err := exec.Command("sh", "-c", "printf %s "+QuoteArg(in)).Output()
			if err != nil || string(out) != in {
				t.Errorf("sh reads %s as %q, %v; want %q", QuoteArg(in), out, err, in)
			}
		}
	}
}

// The install's own program, as a command a person pastes: each argument
// quoted where a shell would split or expand it, as the hints print it
// (audit BB 1, 3: "$" expanded, a space split the path). Run by sh, it
// reaches the program with the arguments given.
func TestAppCommandRunsAsWritten(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX shell quoting")
	}
	prefix := filepath.Join(t.TempDir(), "my $HOME it's `x`")
	app := AppPath(prefix)
	if err := os.MkdirAll(filepath.Dir(app), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(app, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/bin/sh", "-c", RepairCommand(prefix)).Output()
	if err != nil || string(out) != "repair\n--prefix\n"+prefix+"\n" {
		t.Fatalf("sh -c %s: %q, %v", RepairCommand(prefix), out, err)
	}
	if got := AppCommand("/p", "verify"); got != "/p/.onboard/onboard verify" {
		t.Errorf("a plain path is left as it is: %q", got)
	}
}

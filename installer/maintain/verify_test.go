package maintain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// fakeFile is one path of a hand-made package (records as in
// observations §6.1).
type fakeFile struct {
	rel     string // package-relative path
	data    string
	link    string // symlink target
	ph      string // placeholder: the env copy has ph replaced by the prefix
	pyc     bool   // recorded as pyc_file, never written
	realRel string // prefix path when it differs from rel (noarch: python)
}

type fakePkg struct {
	name, version, build string
	noarchPython         bool
	files                []fakeFile
}

func (p fakePkg) dist() string { return p.name + "-" + p.version + "-" + p.build }

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// installFake writes p into pkgs/ and into env, with its conda-meta record.
func installFake(t *testing.T, prefix, env string, p fakePkg) {
	t.Helper()
	pkgDir := filepath.Join(prefix, "pkgs", p.dist())
	var files []string
	var paths []map[string]any
	for _, f := range p.files {
		real := f.rel
		if f.realRel != "" {
			real = f.realRel
		}
		files = append(files, real)
		e := map[string]any{"_path": f.rel}
		switch {
		case f.pyc:
			e["_path"], e["path_type"] = real, "pyc_file"
		case f.link != "":
			testkit.MustLink(t, f.link, filepath.Join(pkgDir, f.rel))
			testkit.MustLink(t, f.link, filepath.Join(env, real))
			e["path_type"], e["sha256"], e["size_in_bytes"] = "softlink", sum("x"), 1
		default:
			testkit.MustWrite(t, filepath.Join(pkgDir, f.rel), f.data)
			inPrefix := f.data
			if f.ph != "" {
				inPrefix = strings.ReplaceAll(f.data, f.ph, env)
				e["prefix_placeholder"], e["file_mode"] = f.ph, "text"
			}
			testkit.MustWrite(t, filepath.Join(env, real), inPrefix)
			e["path_type"], e["sha256"], e["size_in_bytes"] = "hardlink", sum(f.data), len(f.data)
			e["sha256_in_prefix"] = sum(inPrefix)
		}
		paths = append(paths, e)
	}
	rec := map[string]any{
		"name": p.name, "version": p.version, "build": p.build, "build_number": 0,
		"fn": p.dist() + ".conda", "extracted_package_dir": pkgDir, "files": files,
		"paths_data": map[string]any{"paths_version": 1, "paths": paths},
		"link":       map[string]any{"source": pkgDir, "type": 1},
	}
	if p.noarchPython {
		rec["noarch"], rec["package_type"] = "python", "noarch_python"
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testkit.MustWrite(t, filepath.Join(env, "conda-meta", p.dist()+".json"), string(data))
	testkit.MustWrite(t, filepath.Join(env, "conda-meta", "history"), "")
}

var fakeZlib = fakePkg{name: "zlib", version: "1.2.11", build: "h7b6447c_3", files: []fakeFile{
	{rel: "include/zlib.h", data: "zlib header\n"},
	{rel: "include/zconf.h", data: "zconf header ZCONF_H\n"},
	{rel: "lib/libz.so.1.2.11", data: "\x7fELF library"},
	{rel: "lib/libz.so.1", link: "libz.so.1.2.11"},
	{rel: "lib/pkgconfig/zlib.pc", data: "prefix=/opt/anaconda1anaconda2anaconda3\nlibdir=${prefix}/lib\n",
		ph: "/opt/anaconda1anaconda2anaconda3"},
}}

var fakeSample = fakePkg{name: "sample_noarch_python", version: "1.0", build: "py_0", noarchPython: true,
	files: []fakeFile{
		{rel: "site-packages/sample.py", data: "print('hi')\n", realRel: "lib/python3.99t/site-packages/sample.py"},
		{rel: "python-scripts/tool", data: "#!/bin/sh\n", realRel: "bin/tool"},
		{rel: "lib/python3.99t/site-packages/__pycache__/sample.cpython-399.pyc", pyc: true},
	}}

const samplePyc = "lib/python3.99t/site-packages/__pycache__/sample.cpython-399.pyc"

// fakeInstall makes a prefix with zlib in base and sample in envs/py, a
// manifest naming both, and an environments.txt listing both envs.
func fakeInstall(t *testing.T) (prefix, envTxt string) {
	t.Helper()
	prefix = filepath.Join(t.TempDir(), "p")
	installFake(t, prefix, prefix, fakeZlib)
	py := filepath.Join(prefix, "envs", "py")
	installFake(t, prefix, py, fakeSample)
	man := state.Manifest{Subdir: "linux-64"}
	man.Platforms = map[string]*bundle.Platform{"linux-64": {
		Base: []bundle.Package{{Name: "zlib", Version: "1.2.11", Build: "h7b6447c_3"}},
		Envs: map[string][]bundle.Package{"py": {{Name: "sample_noarch_python", Version: "1.0", Build: "py_0"}}},
	}}
	data, _ := json.Marshal(man)
	testkit.MustWrite(t, state.ManifestPath(prefix), string(data))
	testkit.WriteApp(t, prefix)
	for _, d := range man.OneUserDirs(prefix) {
		if err := state.MarkOneUser(d, true); err != nil {
			t.Fatal(err)
		}
	}
	envTxt = filepath.Join(t.TempDir(), "environments.txt")
	testkit.MustWrite(t, envTxt, "/some/other/env\n"+prefix+"\n"+py+"\n")
	return prefix, envTxt
}

func kinds(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Env+" "+p.Package+" "+p.Path+" "+string(p.Kind))
	}
	return out
}

func TestVerifyHandMade(t *testing.T) {
	const zl = "zlib-1.2.11-h7b6447c_3"
	const sp = "sample_noarch_python-1.0-py_0"
	tests := []struct {
		name   string
		damage func(t *testing.T, prefix, envTxt string)
		want   []string
	}{
		{"healthy", func(*testing.T, string, string) {}, nil},
		{"deleted file", func(t *testing.T, p, _ string) { os.Remove(filepath.Join(p, "include/zlib.h")) },
			[]string{"base " + zl + " include/zlib.h missing"}},
		{"replaced same size", func(t *testing.T, p, _ string) {
			testkit.MustWrite(t, filepath.Join(p, "include/zconf.h"), "zconf header ZCONF_X\n")
		}, []string{"base " + zl + " include/zconf.h altered"}},
		{"truncated", func(t *testing.T, p, _ string) {
			os.Truncate(filepath.Join(p, "lib/libz.so.1.2.11"), 3)
		}, []string{"base " + zl + " lib/libz.so.1.2.11 wrong_size"}},
		{"placeholder file edited", func(t *testing.T, p, _ string) {
			f := filepath.Join(p, "lib/pkgconfig/zlib.pc")
			b, _ := os.ReadFile(f)
			testkit.MustWrite(t, f, string(b)+"# corrupted\n")
		}, []string{"base " + zl + " lib/pkgconfig/zlib.pc altered"}},
		{"symlink retargeted", func(t *testing.T, p, _ string) {
			l := filepath.Join(p, "lib/libz.so.1")
			os.Remove(l)
			os.Symlink("elsewhere", l)
		}, []string{"base " + zl + " lib/libz.so.1 wrong_link"}},
		{"symlink replaced by a file", func(t *testing.T, p, _ string) {
			l := filepath.Join(p, "lib/libz.so.1")
			os.Remove(l)
			testkit.MustWrite(t, l, "garbage")
		}, []string{"base " + zl + " lib/libz.so.1 wrong_link"}},
		{"record deleted", func(t *testing.T, p, _ string) { os.Remove(filepath.Join(p, "conda-meta", zl+".json")) },
			[]string{"base " + zl + " conda-meta/" + zl + ".json missing_record"}},
		{"record invalid JSON", func(t *testing.T, p, _ string) {
			testkit.MustWrite(t, filepath.Join(p, "conda-meta", zl+".json"), "{bad")
		}, []string{"base " + zl + " conda-meta/" + zl + ".json unreadable_record"}},
		{"record misnamed", func(t *testing.T, p, _ string) {
			m := filepath.Join(p, "conda-meta", zl+".json")
			os.Rename(m, filepath.Join(p, "conda-meta", "zlib-9-x.json"))
		}, []string{"base " + zl + " conda-meta/" + zl + ".json missing_record",
			"base zlib-9-x conda-meta/zlib-9-x.json unreadable_record"}},
		{"history deleted", func(t *testing.T, p, _ string) { os.Remove(filepath.Join(p, "envs/py/conda-meta/history")) },
			[]string{"py  conda-meta/history history"}},
		{"noarch python file edited (doctor misses it)", func(t *testing.T, p, _ string) {
			testkit.MustWrite(t, filepath.Join(p, "envs/py/lib/python3.99t/site-packages/sample.py"), "print('HI')\n")
		}, []string{"py " + sp + " lib/python3.99t/site-packages/sample.py altered"}},
		{"noarch python script deleted", func(t *testing.T, p, _ string) { os.Remove(filepath.Join(p, "envs/py/bin/tool")) },
			[]string{"py " + sp + " bin/tool missing"}},
		{"user file added", func(t *testing.T, p, _ string) { testkit.MustWrite(t, filepath.Join(p, "lib/mine.txt"), "mine") }, nil},
		// conda records no hash for a .pyc: one whose body is not code
		// (Python: "ImportError: Non-code object") is seen by its first
		// byte after the header, which depends on the Python version
		{"pyc of 3.11 whose body is not code", func(t *testing.T, p, _ string) {
			testkit.MustWrite(t, filepath.Join(p, "envs/py", samplePyc), "\xa7\x0d\r\n"+strings.Repeat("\x00", 12)+"NNNN")
		}, []string{"py " + sp + " " + samplePyc + " altered"}},
		{"pyc of 3.11 that is code", func(t *testing.T, p, _ string) {
			testkit.MustWrite(t, filepath.Join(p, "envs/py", samplePyc), "\xa7\x0d\r\n"+strings.Repeat("\x00", 12)+"\xe3NNN")
		}, nil},
		{"pyc of 3.6 (a 12-byte header) that is code", func(t *testing.T, p, _ string) {
			testkit.MustWrite(t, filepath.Join(p, "envs/py", samplePyc), "\x33\x0d\r\n"+strings.Repeat("\x00", 8)+"\xe3NNN")
		}, nil},
		{"pyc whose header is not a pyc's", func(t *testing.T, p, _ string) {
			testkit.MustWrite(t, filepath.Join(p, "envs/py", samplePyc), strings.Repeat("N", 20))
		}, []string{"py " + sp + " " + samplePyc + " altered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix, envTxt := fakeInstall(t)
			tt.damage(t, prefix, envTxt)
			r, err := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: envTxt})
			if r == nil {
				t.Fatalf("Verify: %v", err)
			}
			got := kinds(r.Problems)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("got problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			var de *engine.DamageError
			if (len(tt.want) > 0) != errors.As(err, &de) {
				t.Fatalf("got error %v; want a DamageError only when damaged", err)
			}
			if len(tt.want) == 0 && (!r.Healthy || r.Packages != 2 || r.Files != 8) {
				t.Fatalf("got healthy=%v packages=%d files=%d; want true 2 8", r.Healthy, r.Packages, r.Files)
			}
		})
	}
}

func TestVerifyEnvironmentsTxt(t *testing.T) {
	prefix, envTxt := fakeInstall(t)
	testkit.MustWrite(t, envTxt, "/some/other/env\n"+prefix+"\n")
	r, _ := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: envTxt})
	got := kinds(r.Problems)
	want := []string{"py  " + envTxt + " environments_txt"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %v; want %v", got, want)
	}
}

func TestVerifyClashIsHealthy(t *testing.T) {
	prefix, envTxt := fakeInstall(t)
	// A second package ships include/zlib.h with other bytes and lost the
	// clash: the file on disk is zlib's, which is one owner's content.
	other := fakePkg{name: "other", version: "1", build: "0", files: []fakeFile{{rel: "include/zlib.h", data: "other\n"}}}
	installFake(t, prefix, prefix, other)
	testkit.MustWrite(t, filepath.Join(prefix, "include/zlib.h"), "zlib header\n")
	r, err := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: envTxt})
	if err != nil {
		t.Fatalf("got %v %v; want healthy", err, kinds(r.Problems))
	}
}

func TestVerifyNotAnInstall(t *testing.T) {
	_, err := Verify(context.Background(), filepath.Join(t.TempDir(), "nope"), VerifyOptions{})
	var ne *engine.NotInstalledError
	if !errors.As(err, &ne) || engine.ExitCode(err) != engine.ExitTarget {
		t.Fatalf("got %v; want a NotInstalledError (exit 4)", err)
	}
}

func TestVerifyCancelled(t *testing.T) {
	prefix, envTxt := fakeInstall(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Verify(ctx, prefix, VerifyOptions{EnvironmentsTxt: envTxt})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want context.Canceled", err)
	}
}

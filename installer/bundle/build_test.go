package bundle

import (
	"onboard/internal/condatest"
	"onboard/internal/pathfold"

	"archive/tar"
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func build(t *testing.T, spec, out string, key ed25519.PrivateKey) *BuildResult {
	t.Helper()
	res, err := Build(context.Background(), BuildOptions{Spec: spec, Output: out, SignKey: key, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

func TestBuildOpenVerify(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "b.zip")
	res := build(t, fixtureSpec(t, dir, "2026.11.0"), out, nil)
	if got, want := res.Files, 3+2+3; got != want { // 3 zlib, python, 2 team, + noarch shared
		t.Logf("files %d", got)
	}
	b, err := Open(out)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer b.Close()
	if got := b.Manifest.Subdirs(); strings.Join(got, ",") != "linux-64,osx-64,win-64" {
		t.Errorf("subdirs = %v; want linux-64,osx-64,win-64", got)
	}
	lin := b.Platform("linux-64")
	if got := lin.Base[0]; got.Name != "zlib" || got.Subdir != "linux-64" || got.Version != "1.2.11" || len(got.Depends) != 1 {
		t.Errorf("linux-64 base[0] = %+v; want zlib 1.2.11 linux-64 depending on libgcc-ng", got)
	}
	// zlib's longest path is lib/pkgconfig/zlib.pc; Install uses it for the
	// Windows path-length check.
	if got, want := lin.Base[0].LongestPath, len("lib/pkgconfig/zlib.pc"); got != want {
		t.Errorf("zlib longest_path = %d; want %d", got, want)
	}
	if got := lin.Base[1]; got.Subdir != "noarch" || got.ZipPath() != "pkgs/noarch/python-3.99.99-0.conda" {
		t.Errorf("python is stored at %q; want pkgs/noarch/python-3.99.99-0.conda", got.ZipPath())
	}
	if got := b.Licence(); got != "Use it well.\n" {
		t.Errorf("licence = %q", got)
	}
	for _, sd := range b.Manifest.Subdirs() {
		if err := b.Verify(context.Background(), sd, 2, nil); err != nil {
			t.Errorf("Verify(%s): %v", sd, err)
		}
	}
	pk := lin.Base[0]
	p, err := b.CopyPackage(context.Background(), pk, t.TempDir(), nil)
	if err != nil {
		t.Fatalf("CopyPackage: %v", err)
	}
	if got := sha256Of(t, p); got != pk.SHA256 {
		t.Errorf("copied sha256 = %s; want %s", got, pk.SHA256)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("copied archive mode = %v (%v); want 0644 as conda leaves package caches", fi.Mode().Perm(), err)
	}
	if b.Manifest.Created != "2026-11-01T00:00:00Z" {
		t.Errorf("created = %q; want 2026-11-01T00:00:00Z (from the version)", b.Manifest.Created)
	}
}

func TestBuildDeterministic(t *testing.T) {
	dir := t.TempDir()
	spec := fixtureSpec(t, dir, "2026.11.0")
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip")
	build(t, spec, a, nil)
	build(t, spec, b, nil)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatalf("two builds differ (%d and %d bytes); want byte-identical", len(da), len(db))
	}
}

// flipAt flips one byte of file at the first occurrence of marker.
func flipAt(t *testing.T, file string, marker []byte) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, marker)
	if i < 0 {
		t.Fatalf("marker %q not in %s", marker, file)
	}
	data[i+len(marker)/2] ^= 0x01
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFlippedByteRefused(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), out, nil)
	zlib, _ := os.ReadFile(filepath.Join(fixtures(t), "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2"))
	tests := []struct {
		name   string
		marker []byte
	}{
		{"package", zlib[5000:5032]},
		{"manifest name", []byte(`"name": "Acme Python"`)},
		{"manifest version", []byte(`"version": "2026.11.0"`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "b.zip")
			data, _ := os.ReadFile(out)
			os.WriteFile(f, data, 0o644)
			flipAt(t, f, tt.marker)
			b, err := Open(f)
			if err == nil {
				err = b.Verify(context.Background(), "linux-64", 2, nil)
				b.Close()
			}
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("err = %v; want a *bundle.Error", err)
			}
		})
	}
}

func TestSignAndTrust(t *testing.T) {
	privPEM, pubPEM, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPEM, _ := GenerateKey()
	other, _ := ParsePublicKey(otherPEM)
	dir := t.TempDir()
	spec := fixtureSpec(t, dir, "2026.11.0")
	signed, unsigned := filepath.Join(dir, "s.zip"), filepath.Join(dir, "u.zip")
	build(t, spec, signed, priv)
	build(t, spec, unsigned, nil)
	tests := []struct {
		name string
		file string
		keys []ed25519.PublicKey
		ok   bool
	}{
		{"signed, trusted", signed, []ed25519.PublicKey{pub}, true},
		{"signed, other key", signed, []ed25519.PublicKey{other}, false},
		{"signed, one of two keys", signed, []ed25519.PublicKey{other, pub}, true},
		{"unsigned, key required", unsigned, []ed25519.PublicKey{pub}, false},
		{"unsigned, no key", unsigned, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Open(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			err = b.CheckTrust(tt.keys)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckTrust = %v; want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestBuildFetchesFromHTTP(t *testing.T) {
	fx := fixtures(t)
	srv := httptest.NewServer(http.StripPrefix("/chan/", http.FileServer(http.Dir(filepath.Join(fx, "main")))))
	defer srv.Close()
	dir := t.TempDir()
	zl := filepath.Join(fx, "main/linux-64/zlib-1.2.11-h7b6447c_3.conda")
	writeLock(t, filepath.Join(dir, "base.txt"), "linux-64", lockLine(t, srv.URL+"/chan/linux-64/zlib-1.2.11-h7b6447c_3.conda", zl))
	writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
	writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\n[platforms.linux-64]\nbase = \"base.txt\"\n")
	res := build(t, filepath.Join(dir, "spec.toml"), filepath.Join(dir, "b.zip"), nil)
	if res.Fetched != 1 {
		t.Errorf("fetched = %d; want 1", res.Fetched)
	}
	if got := res.Manifest.Platforms["linux-64"].Base[0].SHA256; got != sha256Of(t, zl) {
		t.Errorf("sha256 = %s; want the fixture's", got)
	}
}

func TestBuildErrors(t *testing.T) {
	fx := fixtures(t)
	rec := filepath.Join(fx, "conda-test-recipes")
	dep := filepath.Join(rec, "dependency-1.0-0.conda")
	osxZ := filepath.Join(fx, "main/osx-64/zlib-1.2.11-h1de35cc_3.conda")
	tests := []struct {
		name  string
		lines []string
		want  string // in the error
	}{
		{"missing package", []string{"file:///nowhere/noarch/ghost-1.0-0.conda"}, "base.txt:4: ghost-1.0-0.conda: not found"},
		{"hash mismatch", []string{"https://x/noarch/dependency-1.0-0.conda#" + strings.Repeat("0", 64)}, "base.txt:4: dependency-1.0-0.conda: sha256 mismatch"},
		{"md5 mismatch", []string{"https://x/noarch/dependency-1.0-0.conda#" + strings.Repeat("0", 32)}, "md5 mismatch"},
		{"wrong subdir", []string{lockLine(t, "https://x/osx-64/zlib-1.2.11-h1de35cc_3.conda", osxZ)}, "base.txt:4: zlib-1.2.11-h1de35cc_3.conda: package is for subdir osx-64"},
		{"duplicate name", []string{lockLine(t, "https://x/noarch/dependency-1.0-0.conda", dep), lockLine(t, "https://y/noarch/dependency-1.0-0.conda", dep)}, "base.txt:5: dependency-1.0-0.conda: package \"dependency\" is already in this env (line 4)"},
		{"duplicate name in another case", []string{lockLine(t, "https://x/noarch/dependency-1.0-0.conda", dep), upperDepLine(t)}, "base.txt:5: Dependency-2-0.conda: package \"Dependency\" is already in this env (line 4)"},
		{"not a url", []string{"numpy=1.26"}, "base.txt:4: \"numpy=1.26\" is not a package URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeLock(t, filepath.Join(dir, "base.txt"), "linux-64", tt.lines...)
			writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
			writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\npackage_dirs = [\""+rec+"\", \""+filepath.Join(fx, "main")+"\"]\n[platforms.linux-64]\nbase = \"base.txt\"\n")
			out := filepath.Join(dir, "out", "b.zip")
			os.MkdirAll(filepath.Dir(out), 0o755)
			_, err := Build(context.Background(), BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: out, CacheDir: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want it to contain %q", err, tt.want)
			}
			if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
				t.Errorf("output folder holds %d files after a failed build; want none", len(ents))
			}
		})
	}
}

// buildOnePackage builds, for subdir sd, a bundle whose base env is the
// one noarch package spec, into its own folder; it returns that output.
func buildOnePackage(t *testing.T, spec condatest.Spec, sd string) (string, error) {
	t.Helper()
	return buildPackages(t, sd, spec)
}

// buildPackages is buildOnePackage with a base env of every spec.
func buildPackages(t *testing.T, sd string, specs ...condatest.Spec) (string, error) {
	t.Helper()
	dir := t.TempDir()
	pkgs := filepath.Join(dir, "pkgs")
	os.MkdirAll(pkgs, 0o755)
	var lines []string
	for _, spec := range specs {
		archive, err := condatest.WriteConda(pkgs, spec)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, lockLine(t, "https://x/noarch/"+filepath.Base(archive), archive))
	}
	writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
	writeLock(t, filepath.Join(dir, "base.txt"), sd, lines...)
	writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\npackage_dirs = [\""+pkgs+"\"]\n[platforms."+sd+"]\nbase = \"base.txt\"\n")
	out := filepath.Join(dir, "out", "b.zip")
	os.MkdirAll(filepath.Dir(out), 0o755)
	_, err := Build(context.Background(), BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: out, CacheDir: t.TempDir()})
	return out, err
}

// A package whose files Windows could not hold as written (here a device
// name) builds into a Linux bundle and is refused, naming the lock line,
// the package and the path, when the lock is for Windows.
func TestBuildRefusesNamesWindowsCannotHold(t *testing.T) {
	spec := condatest.Spec{Name: "aux", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/tool/ok.txt", Data: []byte("ok")}, {Path: "share/tool/aux.h", Data: []byte("x")}}}
	for _, sd := range []string{"linux-64", "win-64"} {
		out, err := buildOnePackage(t, spec, sd)
		if sd == "linux-64" {
			if err != nil {
				t.Fatalf("linux-64: %v", err)
			}
			continue
		}
		want := `base.txt:4: aux-1-0.conda: the package installs "share/tool/aux.h": the name "aux.h" is a device on Windows`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("win-64: err = %v; want it to contain %q", err, want)
		}
		if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
			t.Errorf("output folder holds %d files after a refused build; want none", len(ents))
		}
	}
}

// A package holding two spellings of one name (a noarch package built on
// Linux may) builds into a Linux bundle, and is refused at its lock line
// for Windows and macOS, whose installs would refuse it: there the two
// are one file.
func TestBuildRefusesTwoSpellingsOfOneNameForWindowsAndMacOS(t *testing.T) {
	t.Cleanup(pathfold.Set(false)) // this host is the build machine's, Linux
	spec := condatest.Spec{Name: "readme", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/README", Data: []byte("a")}, {Path: "share/readme", Data: []byte("b")}}}
	for _, sd := range []string{"linux-64", "win-64", "osx-arm64"} {
		out, err := buildOnePackage(t, spec, sd)
		if sd == "linux-64" {
			if err != nil {
				t.Fatalf("linux-64: %v", err)
			}
			continue
		}
		want := `base.txt:4: readme-1-0.conda: its info/paths.json lists "share/README" and "share/readme", which are one file where names ignore case`
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "a "+sd+" install would refuse it") {
			t.Fatalf("%s: err = %v; want it to contain %q", sd, err, want)
		}
		if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
			t.Errorf("%s: output folder holds %d files after a refused build; want none", sd, len(ents))
		}
	}
}

// A package with a file in conda's records or onboard's state folder is
// refused when the bundle is built, naming the lock line, the package and
// the path, rather than on the machines it reaches.
func TestBuildRefusesFilesInReservedFolders(t *testing.T) {
	out, err := buildOnePackage(t, condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/evil/ok.txt", Data: []byte("ok")}, {Path: "conda-meta/numpy-9-0.json", Data: []byte("{}")}}}, "linux-64")
	for _, want := range []string{"evil-1-0.conda", "conda-meta/numpy-9-0.json", "belongs to conda and onboard"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v; want it to name %q", err, want)
		}
	}
	if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
		t.Errorf("output folder holds %d files after a refused build; want none", len(ents))
	}
}

// A package whose file is not named after its index.json (here a
// .tar.bz2 renamed; a renamed .conda no longer matches its components) is
// refused at the lock line: the install would refuse it.
func TestBuildRefusesARenamedPackage(t *testing.T) {
	dir := t.TempDir()
	pkgs := filepath.Join(dir, "pkgs")
	os.MkdirAll(pkgs, 0o755)
	archive, err := condatest.WriteTarBz2(pkgs, condatest.Spec{Name: "good", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/good.txt", Data: []byte("good\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(pkgs, "evil-1-0.tar.bz2")
	if err := os.Rename(archive, renamed); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
	writeLock(t, filepath.Join(dir, "base.txt"), "linux-64", lockLine(t, "https://x/noarch/evil-1-0.tar.bz2", renamed))
	writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\npackage_dirs = [\""+pkgs+"\"]\n[platforms.linux-64]\nbase = \"base.txt\"\n")
	_, err = Build(context.Background(), BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: filepath.Join(dir, "b.zip"), CacheDir: t.TempDir()})
	if want := "base.txt:4: evil-1-0.tar.bz2: its info/index.json says it is good-1-0"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Build = %v; want an error containing %q", err, want)
	}
}

// upperDepLine is the lock line of Dependency-2-0.conda (a file:// URL),
// a package whose name differs from conda-test-recipes' dependency only
// in case: one name to conda.
func upperDepLine(t *testing.T) string {
	t.Helper()
	p, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "Dependency", Version: "2", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/dep.txt", Data: []byte("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	return lockLine(t, "file://"+filepath.ToSlash(p), p)
}

// A package whose payload the install would refuse (a hardlink or symlink
// member leaving the package, a device, a file whose bytes are not its
// paths.json's) is refused when the bundle is built, naming the lock line
// and the member: its info/ alone is fine, so only unpacking it tells.
func TestBuildRefusesAPayloadTheInstallWouldRefuse(t *testing.T) {
	s := condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/ok.txt", Data: []byte("ok\n")}}}
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	for name, tt := range map[string]struct {
		member condatest.Member
		want   string
	}{
		"hardlink outside":  {condatest.Member{Name: "share/h", Type: tar.TypeLink, Linkname: "../../etc/passwd"}, "share/h"},
		"symlink outside":   {condatest.Member{Name: "share/l", Type: tar.TypeSymlink, Linkname: "../../../etc"}, "share/l"},
		"fifo":              {condatest.Member{Name: "share/f", Type: tar.TypeFifo}, "share/f"},
		"link into conda's": {condatest.Member{Name: "lib64", Type: tar.TypeSymlink, Linkname: "conda-meta"}, "lib64"},
		"other bytes":       {condatest.Member{Name: "share/ok.txt", Data: []byte("no\n")}, "sha256"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			pkgs := filepath.Join(dir, "pkgs")
			os.MkdirAll(pkgs, 0o755)
			members := []condatest.Member{ok}
			if tt.member.Name == ok.Name {
				members = nil
			}
			archive, err := condatest.WriteRawConda(pkgs, "evil-1-0", append(members, tt.member), info)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
			writeLock(t, filepath.Join(dir, "base.txt"), "linux-64", lockLine(t, "https://x/noarch/evil-1-0.conda", archive))
			writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\npackage_dirs = [\""+pkgs+"\"]\n[platforms.linux-64]\nbase = \"base.txt\"\n")
			cache := t.TempDir()
			_, err = Build(context.Background(), BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: filepath.Join(dir, "b.zip"), CacheDir: cache})
			for _, want := range []string{"base.txt:4: evil-1-0.conda: an install would refuse it", tt.want} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("Build = %v; want an error containing %q", err, want)
				}
			}
			var le *LockError // with the next step (audit Y1 4c)
			if !errors.As(err, &le) || !strings.Contains(le.Hint(), "change line 4 of") {
				t.Errorf("Build = %v; want a LockError whose hint names the line to change", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "b.zip")); err == nil {
				t.Error("a bundle was written")
			}
			if ents, _ := os.ReadDir(cache); len(ents) != 0 {
				t.Errorf("the check left %d entries in the cache", len(ents))
			}
		})
	}
}

// failingWriter fails every write with err, as a full disk does.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// A package copied out of the bundle onto a disk that fills is the disk's
// failure, not a damaged bundle: the error is not a *bundle.Error ("download
// the installer again", exit 3) and keeps the OS error, which the install
// reports as a full disk (exit 4).
func TestCopyOntoAFullDiskIsNotADamagedBundle(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bundle.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), out, nil)
	b, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	full := &os.PathError{Op: "write", Path: filepath.Join(dir, "pkgs", "x.partial"), Err: syscall.ENOSPC}
	err = b.checkPackage(context.Background(), b.Platform("linux-64").Base[0], failingWriter{full}, nil)
	var be *Error
	if err == nil || errors.As(err, &be) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("a full disk while copying: %v; want the OS error, not a damaged bundle", err)
	}
}

// A package the build cannot find nor fetch is said so, with a hint of
// where it can come from; not "change line N" as for a line that is wrong
// (audit Z).
func TestBuildMissingPackageHint(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
	writeLock(t, filepath.Join(dir, "base.txt"), "linux-64", "file://"+filepath.ToSlash(filepath.Join(dir, "gone", "zlib-1-0.conda"))+"#"+strings.Repeat("0", 64))
	writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\n[platforms.linux-64]\nbase = \"base.txt\"\n")
	_, err := Build(context.Background(), BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: filepath.Join(dir, "b.zip"), CacheDir: t.TempDir()})
	var fe *FetchError
	var le *LockError
	if !errors.As(err, &fe) || !errors.As(err, &le) || !strings.Contains(le.Hint(), "package_dirs") || strings.Contains(le.Hint(), "change line") {
		t.Fatalf("Build = %v; want a FetchError at the lock line, hinting at package_dirs", err)
	}
}

// A symlink of one package that another puts files under is checked as
// the link step checks it, across the env's packages: one leading to the
// env's root, to itself, or outside fails the build at its lock line,
// naming the other package; a folder link that leads elsewhere in the env
// (lib64 -> lib) is built. Each package passed alone, and every install
// of the bundle failed (audit AR 1).
func TestBuildChecksFolderLinksAcrossPackages(t *testing.T) {
	for name, tt := range map[string]struct {
		link, under string
		want        string // "" = built
	}{
		"to the root":       {"..", "share/d/x", "leads to the environment's root"},
		"to its folder":     {".", "share/d/d/x", "leads to itself or to a folder that holds it"},
		"to itself":         {"d", "share/d/x", "leads to itself or to a folder that holds it"},
		"into itself":       {"d/e", "share/d/x", "leads to itself or to a folder that holds it"},
		"another place":     {"../lib", "share/d/x", ""},
		"no files under it": {"..", "share/e/x", ""},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			pkgs := filepath.Join(dir, "pkgs")
			os.MkdirAll(pkgs, 0o755)
			mk := func(n string, f condatest.File) string {
				p, err := condatest.WriteConda(pkgs, condatest.Spec{Name: n, Version: "1", Build: "0", Subdir: "linux-64", Files: []condatest.File{f}})
				if err != nil {
					t.Fatal(err)
				}
				return lockLine(t, "https://x/linux-64/"+n+"-1-0.conda", p)
			}
			la := mk("la", condatest.File{Path: "share/d", Symlink: tt.link})
			lb := mk("lb", condatest.File{Path: tt.under, Data: []byte("x\n")})
			writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
			writeLock(t, filepath.Join(dir, "base.txt"), "linux-64", la, lb)
			writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\npackage_dirs = [\""+pkgs+"\"]\n[platforms.linux-64]\nbase = \"base.txt\"\n")
			_, err := Build(context.Background(), BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: filepath.Join(dir, "b.zip"), CacheDir: t.TempDir()})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Build = %v; want the bundle built", err)
				}
				return
			}
			var le *LockError
			if !errors.As(err, &le) || le.Line != 4 {
				t.Fatalf("Build = %v; want a LockError at line 4, la's", err)
			}
			for _, want := range []string{"base.txt:4: la-1-0.conda: an install would refuse it with lb-1-0.conda (line 5)", "share/d -> " + tt.link, tt.want} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Build = %v; want it to say %q", err, want)
				}
			}
		})
	}
}

// The names of all a package's members are checked for the platforms the
// lock is for, not only those paths.json lists: an info/ file or a
// member it leaves out that Windows cannot hold, two spellings of one
// name there, and an entry point whose script Windows cannot name are
// refused for win- (and the spellings for osx-) at their lock line; the
// unpacking here, by Linux's rules, let them through, and every install
// there failed (audit AS 1, AS 3).
func TestBuildChecksEveryMemberForThePlatform(t *testing.T) {
	t.Cleanup(pathfold.Set(false)) // this host is the build machine's, Linux
	ok := condatest.File{Path: "share/ok.txt", Data: []byte("ok")}
	for name, tt := range map[string]struct {
		spec condatest.Spec
		sds  []string // refused for these; built for linux-64
		want string
	}{
		"a device in info/": {condatest.Spec{Files: []condatest.File{ok}, InfoFiles: []condatest.File{{Path: "info/recipe/nul", Data: []byte("x")}}},
			[]string{"win-64"}, `"info/recipe/nul": `},
		// two unlisted info/ files of one name there are one written
		// twice, as conda writes them: built (audit AT 1)
		"two spellings in info/": {condatest.Spec{Files: []condatest.File{ok}, InfoFiles: []condatest.File{{Path: "info/recipe/README", Data: []byte("a")}, {Path: "info/recipe/readme", Data: []byte("b")}}},
			nil, ""},
		"two folders of one name": {condatest.Spec{Files: []condatest.File{ok, {Path: "share/terminfo/A/a1", Data: []byte("a")}, {Path: "share/terminfo/a/a2", Data: []byte("b")}}},
			nil, ""},
		"an entry point": {condatest.Spec{Noarch: "python", Files: []condatest.File{{Path: "site-packages/m.py", Data: []byte("def f(): pass\n")}}, EntryPoints: []string{"con = m:f"}},
			[]string{"win-64"}, `the entry point "con = m:f" as "Scripts/con.exe"`},
	} {
		t.Run(name, func(t *testing.T) {
			spec := tt.spec
			spec.Name, spec.Version, spec.Build, spec.Subdir = "p", "1", "0", "noarch"
			if spec.Noarch == "" {
				spec.Noarch = "generic"
			}
			sds := tt.sds
			if sds == nil {
				sds = []string{"win-64", "osx-64"} // built for these too
			}
			for _, sd := range append([]string{"linux-64"}, sds...) {
				_, err := buildOnePackage(t, spec, sd)
				if sd == "linux-64" || tt.want == "" {
					if err != nil && !strings.Contains(err.Error(), "has no python package") {
						t.Fatalf("%s: %v", sd, err)
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), "base.txt:4: p-1-0.conda: ") || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: err = %v; want it to contain %q", sd, err, tt.want)
				}
			}
		})
	}
}

// A member paths.json does not list, of the name of one it lists in
// another case, would be written over the listed file where names ignore
// case, and that install refuses it: so does the build for osx- and win-
// (audit AS 1).
func TestBuildRefusesAnUnlistedSpellingOfAListedFile(t *testing.T) {
	t.Cleanup(pathfold.Set(false)) // this host is the build machine's, Linux
	s := condatest.Spec{Name: "p", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/ok.txt", Data: []byte("ok")}}}
	info, err := condatest.InfoMembers(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, sd := range []string{"linux-64", "osx-64", "win-64"} {
		dir := t.TempDir()
		pkgs := filepath.Join(dir, "pkgs")
		os.MkdirAll(pkgs, 0o755)
		archive, err := condatest.WriteRawConda(pkgs, "p-1-0", []condatest.Member{{Name: "share/ok.txt", Data: []byte("ok")}, {Name: "share/OK.txt", Data: []byte("other")}}, info)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
		writeLock(t, filepath.Join(dir, "base.txt"), sd, lockLine(t, "https://x/noarch/p-1-0.conda", archive))
		writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\npackage_dirs = [\""+pkgs+"\"]\n[platforms."+sd+"]\nbase = \"base.txt\"\n")
		_, err = Build(context.Background(), BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: filepath.Join(dir, "b.zip"), CacheDir: t.TempDir()})
		if sd == "linux-64" {
			if err != nil {
				t.Fatalf("linux-64: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "share/OK.txt and share/ok.txt are one file where names ignore case") && !strings.Contains(err.Error(), "share/ok.txt and share/OK.txt are one file where names ignore case") {
			t.Errorf("%s: %v; want the two spellings refused", sd, err)
		}
	}
}

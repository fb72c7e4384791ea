package pkg

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dsnet/compress/bzip2"

	fx "onboard/internal/fixtures"
	"onboard/internal/pathfold"
)

// fixtureArchives lists the real fixture packages.
func fixtureArchives(f *testing.F) []string {
	var out []string
	filepath.WalkDir(fx.Dir(f), func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasSuffix(p, ".conda") || strings.HasSuffix(p, ".tar.bz2")) {
			out = append(out, p)
		}
		return nil
	})
	if len(out) == 0 {
		f.Fatal("no fixture packages")
	}
	return out
}

// fixtureTars returns the decompressed tar stream of every .tar.bz2 fixture.
func fixtureTars(f *testing.F) [][]byte {
	var out [][]byte
	for _, p := range fixtureArchives(f) {
		if !strings.HasSuffix(p, ".tar.bz2") {
			continue
		}
		fh, err := os.Open(p)
		if err != nil {
			f.Fatal(err)
		}
		r, err := bzip2.NewReader(fh, nil)
		if err != nil {
			f.Fatal(err)
		}
		b, err := io.ReadAll(io.LimitReader(r, 4<<20))
		fh.Close()
		if err != nil {
			f.Fatal(err)
		}
		if len(b) <= 256<<10 { // small seeds keep each run short
			out = append(out, b)
		}
	}
	return out
}

// FuzzUntar feeds tar streams to the member checks and the extractor: it
// must never panic, and never write outside its folder.
func FuzzUntar(f *testing.F) {
	for _, b := range fixtureTars(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// As on Linux, and as on Windows and macOS, where every spelling
		// of a name is one file (pathfold).
		for _, folds := range []bool{false, true} {
			restore := pathfold.Set(folds)
			root := t.TempDir()
			dir := filepath.Join(root, "x")
			os.Mkdir(dir, 0o755)
			u := newUntar("fuzz.tar.bz2", dir, 1<<20)
			if err := u.extract(context.Background(), bytes.NewReader(data)); err == nil {
				u.checkLinks()
			}
			restore()
			ents, _ := os.ReadDir(root)
			if len(ents) != 1 {
				t.Fatalf("the extractor (names folding %v) wrote beside its folder: %v", folds, ents)
			}
		}
	})
}

// FuzzExtractConda extracts fuzzed .conda bytes through Request.Open:
// errors are fine, panics and leftovers are not.
func FuzzExtractConda(f *testing.F) {
	for _, p := range fixtureArchives(f) {
		if b, err := os.ReadFile(p); err == nil && strings.HasSuffix(p, ".conda") && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		open := func() (io.ReaderAt, int64, io.Closer, error) {
			return bytes.NewReader(data), int64(len(data)), nil, nil
		}
		dest := filepath.Join(root, "x")
		_, err := Extract(context.Background(), Request{Archive: filepath.Join(root, "fuzz-1.0-0.conda"), Open: open, Dest: dest}, nil)
		if err != nil {
			if _, serr := os.Lstat(dest); serr == nil {
				t.Fatalf("a refused package left %s (%v)", dest, err)
			}
		}
		ents, _ := os.ReadDir(root)
		if len(ents) > 1 {
			t.Fatalf("extraction wrote beside its folder: %v", ents)
		}
	})
}

// infoFiles collects the info/ files of every fixture package.
func infoFiles(f *testing.F) []*memSource {
	var out []*memSource
	for _, p := range fixtureArchives(f) {
		a, err := openArchive(p)
		if err != nil {
			f.Fatal(err)
		}
		src := &memSource{files: map[string][]byte{}, links: map[string]bool{}}
		a.streams(true, func(r io.Reader) io.Reader { return r }, func(r io.Reader) error { return src.collect(r, p, archiveBound(a.size)) })
		a.Close()
		out = append(out, src)
	}
	return out
}

// FuzzParseInfo parses fuzzed index.json, paths.json, link.json,
// has_prefix and files: errors are fine, panics are not, and an accepted
// paths.json never holds a path that leaves the package.
func FuzzParseInfo(f *testing.F) {
	for _, src := range infoFiles(f) {
		g := func(n string) []byte { return src.files[n] }
		f.Add(g("info/index.json"), g("info/paths.json"), g("info/link.json"), g("info/has_prefix"), g("info/files"))
	}
	f.Fuzz(func(t *testing.T, index, paths, link, hasPrefix, files []byte) {
		src := &memSource{files: map[string][]byte{}, links: map[string]bool{}, members: []string{"bin/x", "lib/y"}}
		for n, b := range map[string][]byte{"info/index.json": index, "info/paths.json": paths, "info/link.json": link,
			"info/has_prefix": hasPrefix, "info/files": files} {
			if len(b) > 0 {
				src.files[n] = b
			}
		}
		_, p, _, err := parseInfo(src, "fuzz.conda")
		if err != nil {
			return
		}
		for _, e := range p.Paths {
			if why := UnsafePath(e.Path); why != "" {
				t.Fatalf("accepted an unsafe path %q (%s)", e.Path, why)
			}
		}
	})
}

// FuzzDecodePaths checks the streaming paths.json decoder against
// encoding/json: whatever both accept, they read the same.
func FuzzDecodePaths(f *testing.F) {
	for _, src := range infoFiles(f) {
		if b, ok := src.files["info/paths.json"]; ok {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"paths":[],"paths_version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodePaths(bytes.NewReader(data), -1)
		var want Paths
		werr := json.Unmarshal(data, &want)
		if err != nil || werr != nil {
			return
		}
		if len(got.Paths) == 0 && len(want.Paths) == 0 {
			got.Paths, want.Paths = nil, nil
		}
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("decodePaths read %+v; encoding/json reads %+v", *got, want)
		}
	})
}

// FuzzHasPrefixLine parses fuzzed info/has_prefix lines.
func FuzzHasPrefixLine(f *testing.F) {
	for _, src := range infoFiles(f) {
		for _, l := range strings.Split(string(src.files["info/has_prefix"]), "\n") {
			f.Add(l)
		}
	}
	f.Add(`/opt/anaconda1anaconda2anaconda3 text "bin/with space"`)
	f.Fuzz(func(t *testing.T, line string) {
		p, hp, err := ParseHasPrefixLine(line)
		if err == nil && (p == "" || hp.Placeholder == "") {
			t.Fatalf("accepted %q with path %q and placeholder %q", line, p, hp.Placeholder)
		}
	})
}

var _ = tar.TypeReg

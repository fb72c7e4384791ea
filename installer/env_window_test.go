package installer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// An install linked a package at a time (a window of one path) ends with
// the same prefix, byte for byte, conda-meta included, and the same
// clashes as one linked in a single window, whether the files were placed
// by the extraction (a new prefix, no package cache) or linked from the
// package cache; the last package in link order wins each clash, also a
// three-way one across windows.
func TestInstallInWindowsSameAsOneWindow(t *testing.T) {
	rels := []string{"rattler/clobber-3-0.1.0-h4616a5c_0.tar.bz2", "rattler/clobber-1-0.1.0-h4616a5c_0.tar.bz2",
		"rattler/clobber-2-0.1.0-h4616a5c_0.tar.bz2", "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2",
		"rattler/symlink-test-1.0.0-0.conda", "conda-test-recipes/python-3.99.99-0.conda",
		"conda-test-recipes/sample_noarch_python-1.0-py_0.conda"}
	for _, noCache := range []bool{true, false} {
		t.Run(fmt.Sprintf("no package cache %v", noCache), func(t *testing.T) {
			type result struct {
				files, meta map[string]string
				clashes     []Clash
			}
			s := newEnvSetup(t) // both runs in the same folder: rewritten files hash the same
			run := func(window int) result {
				old := windowPaths
				windowPaths = window
				defer func() { windowPaths = old }()
				os.RemoveAll(s.prefix)
				os.RemoveAll(s.pkgs)
				req := s.request("linux-64", rels...)
				req.NoPackageCache = noCache
				res, err := InstallEnv(t.Context(), req)
				if err != nil {
					t.Fatal(err)
				}
				noTrace(t, s.prefix)
				return result{tree(t, s.prefix, s.prefix), metaFiles(t, s.prefix, s.root), res.Clashes}
			}
			one, many := run(1<<30), run(1)
			if !reflect.DeepEqual(one.files, many.files) {
				t.Errorf("files differ:\none window %v\nper package %v", one.files, many.files)
			}
			if !reflect.DeepEqual(one.meta, many.meta) {
				for k, v := range one.meta {
					if many.meta[k] != v {
						t.Errorf("conda-meta/%s differs:\none window:\n%s\nper package:\n%s", k, v, many.meta[k])
					}
				}
			}
			if !reflect.DeepEqual(one.clashes, many.clashes) || len(one.clashes) == 0 {
				t.Errorf("clashes differ: %+v and %+v", one.clashes, many.clashes)
			}
			for _, c := range many.clashes {
				if last := c.Packages[len(c.Packages)-1]; !strings.HasPrefix(last, "clobber-3") {
					t.Errorf("%s: %v; want clobber-3 (last in link order, by name) to win", c.Path, c.Packages)
				}
			}
		})
	}
}

// metaFiles returns the conda-meta records of prefixDir, with root
// written as ROOT (history, with its times, is left out).
func metaFiles(t *testing.T, prefixDir, root string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(prefixDir, "conda-meta"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") {
			b := readBytes(t, filepath.Join(prefixDir, "conda-meta", e.Name()))
			out[e.Name()] = string(bytes.ReplaceAll(b, []byte(root), []byte("ROOT")))
		}
	}
	return out
}

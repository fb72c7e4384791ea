package maintain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// recordTexts are conda-meta records, good and bad, each read by both
// readers in TestRecordReadersAgree: the streaming one verify uses
// (skimRecord, entries) and prefix.DecodeRecord (readMetaRecord).
var recordTexts = []string{
	// ours: conda's key order, noarch: python lists paired entry by entry
	`{"name":"a","version":"1","build":"0","noarch":"python","package_type":"noarch_python",
	 "files":["lib/python3.12/site-packages/a.py","lib/python3.12/site-packages/__pycache__/a.cpython-312.pyc","bin/a"],
	 "paths_data":{"paths_version":1,"paths":[
	  {"_path":"site-packages/a.py","path_type":"hardlink","sha256":"` + hexA + `","size_in_bytes":3,"sha256_in_prefix":"` + hexA + `"},
	  {"_path":"lib/python3.12/site-packages/__pycache__/a.cpython-312.pyc","path_type":"pyc_file","size_in_bytes":99},
	  {"_path":"bin/a","path_type":"unix_python_entry_point","size_in_bytes":7}]},"link":{"source":"/x","type":1}}`,
	// conda's older sorted keys: files and paths_data come before name
	`{"build":"0","files":["lib/libz.so","lib/libz.so.1","share/z.pc"],"name":"z",
	 "paths_data":{"paths":[{"_path":"lib/libz.so","path_type":"softlink","sha256":"` + hexA + `","size_in_bytes":1},
	  {"_path":"lib/libz.so.1","path_type":"hardlink","sha256":"` + hexA + `","size_in_bytes":3,"no_link":true},
	  {"_path":"share/z.pc","path_type":"hardlink","prefix_placeholder":"/opt/anaconda1anaconda2anaconda3","file_mode":"text",
	   "sha256":"` + hexA + `","size_in_bytes":30,"sha256_in_prefix":"` + hexB + `"}],"paths_version":1},"version":"1"}`,
	// files only (a record without paths_data): .pyc and .pyo are not checked
	`{"name":"f","version":"1","build":"0","files":["a.txt","b/c.pyc","d.pyo","e\u00e9.txt"]}`,
	// paths_data only, and a null entry (encoding/json leaves it empty)
	`{"name":"p","version":"1","build":"0","paths_data":{"paths":[{"_path":"x","path_type":"hardlink"},null]}}`,
	// lists that do not pair: read whole, the old way
	`{"name":"n","version":"1","build":"0","noarch":"python","files":["lib/python3.12/site-packages/n.py","bin/n","extra"],
	 "paths_data":{"paths":[{"_path":"site-packages/n.py","path_type":"hardlink"},{"_path":"python-scripts/n","path_type":"hardlink"}]}}`,
	`{"name":"m","version":"1","build":"0","files":["a","b"],"paths_data":{"paths":[{"_path":"b"},{"_path":"a"}]}}`,
	`{"name":"m","version":"1","build":"0","files":["a","c","b"],"paths_data":{"paths":[{"_path":"a"},{"_path":"b"}]}}`,
	// keys in other cases, escapes, a hash that is not hex, unknown keys
	`{"NAME":"k","Version":"1","build":"0","FILES":["a\/b"],"Paths_Data":{"PATHS":[{"_PATH":"a/b","SHA256":"zz","Size_In_Bytes":-0,"x":[{"y":null}]}]}}`,
	`{"name":"s","version":"1","build":"0","files":["\ud83d\ude00","\ud800x"],"paths_data":{"paths":[{"_path":"\ud83d\ude00"},{"_path":"\ud800x"}]}}`,
	// bad ones
	`{"name":"a","version":"1","build":"0","files":"a"}`,
	`{"name":"a","version":"1","build":"0","files":[1]}`,
	`{"name":"a","version":"1","build":"0","paths_data":[]}`,
	`{"name":"a","version":"1","build":"0","paths_data":{"paths_version":1.5}}`,
	`{"name":"a","version":"1","build":"0","paths_data":{"paths":[{"_path":5}]}}`,
	`{"name":"a","version":"1","build":"0","paths_data":{"paths":[{"_path":"a","size_in_bytes":1e3}]}}`,
	`{"name":"a","version":"1","build":"0","paths_data":{"paths":[{"_path":"a","size_in_bytes":9223372036854775808}]}}`,
	`{"name":"a","version":"1","build":"0","paths_data":{"paths":[{"_path":"a","no_link":"yes"}]}}`,
	`{"name":"a","version":"1","build":"0","paths_data":{"paths":[3]}}`,
	`{"name":5,"version":"1","build":"0"}`,
	`{"name":"a","version":"1"}`,
	`{"name":"a","version":"1","build":"0","depends":"x"}`,
	`{"name":"a","version":"1","build":"0"} x`,
	`{"name":"a","version":"1","build":"0",}`,
	`{"name":"a","version":"1","build":"0","files":["a",]}`,
	`{"name":"a","version":"1","build":"0","files":["a\x01"]}`,
	`{"name":"a","version":"1","build":"0","files":["\q"]}`,
	`{"name":"a","version":"1","build":"0","files":["\u12g4"]}`,
	`{"name":"a","version":"1","build":"0","files":["` + "\xff" + `"]}`,
	`{"name":"a","version":"1","build":"0","x":01}`,
	`{"name":"a","version":"1","build":"0","x":tru}`,
	`{"name":"a","version":"1","build":"0","files":["a"]`,
	`[]`,
	`null`,
	``,
}

const (
	hexA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	hexB = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
)

func TestRecordReadersAgree(t *testing.T) {
	for i, text := range recordTexts {
		t.Run(fmt.Sprint(i), func(t *testing.T) { recordReadersAgree(t, []byte(text)) })
	}
}

// FuzzRecordReaders checks, on any input, that verify's streaming reader
// and prefix.DecodeRecord agree on whether a record is readable, and that
// verify checks the same paths whether it streams a record or reads it
// whole.
func FuzzRecordReaders(f *testing.F) {
	for _, text := range recordTexts {
		f.Add([]byte(text))
	}
	f.Fuzz(recordReadersAgree)
}

func recordReadersAgree(t *testing.T, text []byte) {
	dir := t.TempDir()
	// the file name the record asks for, so that only the text decides
	var head struct{ Name, Version, Build string }
	json.Unmarshal(text, &head)
	name := head.Name + "-" + head.Version + "-" + head.Build + ".json"
	if strings.ContainsAny(name, "/\\\x00") || name == "..json" {
		name = "x-1-0.json"
	}
	path := filepath.Join(dir, "conda-meta", name)
	testkit.MustWrite(t, path, string(text))
	old, oldErr := state.ReadRecord(path)
	rec, newErr := skimRecord(path, make([]byte, 16)) // a tiny buffer: every token crosses a refill
	if (oldErr == nil) != (newErr == nil) {
		t.Fatalf("DecodeRecord says %v, verify's reader says %v, on\n%s", oldErr, newErr, text)
	}
	if oldErr != nil {
		return
	}
	seen := map[string]bool{}
	for _, p := range old.PathsData.Paths {
		if seen[p.Path] {
			return // the old reader pairs duplicates by text: no single answer to compare
		}
		seen[p.Path] = true
	}
	v := newVerifier(dir, VerifyOptions{})
	rec.env = &envScan{envInfo: envInfo{name: BaseEnv, dir: dir}}
	rec.pkgDir = filepath.Join(dir, "pkgs") // keep package paths, to compare them too
	var streamed, whole []check
	if err := v.entries(rec, &v.bufs, func(c *check) { streamed = append(streamed, *c) }); err != nil {
		t.Fatalf("streaming %s: %v", text, err)
	}
	if err := v.wholeRecord(rec, func(c *check) { whole = append(whole, *c) }); err != nil {
		t.Fatalf("reading %s whole: %v", text, err)
	}
	if !reflect.DeepEqual(streamed, whole) {
		t.Fatalf("streamed checks\n%+v\nread whole\n%+v\nfor %s", streamed, whole, text)
	}
}

// writeManyFiles makes an env of one package of n small files, with a
// record as an install writes it, and returns the env's folder.
func writeManyFiles(t *testing.T, n int) string {
	t.Helper()
	env := filepath.Join(t.TempDir(), "p")
	var files []string
	var paths []map[string]any
	for i := range n {
		rel := fmt.Sprintf("lib/d%02d/f%05d.txt", i%50, i)
		data := fmt.Sprintf("file %d\n", i)
		testkit.MustWrite(t, filepath.Join(env, rel), data)
		files = append(files, rel)
		paths = append(paths, map[string]any{"_path": rel, "path_type": "hardlink", "sha256": sum(data),
			"size_in_bytes": len(data), "sha256_in_prefix": sum(data)})
	}
	rec, err := json.MarshalIndent(map[string]any{"name": "many", "version": "1", "build": "0", "files": files,
		"paths_data": map[string]any{"paths_version": 1, "paths": paths}}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testkit.MustWrite(t, filepath.Join(env, "conda-meta", "many-1-0.json"), string(rec))
	testkit.MustWrite(t, filepath.Join(env, "conda-meta", "history"), "")
	return env
}

// Verify's memory does not grow with the files it checks (issue #19): the
// records are streamed, never read whole, and the checks wait for the
// workers in a bounded queue, whatever the number of files.
func TestVerifyHoldsABoundedNumberOfPaths(t *testing.T) {
	const n = 6000
	env := writeManyFiles(t, n)
	opts := VerifyOptions{Workers: 1, EnvironmentsTxt: "-"}
	v, r, err := verifyAt(context.Background(), env, opts, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if r.Files != n || r.Packages != 1 {
		t.Fatalf("checked %d files of %d packages; want %d of 1", r.Files, r.Packages, n)
	}
	if v.wholeRecords != 0 {
		t.Fatalf("%d record(s) were read whole; want every one streamed", v.wholeRecords)
	}
	if limit := int64(opts.Workers+1) * batchChecks; v.peakQueued.Load() > limit || v.peakQueued.Load() == 0 {
		t.Fatalf("up to %d paths waited for the workers; want some, and at most %d, for %d files", v.peakQueued.Load(), limit, n)
	}
	if v.queued.Load() != 0 || len(v.failed) != 0 {
		t.Fatalf("%d paths still queued, %d failures kept after a healthy check", v.queued.Load(), len(v.failed))
	}

	// damage: only what failed is kept, and found
	os.Remove(filepath.Join(env, "lib/d07/f00007.txt"))
	testkit.MustWrite(t, filepath.Join(env, "lib/d08/f00008.txt"), "file 9\n")
	r, err = Verify(context.Background(), env, opts)
	want := []string{"base many-1-0 lib/d07/f00007.txt missing", "base many-1-0 lib/d08/f00008.txt altered"}
	if r == nil || !reflect.DeepEqual(kinds(r.Problems), want) {
		t.Fatalf("got %v (%v); want %v", err, r, want)
	}
}

// A record that changes between verify's two reads is reported, not
// misread.
func TestVerifyRecordChangedWhileRead(t *testing.T) {
	env := writeManyFiles(t, 10)
	v := newVerifier(env, VerifyOptions{EnvironmentsTxt: "-"})
	es := v.scanEnv(envInfo{name: BaseEnv, dir: env})
	v.envs = []*envScan{es}
	recPath := filepath.Join(env, "conda-meta", "many-1-0.json")
	testkit.MustWrite(t, recPath, `{"name":"many","version":"1","build":"0"}`)
	if err := v.checkAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := v.settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := kinds(v.report.Problems)
	if len(got) != 1 || got[0] != "base many-1-0 conda-meta/many-1-0.json unreadable_record" {
		t.Fatalf("got %v; want the record named unreadable", got)
	}
}

// cancelOnAdvance cancels a context at the first progress it gets.
type cancelOnAdvance struct {
	engine.NopReporter
	cancel context.CancelFunc
}

func (c cancelOnAdvance) Advance(int64) { c.cancel() }

// A check cancelled half way stops reading the record it is in, and says
// it was cancelled, not that the record is unreadable.
func TestVerifyCancelledMidRecord(t *testing.T) {
	const n = 5000
	env := writeManyFiles(t, n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v, r, err := verifyAt(ctx, env, VerifyOptions{Workers: 1, EnvironmentsTxt: "-", Reporter: cancelOnAdvance{cancel: cancel}}, nil)
	if !errors.Is(err, context.Canceled) || r != nil {
		t.Fatalf("got %v, %v; want context.Canceled", r, err)
	}
	if v.report.Files >= n {
		t.Fatalf("all %d paths were read after the cancel", v.report.Files)
	}
	if rec := v.envs[0].recs[0]; rec.broken != "" {
		t.Fatalf("the record was called unreadable: %s", rec.broken)
	}
}

package prefix

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFormatHistory(t *testing.T) {
	e := HistoryEntry{
		Time:         time.Date(2026, 11, 24, 19, 37, 52, 0, time.Local),
		Command:      "onboard install --prefix /w/envs/z",
		CondaVersion: "26.7.2.dev56+g0f64223fb",
		Added:        []string{"file:///w/chan/noarch::python-3.99.99-0", "<unknown>/noarch::a-1.0-0"},
		UpdateSpecs:  []string{"zlib", "it's", `a"b'c`},
	}
	want := "==> 2026-11-24 19:37:52 <==\n# cmd: onboard install --prefix /w/envs/z\n# conda version: 26.7.2\n" +
		"+<unknown>/noarch::a-1.0-0\n+file:///w/chan/noarch::python-3.99.99-0\n" +
		`# update specs: ['zlib', "it's", 'a"b\'c']` + "\n"
	if got := string(FormatHistory(e)); got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestHistoryDiff(t *testing.T) {
	hist := []byte("==> x <==\n+c/linux-64::a-1-0\n+c/linux-64::b-1-0\n==> y <==\n-c/linux-64::b-1-0\n+c/linux-64::b-2-0\n")
	rem, add := HistoryDiff(hist, []string{"c/linux-64::a-1-0", "c/linux-64::c-1-0"})
	if !reflect.DeepEqual(rem, []string{"c/linux-64::b-2-0"}) || !reflect.DeepEqual(add, []string{"c/linux-64::c-1-0"}) {
		t.Errorf("got removed %v added %v", rem, add)
	}
}

func TestAppendHistoryAndCreatedAt(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "conda-meta"), 0o755)
	e := HistoryEntry{Time: time.Unix(0, 0), Command: "x", UpdateSpecs: []string{}}
	for i := 0; i < 2; i++ {
		if err := AppendHistory(dir, e); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(HistoryPath(dir))
	one := string(FormatHistory(e))
	if string(b) != one+one {
		t.Errorf("got %q; want two entries", b)
	}
	if !strings.HasSuffix(one, "\n# update specs: []\n") {
		t.Errorf("entry ends %q", one)
	}
	ts := time.Unix(1795549231, 838513000)
	if err := WriteCreatedAt(dir, ts); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "conda-meta", "created_at"))
	if string(got) != "1795549231.838513" {
		t.Errorf("got created_at %q; want 1795549231.838513", got)
	}
	WriteCreatedAt(dir, time.Unix(5, 0))
	if again, _ := os.ReadFile(filepath.Join(dir, "conda-meta", "created_at")); string(again) != string(got) {
		t.Errorf("created_at was overwritten: %q", again)
	}
}

func TestRegisterEnv(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, ".conda", "environments.txt")
	for i := 0; i < 2; i++ {
		if _, err := RegisterEnv(txt, "/w/env"); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(txt, []byte("/w/env\n/other"), 0o644)
	added, err := RegisterEnv(txt, "/w/env2/")
	if err != nil || !added {
		t.Fatalf("got %v, %v; want added", added, err)
	}
	b, _ := os.ReadFile(txt)
	if string(b) != "/w/env\n/other\n/w/env2\n" {
		t.Errorf("got %q", b)
	}
	if _, err := Unregister(txt, "/w/env"); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(txt)
	if string(b) != "/other\n/w/env2\n" {
		t.Errorf("after unregister got %q", b)
	}
}

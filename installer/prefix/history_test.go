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

// conda's History.construct_states: an entry with no "+"/"-" line, as
// conda writes for a no-op or a forced reinstall of the same package,
// replaces the state with its lines (none), and the next transaction
// writes "+" for everything, without a "-" for what it removed. These are
// the entries the real conda 26.7 wrote in an env onboard installed
// (internal/realbundle's end-to-end test).
func TestHistoryReadAsCondaReadsIt(t *testing.T) {
	install := "==> 2026-12-02 04:15:54 <==\n# cmd: onboard install\n# conda version: 26.7.2\n+pkgs/linux-64::python-3.11.2-0\n+pkgs/noarch::jupyter-6.4.12-py_0\n# update specs: []\n"
	noop := "==> 2026-12-02 04:15:58 <==\n# cmd: conda install -y --force-reinstall python\n# conda version: 26.7.2\n# update specs: ['python']\n"
	remove := "==> 2026-12-02 04:16:24 <==\n# cmd: conda remove -y jupyter\n# conda version: 26.7.2\n+pkgs/linux-64::python-3.11.2-0\n# remove specs: ['jupyter']\n"
	for _, c := range []struct {
		name, hist string
		state      []string
		removed    []string
	}{
		{"onboard's install", install, []string{"pkgs/linux-64::python-3.11.2-0", "pkgs/noarch::jupyter-6.4.12-py_0"}, nil},
		{"then a no-op", install + noop, nil, nil},
		{"then conda remove", install + noop + remove, []string{"pkgs/linux-64::python-3.11.2-0"}, []string{"jupyter-6.4.12-py_0"}},
		{"an explicit remove", install + strings.Replace(remove, "+pkgs/linux-64::python-3.11.2-0", "-pkgs/noarch::jupyter-6.4.12-py_0", 1), []string{"pkgs/linux-64::python-3.11.2-0"}, []string{"jupyter-6.4.12-py_0"}},
		{"an old full-state entry", "==> a <==\npkgs/linux-64::x-1-0\n", []string{"pkgs/linux-64::x-1-0"}, nil},
	} {
		var state, removed []string
		for d := range HistoryState([]byte(c.hist)) {
			state = append(state, d)
		}
		for d := range RemovedByHistory([]byte(c.hist)) {
			removed = append(removed, d)
		}
		if !reflect.DeepEqual(sorted(state), sorted(c.state)) || !reflect.DeepEqual(sorted(removed), sorted(c.removed)) {
			t.Errorf("%s: state %v removed %v; want %v and %v", c.name, state, removed, c.state, c.removed)
		}
	}
	// what onboard writes next is what conda would write: after the no-op,
	// everything installed is a "+" line
	rem, add := HistoryDiff([]byte(install+noop), []string{"pkgs/linux-64::python-3.11.2-0", "pkgs/noarch::jupyter-6.4.12-py_0"})
	if len(rem) != 0 || len(add) != 2 {
		t.Errorf("after a no-op entry: removed %v added %v; want two added", rem, add)
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

// conda made an env when its history begins with a command of conda's
// that creates one; a history that begins with another conda command
// (conda install into an env whose history was lost) is no sign of it
// (audit AM 1).
func TestEnvMadeWithConda(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want bool
	}{
		{"/opt/acme/bin/conda create -n team --offline six", true},
		{"/opt/acme/bin/conda env create -f env.yml", true},
		{`C:\acme\Scripts\conda-script.py create -p C:\x`, true},
		{"/opt/acme/lib/python3.11/site-packages/conda/__main__.py --debug create -n b2 --clone base", true},
		{"/opt/acme/bin/conda rename -n team team2", true},
		{"micromamba create -n x", true},
		// conda writes its argv unquoted: a program in a folder with
		// spaces spans words (audit AQ 1)
		{"/home/jane/My Acme Python/bin/conda create -n team", true},
		{`C:\Users\John Smith\acme\Scripts\conda-script.py create -n team`, true},
		{"/home/jane/My Acme Python/bin/conda install -n team six", false},
		{"/home/jane/My Acme/.onboard/onboard install --prefix /home/jane/x/conda", false},
		// a folder with a word that names a conda program (audit AT 3)
		{"/home/jane/My conda envs/bin/conda create -n team", true},
		{"/home/jane/My conda envs/bin/conda install -n team six", false},
		{"/opt/acme/bin/conda install -n team six", false},
		{"/opt/acme/bin/conda remove -n team six", false},
		{"/opt/acme/.onboard/onboard install --silent", false},
		{"", false},
	} {
		dir := t.TempDir()
		hist := "==> 2026-12-01 10:00:00 <==\n"
		if tc.cmd != "" {
			hist += "# cmd: " + tc.cmd + "\n"
		}
		if err := os.MkdirAll(filepath.Join(dir, "conda-meta"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(HistoryPath(dir), []byte(hist), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := EnvMadeWithConda(dir); got != tc.want {
			t.Errorf("%q: %v; want %v", tc.cmd, got, tc.want)
		}
	}
}

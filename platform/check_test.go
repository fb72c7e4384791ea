package platform

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// codes returns "code/severity" for each problem, sorted.
func codes(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code+"/"+p.Severity.String())
	}
	slices.Sort(out)
	return out
}

func TestCheckPrefixWith(t *testing.T) {
	ok := PrefixFacts{Writable: true, FreeBytes: 10 << 30}
	tests := []struct {
		name  string
		t     Target
		env   Env
		req   PrefixRequest
		facts PrefixFacts
		want  []string
	}{
		{"fine new folder", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme", NeedBytes: 1 << 30}, ok, nil},
		{"relative", linux, Env{}, PrefixRequest{Prefix: "acme"}, ok, []string{"not-absolute/error"}},
		{"newline", linux, Env{}, PrefixRequest{Prefix: "/home/a/ac\nme"}, ok, []string{"control-characters/error"}},
		{"not writable", linux, Env{}, PrefixRequest{Prefix: "/opt/acme"}, PrefixFacts{WritableErr: "permission denied", FreeBytes: -1}, []string{"not-writable/error"}},
		{"a system folder, not a disk", linux, Env{}, PrefixRequest{Prefix: "/sys/kernel/acme", NeedBytes: 1 << 30}, PrefixFacts{SystemFS: "sysfs", Writable: true, FreeBytes: 0}, []string{"not-writable/error"}}, // what root's access(2) and statfs say there
		{"no space", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme", NeedBytes: 2 << 30}, PrefixFacts{Writable: true, FreeBytes: 1 << 30}, []string{"no-space/error"}},
		{"free space without the margin", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme", NeedBytes: 1 << 30}, PrefixFacts{Writable: true, FreeBytes: 1<<30 + 1<<20}, []string{"no-space/error"}},
		{"free space with the margin", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme", NeedBytes: 1 << 30}, PrefixFacts{Writable: true, FreeBytes: RequiredFree(1 << 30)}, nil},
		{"free space unknown", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme", NeedBytes: 2 << 30}, PrefixFacts{Writable: true, FreeBytes: -1}, nil},
		{"spaces and non-ASCII", mac, Env{}, PrefixRequest{Prefix: "/Users/José/My Python"}, ok, []string{"non-ascii/warning", "spaces/warning"}},
		{"exists as file", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme"}, PrefixFacts{Exists: true, Writable: true, FreeBytes: -1}, []string{"not-a-directory/error"}},
		{"not empty", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme"}, PrefixFacts{Exists: true, IsDir: true, Entries: []string{"x"}, Writable: true, FreeBytes: -1}, []string{"not-empty/error"}},
		{"empty existing folder", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme"}, PrefixFacts{Exists: true, IsDir: true, Writable: true, FreeBytes: -1}, nil},
		{"own install: re-run", linux, fakeEnv("", nil, "/home/a/acme/.onboard/manifest.json", "/home/a/acme/conda-meta/history"),
			PrefixRequest{Prefix: "/home/a/acme"}, PrefixFacts{Exists: true, IsDir: true, Entries: []string{".onboard", "conda-meta"}, Writable: true, FreeBytes: -1}, nil},
		{"foreign conda env", linux, fakeEnv("", nil, "/home/a/miniconda3/conda-meta/history"),
			PrefixRequest{Prefix: "/home/a/miniconda3"}, PrefixFacts{Exists: true, IsDir: true, Entries: []string{"conda-meta"}, Writable: true, FreeBytes: -1}, []string{"conda-prefix/error"}},
		{"inside a conda env", linux, fakeEnv("", nil, "/home/a/miniconda3/conda-meta/history"),
			PrefixRequest{Prefix: "/home/a/miniconda3/envs/acme"}, ok, []string{"inside-conda-prefix/error"}},
		{"windows too long", win, Env{}, PrefixRequest{Prefix: `C:\Users\ann\AppData\Local\acme-python`, MaxRelPath: 230}, ok, []string{"too-long/error"}},
		{"windows too long, long paths on", win, Env{}, PrefixRequest{Prefix: `C:\Users\ann\AppData\Local\acme-python`, MaxRelPath: 230},
			PrefixFacts{Writable: true, FreeBytes: -1, LongPathsEnabled: true}, []string{"too-long/warning"}},
		// the maintenance app, which the shortcuts start, fits MAX_PATH
		// whatever LongPathsEnabled says (audit AF: a 340-character folder
		// installed with shortcuts that had no target)
		{"windows maintenance app too long, long paths on", win, Env{}, PrefixRequest{Prefix: `C:\` + strings.Repeat("a", 259-21-3+1), MaxRelPath: 30},
			PrefixFacts{Writable: true, FreeBytes: -1, LongPathsEnabled: true}, []string{"too-long/error"}},
		{"windows maintenance app too long, an install there already", win, fakeEnv("", nil, `C:\`+strings.Repeat("a", 259-21-3+1)+`\.onboard\manifest.json`),
			PrefixRequest{Prefix: `C:\` + strings.Repeat("a", 259-21-3+1), MaxRelPath: 30},
			PrefixFacts{Exists: true, IsDir: true, Entries: []string{".onboard"}, Writable: true, FreeBytes: -1, LongPathsEnabled: true}, []string{"too-long/warning"}},
		{"windows maintenance app just fits, long paths on", win, Env{}, PrefixRequest{Prefix: `C:\` + strings.Repeat("a", 259-21-3), MaxRelPath: 30},
			PrefixFacts{Writable: true, FreeBytes: -1, LongPathsEnabled: true}, []string{"too-long/warning"}},
		{"windows just fits", win, Env{}, PrefixRequest{Prefix: `C:\acme`, MaxRelPath: 259 - 8}, ok, nil},
		{"windows one over", win, Env{}, PrefixRequest{Prefix: `C:\acme`, MaxRelPath: 259 - 7}, ok, []string{"too-long/error"}},
		{"linux has no MAX_PATH", linux, Env{}, PrefixRequest{Prefix: "/home/a/acme", MaxRelPath: 400}, ok, nil},
		{"windows inside conda", win, fakeEnv("", nil, `C:\Miniconda3\conda-meta\history`), PrefixRequest{Prefix: `C:\Miniconda3\x`}, ok, []string{"inside-conda-prefix/error"}},
		// inside an install that another installer is making: no
		// conda-meta/history yet, but its lock, or its journal beside it
		// (audit BA 1)
		{"inside an install being made, by its lock", linux, fakeEnv("", nil, "/home/a/x/.onboard/lock"), PrefixRequest{Prefix: "/home/a/x/inner"}, ok, []string{"inside-conda-prefix/error"}},
		{"inside an install being made, by its journal", linux, fakeEnv("", nil, "/home/a/.x.onboard-journal"), PrefixRequest{Prefix: "/home/a/x/y/inner"}, ok, []string{"inside-conda-prefix/error"}},
		{"windows inside an install", win, fakeEnv("", nil, `C:\x\.onboard\manifest.json`), PrefixRequest{Prefix: `C:\x\inner`}, ok, []string{"inside-conda-prefix/error"}},
		{"beside an install being made", linux, fakeEnv("", nil, "/home/a/.x.onboard-journal", "/home/a/x/.onboard/lock"), PrefixRequest{Prefix: "/home/a/x2"}, ok, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := CheckPrefixWith(tt.t, tt.env, tt.req, tt.facts)
			if got := codes(ps); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %q; want %q\n%v", got, tt.want, ps)
			}
			for _, p := range ps {
				if p.Message == "" || (p.Severity == Error && p.Hint == "") {
					t.Errorf("problem %+v lacks a message or a hint", p)
				}
			}
		})
	}
}

// The too-long message names the limit the plan and the wizard show
// (PathLimit: 259), not MAX_PATH's 260 with its NUL.
func TestTooLongNamesThePlansLimit(t *testing.T) {
	win := Target{OS: "windows", Arch: "amd64"}
	ps := CheckPrefixWith(win, Env{}, PrefixRequest{Prefix: `C:\Users\ann\AppData\Local\acme-python`, MaxRelPath: 230}, PrefixFacts{Writable: true, FreeBytes: -1})
	want := fmt.Sprintf("over the %d characters Windows allows in a path", PathLimit(win))
	if len(ps) != 1 || !strings.Contains(ps[0].Message, want) {
		t.Fatalf("problems %+v; want one that says %q", ps, want)
	}
}

// A folder check's message gives a Windows path as Windows writes it: the
// spaces warning, shown on Location, in the plan's notes and in --json,
// said "C:\\My Tools\\demo".
func TestCheckMessagesWriteWindowsPathsPlainly(t *testing.T) {
	win := Target{OS: "windows", Arch: "amd64"}
	ps := CheckPrefixWith(win, Env{}, PrefixRequest{Prefix: `C:\My Tools\demo`}, PrefixFacts{Writable: true, FreeBytes: -1})
	if len(ps) != 1 || ps[0].Message != `"C:\My Tools\demo" has spaces, which break some conda packages' scripts and build tools` {
		t.Fatalf("problems %+v", ps)
	}
	// elsewhere the warning says what conda does in such a folder
	ps = CheckPrefixWith(Target{OS: "linux", Arch: "amd64"}, Env{}, PrefixRequest{Prefix: "/home/ann/Team Python"}, PrefixFacts{Writable: true, FreeBytes: -1})
	if len(ps) != 1 || ps[0].Code != ProblemSpaces || !strings.Contains(ps[0].Message, "conda, Python and Jupyter work there") || !strings.Contains(ps[0].Message, "#!/usr/bin/env perl") {
		t.Fatalf("problems %+v", ps)
	}
}

// A folder too long for a script's first line (a perl script then
// starts '#!/usr/bin/env perl': 127 characters on Linux, 512 on macOS)
// and one with a ' (conda's shell scripts write it in single quotes) are
// warned of; Windows has neither rule (audit AE 1, 2).
func TestCheckWarnsOfWhatBreaksCondasScripts(t *testing.T) {
	linux, mac, win := Target{OS: "linux", Arch: "amd64"}, Target{OS: "darwin", Arch: "arm64"}, Target{OS: "windows", Arch: "amd64"}
	at := func(n int) string { return "/" + strings.Repeat("a", n-1) } // n characters
	const base, env = "too long for the scripts of some packages on this system", "too long for the scripts of some packages of the environment team"
	for _, tc := range []struct {
		t      Target
		prefix string
		code   string
		says   string
	}{
		// the env team's scripts: "#!" + 104 + "/envs/team/bin/python" =
		// 127 (audit AG: only the base was checked)
		{linux, at(104), "", ""},
		{linux, at(105), ProblemLongShebang, env},
		// the base's: "#!" + 114 + "/bin/python" = 127
		{linux, at(114), ProblemLongShebang, env},
		{linux, at(115), ProblemLongShebang, base},
		{mac, at(115), "", ""},
		{mac, at(500), ProblemLongShebang, base},
		{linux, "/home/ann/o'neil/py", ProblemQuote, "apostrophe"},
		{mac, "/Users/ann/o'neil/py", ProblemQuote, "apostrophe"},
		{win, `C:\o'neil\py`, "", ""},
		// conda expands variables in the paths it reads (audit AV 5)
		{linux, "/home/ann/acme$HOME", ProblemVariable, "which conda reads as a variable: 'conda activate' will not find the environments there"},
		{win, `C:\a%USERNAME%b\py`, ProblemVariable, "which conda reads as a variable"},
		{win, `C:\100%\py`, "", ""},
		{win, `C:\` + strings.Repeat("a", 150), "", ""},
	} {
		ps := CheckPrefixWith(tc.t, Env{}, PrefixRequest{Prefix: tc.prefix, Envs: []string{"ml", "team"}}, PrefixFacts{Writable: true, FreeBytes: -1})
		var codes []string
		for _, p := range ps {
			codes = append(codes, p.Code)
		}
		if tc.code == "" && len(ps) != 0 || tc.code != "" && (len(ps) != 1 || ps[0].Code != tc.code || ps[0].Severity != Warning || !strings.Contains(ps[0].Message, tc.says)) {
			t.Errorf("%s %d characters %.30q: problems %v %+v; want %q saying %q", tc.t.OS, len(tc.prefix), tc.prefix, codes, ps, tc.code, tc.says)
		}
	}
}

func TestHasErrors(t *testing.T) {
	if HasErrors([]Problem{{Severity: Warning}}) || !HasErrors([]Problem{{Severity: Warning}, {Severity: Error}}) {
		t.Error("HasErrors is wrong")
	}
}

// TestHostCheckPrefix runs the host checks on real folders.
func TestHostCheckPrefix(t *testing.T) {
	dir := tempDir(t)
	newDir := filepath.Join(dir, "new", "acme")
	if ps := CheckPrefix(PrefixRequest{Prefix: newDir, NeedBytes: 1}); HasErrors(ps) {
		t.Errorf("new folder: %v", ps)
	}
	if ps := CheckPrefix(PrefixRequest{Prefix: newDir, NeedBytes: 1 << 62}); !slices.Contains(codes(ps), "no-space/error") {
		t.Errorf("huge need: %v; want no-space", ps)
	}
	full := filepath.Join(dir, "full")
	mustWrite(t, filepath.Join(full, "a.txt"), "x")
	if ps := CheckPrefix(PrefixRequest{Prefix: full}); !slices.Contains(codes(ps), "not-empty/error") {
		t.Errorf("non-empty: %v", ps)
	}
	mustWrite(t, filepath.Join(full, ".onboard", "manifest.json"), "{}")
	if ps := CheckPrefix(PrefixRequest{Prefix: full}); HasErrors(ps) {
		t.Errorf("own install: %v", ps)
	}
	if ps := CheckPrefix(PrefixRequest{Prefix: filepath.Join(full, "inner")}); !slices.Contains(codes(ps), "inside-conda-prefix/error") || !strings.Contains(fmt.Sprint(ps), "which onboard is installing or has installed") {
		t.Errorf("inside an install: %v", ps)
	}
	mustWrite(t, filepath.Join(dir, "conda", "conda-meta", "history"), "")
	if ps := CheckPrefix(PrefixRequest{Prefix: filepath.Join(dir, "conda", "envs", "x")}); !slices.Contains(codes(ps), "inside-conda-prefix/error") {
		t.Errorf("inside conda: %v", ps)
	}
	if runtime.GOOS != "windows" && os.Getuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if ps := CheckPrefix(PrefixRequest{Prefix: filepath.Join(ro, "acme")}); !slices.Contains(codes(ps), "not-writable/error") {
			t.Errorf("read-only parent: %v", ps)
		}
	}
	if ps := CheckPrefix(PrefixRequest{Prefix: "relative"}); !slices.Contains(codes(ps), "not-absolute/error") {
		t.Errorf("relative: %v", ps)
	}
}

// tempDir is t.TempDir, except under Wine, where os.RemoveAll fails (see
// build-and-test-facts): there the folder is left for the script to delete.
func tempDir(t *testing.T) string {
	t.Helper()
	if os.Getenv("ONBOARD_WINE") == "" {
		return t.TempDir()
	}
	d, err := os.MkdirTemp("", "onboard-test-*")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostPrefixFactsWriteNothing: the facts of a folder, new or existing,
// are gathered without changing it or its parent (not even their times),
// so the wizard can check a folder as a person types it. Windows creates
// and removes a probe file.
func TestHostPrefixFactsWriteNothing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows asks by writing a probe file")
	}
	dir := tempDir(t)
	existing := filepath.Join(dir, "acme")
	mustWrite(t, filepath.Join(existing, "a.txt"), "x")
	stamp := func() string {
		var b strings.Builder
		for _, p := range []string{dir, existing} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			ents, _ := os.ReadDir(p)
			fmt.Fprintf(&b, "%s %v %d\n", p, fi.ModTime().UnixNano(), len(ents))
		}
		return b.String()
	}
	before := stamp()
	for _, p := range []string{existing, filepath.Join(dir, "new", "acme")} {
		if f := HostPrefixFacts(p); !f.Writable || f.FreeBytes <= 0 {
			t.Fatalf("%s: %+v", p, f)
		}
	}
	if after := stamp(); after != before {
		t.Fatalf("gathering the facts changed the folders:\n%s---\n%s", before, after)
	}
}

func TestPathLimitAndLongestPath(t *testing.T) {
	if PathLimit(win) != 259 || PathLimit(linux) != 0 || PathLimit(mac) != 0 {
		t.Fatalf("limits %d %d %d", PathLimit(win), PathLimit(linux), PathLimit(mac))
	}
	if n := LongestPath(PrefixRequest{Prefix: `C:\Prógrams`, MaxRelPath: 100}); n != len([]rune(`C:\Prógrams`))+1+100 {
		t.Fatalf("longest path %d counts bytes, not characters", n)
	}
	// an emoji is two units to Windows, one character to Go (audit AS 4)
	if n := LongestPath(PrefixRequest{Prefix: `C:\😀😀`, MaxRelPath: 10}); n != 3+4+1+10 {
		t.Errorf("a prefix of emoji: %d; want it counted in UTF-16 units, 18", n)
	}
	if n := LongestPath(PrefixRequest{Prefix: `C:\acme`}); n != 0 {
		t.Fatalf("an unknown relative path gives %d", n)
	}
}

// A disk with bytes to spare but too few free file entries (inodes) for
// the install's files and folders is refused up front, as a full one is:
// the install would otherwise fail near its end with "no space left".
// Where the number is not known (0, as on btrfs) nothing is said.
func TestCheckPrefixCountsInodes(t *testing.T) {
	linux := Target{"linux", "amd64"}
	req := PrefixRequest{Prefix: "/opt/acme", NeedBytes: 1 << 20, NeedFiles: 12000}
	for _, tc := range []struct {
		free int64
		want bool
	}{{6000, true}, {13000, true}, {14000, false}, {0, false}} {
		f := PrefixFacts{Writable: true, FreeBytes: 1 << 40, FreeFiles: tc.free}
		got := false
		for _, p := range CheckPrefixWith(linux, Env{}, req, f) {
			if p.Code == ProblemNoSpace && p.Severity == Error && strings.Contains(p.Message, "inodes") {
				got = true
			}
		}
		if got != tc.want {
			t.Errorf("%d inodes free for 12,000: refused %v; want %v", tc.free, got, tc.want)
		}
	}
}

// A prefix with which the longest path of the install would pass PATH_MAX
// (4096 bytes on Linux, 1024 on macOS) is refused up front, as too long:
// the install otherwise failed near its end with "file name too long".
func TestCheckPrefixPathMax(t *testing.T) {
	for _, tc := range []struct {
		os     string
		prefix int
		want   bool
	}{{"linux", 3800, false}, {"linux", 3950, true}, {"darwin", 700, false}, {"darwin", 900, true}} {
		req := PrefixRequest{Prefix: "/" + strings.Repeat("p", tc.prefix-1), MaxRelPath: 150}
		got := false
		for _, p := range CheckPrefixWith(Target{tc.os, "amd64"}, Env{}, req, PrefixFacts{Writable: true, FreeBytes: -1}) {
			got = got || p.Code == ProblemTooLong && p.Severity == Error
		}
		if got != tc.want {
			t.Errorf("%s, a %d-byte prefix: refused %v; want %v", tc.os, tc.prefix, got, tc.want)
		}
	}
}

// A drive's or file system's root, and the home folder, are refused up
// front: uninstall removes the install's folder whole and so refuses them,
// and a drive's root has no name to label the launchers with (an install
// into E:\ took the default install's shortcuts, and could never be
// uninstalled or upgraded).
func TestCheckPrefixRefusesARootOrTheHome(t *testing.T) {
	win := Target{OS: "windows", Arch: "amd64"}
	lin := Target{OS: "linux", Arch: "amd64"}
	for _, tt := range []struct {
		t    Target
		home string
		p    string
		bad  bool
	}{
		{win, `C:\Users\ann`, `E:\`, true},
		{win, `C:\Users\ann`, `c:\users\ANN\`, true},
		{win, `C:\Users\ann`, `E:\acme`, false},
		{lin, "/home/ann", "/", true},
		{lin, "/home/ann", "/home/ann/", true},
		{lin, "/home/ann", "/home/ann/acme", false},
	} {
		probs := CheckPrefixWith(tt.t, Env{Home: tt.home, Getenv: func(string) string { return "" }}, PrefixRequest{Prefix: tt.p}, PrefixFacts{})
		got := len(probs) > 0 && probs[0].Code == ProblemRootOrHome
		if got != tt.bad {
			t.Errorf("%s %q: %v; want refused %v", tt.t.OS, tt.p, probs, tt.bad)
		}
	}
}

// A Windows name with a character the system refuses, or a tab (a TOML
// "C:\tools"), is refused as such, up front; it read as a damaged install
// ("Invalid name" opening its manifest), with a hint to repair.
func TestNameProblems(t *testing.T) {
	win := Target{OS: "windows", Arch: "amd64"}
	for p, code := range map[string]string{`C:\Tools|x`: ProblemBadName, `C:\data?`: ProblemBadName, "C:\tools": ProblemControlChars,
		`C:\a:b`: ProblemBadName, `C:\acme`: "", `D:\My Tools\acme`: ""} {
		probs := NameProblems(win, p)
		got := ""
		if len(probs) > 0 {
			got = probs[0].Code
		}
		if got != code {
			t.Errorf("NameProblems(%q) = %v; want %q", p, probs, code)
		}
	}
	if probs := NameProblems(Target{OS: "linux"}, "/srv/a|b?"); len(probs) != 0 {
		t.Errorf("a Linux name with | and ?: %v", probs)
	}
}

// A folder under /sys or /proc is on the kernel's view of the machine:
// root's access(2) says it may write there and its free space is 0, so
// the check called it a full disk. The facts name the file system, and
// the check says it is no folder on a disk (audit Y3).
func TestHostPrefixFactsNameSystemFolders(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("sysfs and proc are Linux's")
	}
	for dir, want := range map[string]string{"/sys/kernel/acme": "sysfs", "/proc/acme": "proc", "/sys/fs/cgroup/acme": "sysfs", "/dev/acme": "devtmpfs", t.TempDir(): ""} {
		f := HostPrefixFacts(dir)
		if f.SystemFS != want {
			t.Errorf("%s: SystemFS %q; want %q", dir, f.SystemFS, want)
		}
		ps := CheckPrefixWith(HostTarget(), Env{}, PrefixRequest{Prefix: dir, NeedBytes: 1 << 20}, f)
		if want != "" && (codes(ps) == nil || codes(ps)[0] != "not-writable/error" || !strings.Contains(ps[0].Message, "system folder") || len(ps) != 1) {
			t.Errorf("%s: %v; want only that it is a system folder, not a disk", dir, ps)
		}
	}
}

// A folder reached through a symlink is inside what the link leads to:
// link/inner, with link -> outer/sub, is inside the install in outer
// (audit BB 2: by name it was not, and uninstalling outer removed it).
func TestCheckPrefixInsideAnInstallThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	outer := filepath.Join(dir, "outer")
	mustWrite(t, filepath.Join(outer, ".onboard", "manifest.json"), "{}")
	os.MkdirAll(filepath.Join(outer, "sub"), 0o755)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(outer, "sub"), link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	ps := CheckPrefix(PrefixRequest{Prefix: filepath.Join(link, "inner")})
	if !slices.Contains(codes(ps), "inside-conda-prefix/error") || !strings.Contains(fmt.Sprint(ps), outer) {
		t.Errorf("inside an install through a symlink: %v", ps)
	}
	// beside it through the link to its parent: fine
	os.Symlink(dir, filepath.Join(dir, "up"))
	if ps := CheckPrefix(PrefixRequest{Prefix: filepath.Join(dir, "up", "beside")}); HasErrors(ps) {
		t.Errorf("beside an install, through a symlink: %v", ps)
	}
}

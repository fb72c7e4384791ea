package bundle

import (
	"encoding/json"
	"strings"
	"testing"
)

// A manifest entry's fn is <name>-<version>-<build>: the install checks
// the archive's index.json against the file name, and the env's checks
// (one package of each name) use the entry's name.
func TestPackageFnMatchesItsName(t *testing.T) {
	p := Package{Fn: "good-1-0.conda", Name: "good", Version: "1", Build: "0", Subdir: "noarch", SHA256: strings.Repeat("a", 64), Size: 1}
	if err := p.validate(); err != nil {
		t.Fatalf("validate(%+v) = %v", p, err)
	}
	for _, fn := range []string{"evil-1-0.conda", "good-1-1.tar.bz2", "good-1-0-x.conda"} {
		q := p
		q.Fn = fn
		if err := q.validate(); err == nil || !strings.Contains(err.Error(), "is not <name>-<version>-<build>") {
			t.Errorf("validate(fn %q) = %v; want it refused", fn, err)
		}
	}
	// depends go into the package's conda-meta record, which conda reads
	for _, d := range []string{"x\n+evil", "", " ", "y\x00"} {
		q := p
		q.Depends = []string{"python >=3.9", d}
		if err := q.validate(); err == nil || !strings.Contains(err.Error(), "depends") {
			t.Errorf("validate(depends %q) = %v; want it refused", d, err)
		}
	}
}

// A frozen env must be "base" or an env of every platform, and its
// message text a terminal shows as written.
func TestManifestFrozenEnvs(t *testing.T) {
	var m Manifest
	if err := json.Unmarshal(seedManifest(), &m); err != nil {
		t.Fatal(err)
	}
	m.Platforms["linux-64"].Envs = map[string][]Package{"team": nil}
	for _, tt := range []struct {
		frozen map[string]string
		err    string
	}{
		{map[string]string{"base": "Managed by IT.", "team": ""}, ""},
		{map[string]string{"mine": ""}, `frozen env "mine" is not an env of platform "linux-64"`},
		{map[string]string{"base": "\x1b[2J"}, "control characters"},
		{map[string]string{"base": strings.Repeat("m", MaxFrozenMessage+1)}, "longer than"},
	} {
		m.Frozen = tt.frozen
		err := m.Validate()
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("frozen %.40q: Validate() = %v; want %q", tt.frozen, err, tt.err)
		}
	}
}

// A platform's virtual_specs must be virtual packages onboard checks,
// with constraints it reads: a build would otherwise promise a check the
// install does not make.
func TestManifestVirtualSpecs(t *testing.T) {
	var m Manifest
	if err := json.Unmarshal(seedManifest(), &m); err != nil {
		t.Fatal(err)
	}
	for specs, want := range map[string]string{
		"__glibc >=2.28|__osx >=12": "",
		"__cuda >=12":               "is not one of the virtual packages onboard checks",
		"__glibc >=":                "no version after",
	} {
		m.Platforms["linux-64"].VirtualSpecs = strings.Split(specs, "|")
		err := m.Validate()
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("virtual_specs %q: Validate() = %v; want %q", specs, err, want)
		}
	}
}

// menu_packages must name packages of the bundle (in any case): a typo
// would quietly make no shortcuts.
func TestManifestMenuPackages(t *testing.T) {
	var m Manifest
	if err := json.Unmarshal(seedManifest(), &m); err != nil {
		t.Fatal(err)
	}
	for list, want := range map[string]string{"ZLIB": "", "": "", "zlibb": "is not a package of the bundle", "a b": "is not a conda package name"} {
		names := []string{}
		if list != "" {
			names = []string{list}
		}
		m.MenuPackages = &names
		err := m.Validate()
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("menu_packages %q: Validate() = %v; want %q", names, err, want)
		}
	}
}

// The size facts of a package feed the disk space check and bound what
// the package may write: a negative one, or one no disk holds, is refused
// (a sum of them overflowed, and the check passed).
func TestPackageSizeFactsAreBounded(t *testing.T) {
	p := Package{Fn: "good-1-0.conda", Name: "good", Version: "1", Build: "0", Subdir: "noarch", SHA256: strings.Repeat("a", 64), Size: 1,
		UnpackedSize: 10, Files: 2, Dirs: 1, PySize: 3, PyFiles: 1, EntryPoints: 1, LongestPath: 40}
	if err := p.validate(); err != nil {
		t.Fatal(err)
	}
	for name, set := range map[string]func(*Package){
		"unpacked_size":      func(q *Package) { q.UnpackedSize = -9e12 },
		"unpacked_size huge": func(q *Package) { q.UnpackedSize = 9.2e18 },
		"size huge":          func(q *Package) { q.Size = 1 << 62 },
		"files":              func(q *Package) { q.Files = -1 },
		"dirs":               func(q *Package) { q.Dirs = -3 },
		"py_size":            func(q *Package) { q.PySize = -1 },
		"py_files":           func(q *Package) { q.PyFiles = -5 },
		"entry_points":       func(q *Package) { q.EntryPoints = -1 },
		"longest_path":       func(q *Package) { q.LongestPath = -5 },
	} {
		q := p
		set(&q)
		if err := q.validate(); err == nil {
			t.Errorf("%s: %+v accepted", name, q)
		}
	}
}

// What a bundle says of itself reaches terminals, windows and file names:
// its name, id, launcher names and commands, and env names are plain text
// of a bounded length, env names folders every OS keeps apart, and the
// settings it writes into conda's file cannot add settings of their own
// (audit W2: an escape sequence in a launcher name repainted inspect's
// "signature:" line; "team" and "Team" were one folder on Windows).
func TestManifestTextAndNamesAreBounded(t *testing.T) {
	long := strings.Repeat("n", maxNameBytes+1)
	for _, tt := range []struct {
		what string
		edit func(*Manifest)
		err  string
	}{
		{"good", func(*Manifest) {}, ""},
		{"name with escapes", func(m *Manifest) { m.Name = "Acme\x1b]0;pwned\a" }, "control characters"},
		{"name too long", func(m *Manifest) { m.Name = long }, "longer than 100 bytes"},
		{"id with a newline", func(m *Manifest) { m.ID = "org.acme\nx" }, "control characters"},
		{"launcher name", func(m *Manifest) { m.Launchers[0].Name = "x\x1b[2A\rsignature: signed" }, "launcher name"},
		{"launcher name too long", func(m *Manifest) { m.Launchers[0].Name = long }, "launcher name"},
		{"launcher command", func(m *Manifest) { m.Launchers[0].Command = []string{"jupyter", "lab\x07"} }, "control characters"},
		{"env names in two cases, for Windows", func(m *Manifest) { onWin(m, "team", "Team") }, `env names "Team" and "team" are one folder`},
		{"env names in two cases, for Linux", func(m *Manifest) { m.Platforms["linux-64"].Envs["Team"] = nil }, ""},
		{"env named CON, for Windows", func(m *Manifest) { onWin(m, "CON") }, `env name "CON" is not allowed: the name "CON" is a device`},
		{"env named nul.x, for Windows", func(m *Manifest) { onWin(m, "nul.x") }, `env name "nul.x" is not allowed`},
		{"env ending in a dot, for Windows", func(m *Manifest) { onWin(m, "x.") }, `env name "x." is not allowed`},
		{"env named aux, for Linux (an install of before keeps working)", func(m *Manifest) { m.Platforms["linux-64"].Envs["aux"] = nil }, ""},
		{"env name too long", func(m *Manifest) { m.Platforms["linux-64"].Envs[strings.Repeat("e", maxEnvNameBytes+1)] = nil }, "is not allowed"},
		{"channel with a newline", func(m *Manifest) { m.Condarc = &Condarc{Channels: []string{"https://x.invalid\noffline: false"}} }, "is not a channel"},
		{"channel URL", func(m *Manifest) {
			m.Condarc = &Condarc{Channels: []string{"https://conda.acme.com/main", "conda-forge"}}
		}, ""},
		{"solver with YAML", func(m *Manifest) { m.Condarc = &Condarc{Solver: "classic\nchannels: [evil]"} }, "is not a solver"},
	} {
		var m Manifest
		if err := json.Unmarshal(seedManifest(), &m); err != nil {
			t.Fatal(err)
		}
		m.Platforms["linux-64"].Envs = map[string][]Package{"team": nil}
		m.Launchers = []Launcher{{Name: "Jupyter Lab", Env: "team", Command: []string{"jupyter", "lab"}}}
		tt.edit(&m)
		err := m.Validate()
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: Validate() = %v; want %q", tt.what, err, tt.err)
		}
	}
}

// onWin gives m a win-64 platform like its linux-64 one, with the envs
// envs (and team, which the test's launcher runs in).
func onWin(m *Manifest, envs ...string) {
	lin := m.Platforms["linux-64"]
	w := &Platform{Envs: map[string][]Package{"team": nil}}
	for _, p := range lin.Base {
		p.Subdir = "win-64"
		w.Base = append(w.Base, p)
	}
	for _, e := range envs {
		w.Envs[e] = nil
	}
	m.Platforms["win-64"] = w
}

// The publisher is plain text of one line, and the URL an http or https
// address: both go into the registry and the installer's version info.
func TestManifestPublisherAndURL(t *testing.T) {
	var m Manifest
	if err := json.Unmarshal(seedManifest(), &m); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ publisher, url, err string }{
		{"Acme Corp.", "https://python.acme.example/help", ""},
		{"", "", ""},
		{"Acme\r\nEvil", "", "publisher"},
		{" ", "", "publisher"},
		{strings.Repeat("p", maxNameBytes+1), "", "publisher"},
		{"", "javascript:alert(1)", "url"},
		{"", "file:///etc/passwd", "url"},
		{"", "https://", "url"},
		{"", "https://acme.example/a b", "url"},
		{"", "https://acme.example/\"x", "url"},
	} {
		m.Publisher, m.URL = tt.publisher, tt.url
		err := m.Validate()
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("publisher %.30q url %q: Validate() = %v; want %q", tt.publisher, tt.url, err, tt.err)
		}
	}
}

// Launcher names that become one file on a system the bundle is for are
// refused at build: one launcher replaced the other, or the install made
// none and still exited 0 (audit AL 7). What is one file depends on the
// system: the case on Windows and macOS, a character Windows forbids, the
// maintenance launcher's name, a device name on Windows.
func TestLauncherNamesThatAreOneFile(t *testing.T) {
	var m Manifest
	if err := json.Unmarshal(seedManifest(), &m); err != nil {
		t.Fatal(err)
	}
	m.Platforms["linux-64"].Envs = map[string][]Package{"team": nil}
	p := m.Platforms["linux-64"]
	both := func(a, b string) []Launcher {
		return []Launcher{{Name: a, Env: "team", Command: []string{"jupyter", "lab"}}, {Name: b, Env: "team", Command: []string{"jupyter", "lab"}}}
	}
	for _, tt := range []struct {
		subdir    string
		launchers []Launcher
		err       string
	}{
		{"linux-64", both("Jupyter Lab", "Notebook"), ""},
		{"linux-64", both("Jupyter Lab", "jupyter lab"), ""}, // two .desktop ids: JupyterLab, jupyterLab
		{"linux-64", both("Jupyter Lab", "Jupyter-Lab"), "same launcher file on any system"},
		{"win-64", both("Jupyter Lab (3.12)", "Jupyter Lab 3.12"), "same launcher file on any system"},            // one id: JupyterLab312
		{"osx-arm64", both("Блокнот", "Лаборатория"), "differ in their letters or digits from A to Z and 0 to 9"}, // no ASCII letter: one id (audit AQ 6)
		{"win-64", both("Jupyter Lab", "jupyter lab"), "same launcher file on Windows"},
		{"win-64", both("Jupyter?Lab", "Jupyter_Lab"), "same launcher file on Windows"},
		{"win-64", both("CON", "Notebook"), "not allowed on Windows"},
		{"osx-arm64", both("Jupyter Lab", "JUPYTER LAB"), "same launcher file on macOS"},
		{"osx-arm64", both("Jupyter?Lab", "Jupyter_Lab"), ""},                              // macOS keeps '?'
		{"linux-64", both(m.Name+" maintenance", "Notebook"), "and the maintenance app's"}, // one id: AcmePythonMaintenance
		{"linux-64", both("Блокнот", "Notebook"), ""},
		{"win-64", both(m.Name+" maintenance", "Notebook"), "and the maintenance app's"},
		{"solaris-64", both("Jupyter Lab", "jupyter_lab"), "same launcher file on Solaris"},
	} {
		m.Platforms = map[string]*Platform{tt.subdir: p}
		m.Launchers = tt.launchers
		err := m.validateLaunchers()
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s %q, %q: %v; want %q", tt.subdir, tt.launchers[0].Name, tt.launchers[1].Name, err, tt.err)
		}
	}
}

// One archive listed by two envs must have one sha256, md5 and size: the
// install checked each env's entry as it extracted it and failed on the
// second env, where the dry run, which checks each archive once, said it
// would succeed (audit BE 2).
func TestManifestOneArchiveOneIdentity(t *testing.T) {
	var m Manifest
	if err := json.Unmarshal(seedManifest(), &m); err != nil {
		t.Fatal(err)
	}
	p := m.Platforms["linux-64"]
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	for what, change := range map[string]func(*Package){
		"sha256": func(q *Package) { q.SHA256 = strings.Repeat("b", 64) },
		"md5":    func(q *Package) { q.MD5 = strings.Repeat("c", 32) },
		"size":   func(q *Package) { q.Size++ },
		"":       func(q *Package) { q.Depends = nil }, // the same file
	} {
		q := p.Base[0]
		change(&q)
		p.Envs = map[string][]Package{"team": {q}}
		err := m.Validate()
		if what == "" && err != nil || what != "" && (err == nil || !strings.Contains(err.Error(), "with another "+what)) {
			t.Errorf("the base's %s again in team with another %q: Validate() = %v", q.Fn, what, err)
		}
	}
}

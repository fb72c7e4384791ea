package platform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUserStateDirs(t *testing.T) {
	vars := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	lin := Target{OS: "linux", Arch: "amd64"}
	sol := Target{OS: "solaris", Arch: "amd64"}
	mac := Target{OS: "darwin", Arch: "arm64"}
	win := Target{OS: "windows", Arch: "amd64"}
	keyOpt := "acme-python-" + prefixHash("/opt/acme-python")
	keyWin := "acme-python-" + prefixHash(`C:\Program Files\acme-python`)
	for _, c := range []struct {
		name         string
		t            Target
		env          Env
		prefix       string
		dir, runtime string
	}{
		{"linux default", lin, Env{Home: "/home/ann"}, "/opt/acme-python",
			"/home/ann/.local/state/onboard/" + keyOpt, "/home/ann/.local/state/onboard/" + keyOpt + "/runtime"},
		{"linux XDG", lin, Env{Home: "/home/ann", Getenv: vars("XDG_STATE_HOME", "/st", "XDG_RUNTIME_DIR", "/run/user/1000")}, "/opt/acme-python/",
			"/st/onboard/" + keyOpt, "/run/user/1000/onboard/" + keyOpt},
		{"linux relative XDG ignored", lin, Env{Home: "/home/ann", Getenv: vars("XDG_STATE_HOME", "st", "XDG_RUNTIME_DIR", "run")}, "/opt/acme-python",
			"/home/ann/.local/state/onboard/" + keyOpt, "/home/ann/.local/state/onboard/" + keyOpt + "/runtime"},
		{"linux no home, XDG_STATE_HOME", lin, Env{Getenv: vars("XDG_STATE_HOME", "/st")}, "/opt/acme-python",
			"/st/onboard/" + keyOpt, "/st/onboard/" + keyOpt + "/runtime"},
		{"solaris", sol, Env{Home: "/export/home/ann", Getenv: vars("XDG_RUNTIME_DIR", "/tmp/run-ann")}, "/opt/acme-python",
			"/export/home/ann/.local/state/onboard/" + keyOpt, "/tmp/run-ann/onboard/" + keyOpt},
		{"macOS ignores XDG", mac, Env{Home: "/Users/ann", Getenv: vars("XDG_STATE_HOME", "/st")}, "/opt/acme-python",
			"/Users/ann/Library/Application Support/onboard/" + keyOpt, "/Users/ann/Library/Application Support/onboard/" + keyOpt + "/runtime"},
		{"windows known folder", win, Env{Home: `C:\Users\ann`, Known: func(f string) string {
			if f == "LocalAppData" {
				return `D:\Local`
			}
			return ""
		}, Getenv: vars("LOCALAPPDATA", `C:\Users\ann\AppData\Local`)}, `C:\Program Files\acme-python`,
			`D:\Local\onboard\` + keyWin, `D:\Local\onboard\` + keyWin + `\runtime`},
		{"windows env", win, Env{Getenv: vars("LOCALAPPDATA", `C:\Users\ann\AppData\Local`, "XDG_RUNTIME_DIR", `C:\x`)}, `C:\Program Files\acme-python`,
			`C:\Users\ann\AppData\Local\onboard\` + keyWin, `C:\Users\ann\AppData\Local\onboard\` + keyWin + `\runtime`},
		{"windows home only", win, Env{Home: `C:\Users\ann`}, `c:\program files\ACME-python`,
			`C:\Users\ann\AppData\Local\onboard\` + keyWin, `C:\Users\ann\AppData\Local\onboard\` + keyWin + `\runtime`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := UserStateDirs(c.t, c.env, c.prefix)
			if err != nil {
				t.Fatal(err)
			}
			if s.Dir != c.dir || s.Runtime != c.runtime {
				t.Fatalf("got %+v, want dir %q runtime %q", s, c.dir, c.runtime)
			}
		})
	}
}

func TestUserStateDirsKeyedByPrefix(t *testing.T) {
	lin := Target{OS: "linux", Arch: "amd64"}
	env := Env{Home: "/home/ann"}
	a, _ := UserStateDirs(lin, env, "/opt/acme")
	b, _ := UserStateDirs(lin, env, "/srv/acme")
	if a.Dir == b.Dir || a.Runtime == b.Runtime {
		t.Fatalf("two installs share state: %+v %+v", a, b)
	}
}

func TestUserStateDirsWithoutHome(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows", "solaris"} {
		_, err := UserStateDirs(Target{OS: goos, Arch: "amd64"}, Env{}, "/opt/acme")
		if err == nil || !strings.Contains(err.Error(), "set ") {
			t.Errorf("%s: %v, want an error that says what to set", goos, err)
		}
	}
}

func TestMayModify(t *testing.T) {
	for _, c := range []struct {
		owner, euid int
		want        bool
	}{{0, 0, true}, {0, 1000, false}, {1000, 1000, true}, {1000, 0, true}, {1000, 1001, false}} {
		if got := MayModify(c.owner, c.euid); got != c.want {
			t.Errorf("MayModify(%d, %d) = %v", c.owner, c.euid, got)
		}
	}
}

func TestAdminHint(t *testing.T) {
	for goos, want := range map[string]string{"linux": "sudo onboard repair", "solaris": "pkexec", "darwin": "sudo onboard repair", "windows": "Run as administrator"} {
		if h := AdminHint(goos, "onboard repair"); !strings.Contains(h, want) || !strings.Contains(h, "IT") {
			t.Errorf("%s: %q", goos, h)
		}
	}
}

func TestEnsurePrivateDir(t *testing.T) {
	old := umask(0)
	defer umask(old)
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := EnsurePrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("mode %v, %v; want 0700", fi.Mode().Perm(), err)
	}
}

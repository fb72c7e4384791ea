package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/fixtures"
)

// onboardBin is onboard built once (-tags nogui) for the end-to-end tests.
var onboardBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "onboard-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	onboardBin = filepath.Join(dir, "onboard")
	out, err := exec.Command("go", "build", "-tags", "nogui", "-o", onboardBin, "onboard").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building onboard failed: %v\n%s", err, out)
		onboardBin = ""
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type runResult struct {
	code           int
	stdout, stderr string
}

// run runs bin with args, with HOME and XDG folders in a temp dir.
func run(t *testing.T, home, bin string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "share"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	return runResult{code, so.String(), se.String()}
}

func needBin(t *testing.T) {
	if onboardBin == "" {
		t.Fatal("onboard could not be built (see TestMain output)")
	}
}

// fixturesDir is the real fixture packages folder (see internal/fixtures).
func fixturesDir(t *testing.T) string { return fixtures.Dir(t) }

func hashLine(t *testing.T, url, file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(data)
	return url + "#" + hex.EncodeToString(s[:])
}

// e2eSpec writes a spec of real fixture packages for linux-64, osx-64
// and win-64; the noarch packages come from a package folder, each zlib
// from a local HTTP channel (srv).
func e2eSpec(t *testing.T, dir, version, srv string) string {
	fx := fixturesDir(t)
	rec := filepath.Join(fx, "conda-test-recipes")
	na := func(fn string) string { return hashLine(t, "https://t.invalid/noarch/"+fn, filepath.Join(rec, fn)) }
	var plats strings.Builder
	for _, p := range []struct{ sd, zlib, url string }{
		{"linux-64", "zlib-1.2.11-h7b6447c_3.tar.bz2", srv + "/main/linux-64/"},
		{"osx-64", "zlib-1.2.11-h1de35cc_3.conda", srv + "/main/osx-64/"},
		{"win-64", "zlib-1.2.11-h62dcd97_3.conda", srv + "/main/win-64/"},
	} {
		z := hashLine(t, p.url+p.zlib, filepath.Join(fx, "main", p.sd, p.zlib))
		base := "# platform: " + p.sd + "\n@EXPLICIT\n" + z + "\n" + na("python-3.99.99-0.conda") + "\n"
		team := "@EXPLICIT\n" + na("dependency-1.0-0.conda") + "\n" + na("dependent-1.0-0.conda") + "\n"
		os.WriteFile(filepath.Join(dir, "base-"+p.sd+".txt"), []byte(base), 0o644)
		os.WriteFile(filepath.Join(dir, "team-"+p.sd+".txt"), []byte(team), 0o644)
		fmt.Fprintf(&plats, "[platforms.%s]\nbase = \"base-%s.txt\"\nenvs = { team = \"team-%s.txt\" }\n", p.sd, p.sd, p.sd)
	}
	os.WriteFile(filepath.Join(dir, "LICENSE.txt"), []byte("licence\n"), 0o644)
	spec := fmt.Sprintf("name = \"Acme Python\"\nid = \"com.acme.python\"\nversion = %q\nlicense = \"LICENSE.txt\"\npackage_dirs = [%q]\n%s\n[[launchers]]\nname = \"Jupyter Lab\"\nenv = \"team\"\ncommand = [\"jupyter\", \"lab\"]\n",
		version, rec, plats.String())
	os.WriteFile(filepath.Join(dir, "spec.toml"), []byte(spec), 0o644)
	return filepath.Join(dir, "spec.toml")
}

// channel serves the fixtures' main/ folder on 127.0.0.1.
func channel(t *testing.T) string {
	srv := httptest.NewServer(http.StripPrefix("/main/", http.FileServer(http.Dir(filepath.Join(fixturesDir(t), "main")))))
	t.Cleanup(srv.Close)
	return srv.URL
}

// makeInstaller builds a bundle of version and attaches it; extra args go
// to 'bundle build' / 'bundle attach' (signing).
func makeInstaller(t *testing.T, home, version string, build, attach []string) (zip, inst string) {
	dir := t.TempDir()
	zip = filepath.Join(dir, "bundle.zip")
	r := run(t, home, onboardBin, append([]string{"bundle", "build", e2eSpec(t, dir, version, channel(t)), "-o", zip, "--cache", filepath.Join(dir, "cache")}, build...)...)
	if r.code != 0 {
		t.Fatalf("bundle build: exit %d\n%s", r.code, r.stderr)
	}
	out := t.TempDir()
	r = run(t, home, onboardBin, append([]string{"bundle", "attach", "--bundle", zip, "-o", out}, attach...)...)
	if r.code != 0 {
		t.Fatalf("bundle attach: exit %d\n%s", r.code, r.stderr)
	}
	return zip, strings.TrimSpace(r.stdout)
}

func installedVersion(t *testing.T, prefix string) string {
	data, err := os.ReadFile(filepath.Join(prefix, ".onboard", "manifest.json"))
	if err != nil {
		return "none"
	}
	var m struct{ Version, Subdir string }
	json.Unmarshal(data, &m)
	return m.Version + "/" + m.Subdir
}

func TestE2EInstallSubdirs(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, inst := makeInstaller(t, home, "2026.11.0", nil, nil)
	if !strings.HasSuffix(inst, "Acme-Python-2026.11.0-linux-x86_64") {
		t.Errorf("installer name = %q", filepath.Base(inst))
	}
	for _, sd := range []string{"linux-64", "osx-64", "win-64"} {
		t.Run(sd, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "acme")
			r := run(t, home, inst, "install", "--silent", "--prefix", prefix, "--subdir", sd)
			if r.code != 0 {
				t.Fatalf("install: exit %d\n%s", r.code, r.stderr)
			}
			if got := installedVersion(t, prefix); got != "2026.11.0/"+sd {
				t.Errorf("installed %s; want 2026.11.0/%s", got, sd)
			}
			for _, p := range []string{"conda-meta/history", "envs/team/conda-meta", ".onboard/onboard"} {
				if _, err := os.Stat(filepath.Join(prefix, p)); err != nil {
					t.Errorf("%s missing: %v", p, err)
				}
			}
			// Packages are read in place from the installer: no package cache.
			if _, err := os.Stat(filepath.Join(prefix, "pkgs")); err == nil {
				t.Error("pkgs/ was written without --keep-package-cache")
			}
			r = run(t, home, inst, "install", "--json", "--prefix", prefix, "--subdir", sd)
			if r.code != 0 || !strings.Contains(r.stdout, `"changed":false`) || !strings.Contains(r.stdout, `"name":"Acme Python"`) {
				t.Errorf("re-run: exit %d, output %s; want exit 0, changed false and the bundle's name", r.code, r.stdout)
			}
			// for people: the product, not its envs (audit Y3: "team is already installed")
			r = run(t, home, inst, "install", "--prefix", prefix, "--subdir", sd)
			if r.code != 0 || !strings.Contains(r.stdout, "Acme Python 2026.11.0 is already installed in "+prefix) {
				t.Errorf("re-run: exit %d, output %s", r.code, r.stdout)
			}
			// The maintenance app carries the bundle, for offline repairs:
			// it is the installer itself, hard-linked.
			maint := filepath.Join(prefix, ".onboard", "onboard")
			if r := run(t, home, maint, "bundle", "inspect", maint); r.code != 0 {
				t.Errorf("the maintenance app carries no bundle (inspect exit %d)", r.code)
			}
			if a, b := statOf(maint), statOf(inst); a == nil || b == nil || !os.SameFile(a, b) {
				t.Errorf("the maintenance app is not a hard link of the installer")
			}
		})
	}
}

func TestE2EUpgradeDowngrade(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, v1 := makeInstaller(t, home, "2026.11.0", nil, nil)
	_, v2 := makeInstaller(t, home, "2026.12.0", nil, nil)
	prefix := filepath.Join(t.TempDir(), "acme")
	if r := run(t, home, v1, "install", "--silent", "--no-launcher", "--prefix", prefix, "--subdir", "linux-64"); r.code != 0 {
		t.Fatalf("install of 2026.11.0: exit %d\n%s", r.code, r.stderr)
	}
	steps := []struct {
		bin  string
		args []string
		code int
		want string
	}{
		{v2, nil, 0, "2026.12.0/linux-64"},
		{v1, nil, 4, "2026.12.0/linux-64"},
		{v1, []string{"--force"}, 0, "2026.11.0/linux-64"},
	}
	for i, s := range steps {
		r := run(t, home, s.bin, append([]string{"install", "--silent", "--no-launcher", "--prefix", prefix, "--subdir", "linux-64"}, s.args...)...)
		if r.code != s.code {
			t.Fatalf("step %d: exit %d; want %d\n%s", i, r.code, s.code, r.stderr)
		}
		if got := installedVersion(t, prefix); got != s.want {
			t.Errorf("step %d: installed %s; want %s", i, got, s.want)
		}
	}
}

// TestE2ERefusedBeforeWriting: every refusal leaves the prefix untouched.
func TestE2ERefusedBeforeWriting(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	keys := t.TempDir()
	for _, k := range []string{"team", "other"} {
		if r := run(t, home, onboardBin, "bundle", "keygen", "-o", filepath.Join(keys, k)); r.code != 0 {
			t.Fatalf("keygen: %s", r.stderr)
		}
	}
	zip, inst := makeInstaller(t, home, "2026.11.0", nil, nil)
	signedZip, trusted := makeInstaller(t, home, "2026.11.0", []string{"--sign-key", filepath.Join(keys, "team.key")}, []string{"--trust-key", filepath.Join(keys, "team.pub")})
	// attaching the unsigned bundle to an installer that trusts a key is
	// refused, with advice for the one building it
	attach := run(t, home, onboardBin, "bundle", "attach", "--bundle", zip, "--trust-key", filepath.Join(keys, "team.pub"), "-o", t.TempDir())
	if attach.code != 3 || !strings.Contains(attach.stderr, "would refuse it") || !strings.Contains(attach.stderr, "--sign-key") || strings.Contains(attach.stderr, "download the installer again") {
		t.Fatalf("attach of an unsigned bundle with --trust-key: exit %d\n%s", attach.code, attach.stderr)
	}
	zlib, _ := os.ReadFile(filepath.Join(fixturesDir(t), "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2"))
	flip := func(marker []byte) string {
		data, _ := os.ReadFile(inst)
		i := bytes.Index(data, marker)
		if i < 0 {
			t.Fatalf("marker not found in the installer")
		}
		data[i+len(marker)/2] ^= 1
		p := filepath.Join(t.TempDir(), "flipped")
		os.WriteFile(p, data, 0o755)
		return p
	}
	tests := []struct {
		name string
		bin  string
		args []string
		code int
	}{
		{"flipped byte in a package", flip(zlib[60000:60040]), nil, 3},
		{"flipped byte in bundle.json", flip([]byte(`"version": "2026.11.0"`)), nil, 3},
		{"unsigned bundle, trusted installer", trusted, []string{"--bundle", zip}, 3},
		{"signed by another key", inst, []string{"--bundle", signedZip, "--trust-key", filepath.Join(keys, "other.pub")}, 3},
		{"unsigned with --trust-key", inst, []string{"--trust-key", filepath.Join(keys, "team.pub")}, 3},
		{"subdir not in bundle", inst, []string{"--subdir", "linux-aarch64"}, 5},
		{"bad flag", inst, []string{"--nope"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "acme")
			r := run(t, home, tt.bin, append([]string{"install", "--silent", "--prefix", prefix}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d; want %d\n%s", r.code, tt.code, r.stderr)
			}
			if _, err := os.Lstat(prefix); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the prefix was touched (%v)", err)
			}
			// the dry run says the install's exit code: a damaged package
			// was 0 before it read the packages (audit W2)
			dry := run(t, home, tt.bin, append([]string{"install", "--dry-run", "--silent", "--prefix", prefix}, tt.args...)...)
			if dry.code != tt.code {
				t.Errorf("install --dry-run: exit %d; the install's is %d\n%s", dry.code, tt.code, dry.stderr)
			}
		})
	}
	// Signed and trusted passes the checks (and installs when the engine is there).
	prefix := filepath.Join(t.TempDir(), "acme")
	r := run(t, home, trusted, "install", "--silent", "--no-launcher", "--prefix", prefix, "--subdir", "linux-64")
	if r.code != 0 {
		t.Fatalf("signed+trusted install: exit %d\n%s", r.code, r.stderr)
	}
}

func TestE2EBuildDeterministic(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	dir := t.TempDir()
	spec := e2eSpec(t, dir, "2026.11.0", channel(t))
	var outs [2][]byte
	for i := range outs {
		out := filepath.Join(dir, fmt.Sprintf("b%d.zip", i))
		if r := run(t, home, onboardBin, "bundle", "build", spec, "-o", out, "--cache", filepath.Join(dir, fmt.Sprintf("c%d", i))); r.code != 0 {
			t.Fatalf("build: %s", r.stderr)
		}
		outs[i], _ = os.ReadFile(out)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two builds from the same inputs differ")
	}
	r := run(t, home, onboardBin, "bundle", "inspect", filepath.Join(dir, "b0.zip"), "--json")
	var s struct {
		Name      string
		Signature string
		Subdirs   []struct{ Subdir string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || s.Name != "Acme Python" || s.Signature != "unsigned" || len(s.Subdirs) != 3 {
		t.Errorf("inspect --json = %s (%v)", r.stdout, err)
	}
}

func statOf(p string) os.FileInfo {
	fi, _ := os.Stat(p)
	return fi
}

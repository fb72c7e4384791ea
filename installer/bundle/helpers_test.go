package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fx "onboard/internal/fixtures"
)

// fixtures is the real fixture packages folder (see internal/fixtures).
func fixtures(t *testing.T) string { return fx.Dir(t) }

func sha256Of(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// lockLine is a lock entry: a URL under base and a file whose hash it carries.
func lockLine(t *testing.T, url, file string) string {
	return url + "#" + sha256Of(t, file)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeLock(t *testing.T, path, platform string, lines ...string) {
	t.Helper()
	writeFile(t, path, fmt.Sprintf("# This file may be used to create an environment using:\n# platform: %s\n@EXPLICIT\n%s\n", platform, strings.Join(lines, "\n")))
}

// fixtureSpec writes a spec for linux-64 (+ osx-64, win-64) from the
// fixture packages: base = zlib (.tar.bz2 on linux) + python 3.99.99
// (noarch), env team = dependency + dependent (noarch). It returns the spec path.
func fixtureSpec(t *testing.T, dir, version string) string {
	t.Helper()
	fx := fixtures(t)
	const ch = "https://repo.example.com/main"
	const tr = "https://repo.example.com/test"
	rec := filepath.Join(fx, "conda-test-recipes")
	noarch := func(fn string) string { return lockLine(t, tr+"/noarch/"+fn, filepath.Join(rec, fn)) }
	team := []string{noarch("dependency-1.0-0.conda"), noarch("dependent-1.0-0.conda")}
	var plats strings.Builder
	for _, p := range []struct{ sd, zlib string }{
		{"linux-64", "zlib-1.2.11-h7b6447c_3.tar.bz2"},
		{"osx-64", "zlib-1.2.11-h1de35cc_3.conda"},
		{"win-64", "zlib-1.2.11-h62dcd97_3.conda"},
	} {
		z := lockLine(t, ch+"/"+p.sd+"/"+p.zlib, filepath.Join(fx, "main", p.sd, p.zlib))
		writeLock(t, filepath.Join(dir, "locks", "base-"+p.sd+".txt"), p.sd, z, noarch("python-3.99.99-0.conda"))
		writeLock(t, filepath.Join(dir, "locks", "team-"+p.sd+".txt"), p.sd, team...)
		fmt.Fprintf(&plats, "[platforms.%s]\nbase = \"locks/base-%s.txt\"\nenvs = { team = \"locks/team-%s.txt\" }\n\n", p.sd, p.sd, p.sd)
	}
	writeFile(t, filepath.Join(dir, "LICENSE.txt"), "Use it well.\n")
	spec := fmt.Sprintf(`name = "Acme Python"
id = "com.acme.python"
version = %q
license = "LICENSE.txt"
package_dirs = [%q, %q]

%s
[[launchers]]
name = "Jupyter Lab"
env = "team"
command = ["jupyter", "lab"]

[condarc]
channels = ["https://repo.example.com/main"]
offline = true
`, version, filepath.Join(fx, "main"), rec, plats.String())
	p := filepath.Join(dir, "spec.toml")
	writeFile(t, p, spec)
	return p
}

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A damaged or deleted installed manifest is a problem verify names
// ("manifest"), and repair writes it again from the bundle the install
// keeps, as the install wrote it; then verify is healthy and uninstall
// works. Before, repair moved a damaged one away as if it were a conda
// record, and the install was left one that uninstall and install refused.
func TestE2ERepairWritesTheManifestAgain(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, inst := makeInstaller(t, home, "2026.11.0", nil, nil)
	for _, damage := range []string{"truncated", "deleted"} {
		t.Run(damage, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "acme")
			if r := run(t, home, inst, "install", "--silent", "--no-launcher", "--prefix", prefix, "--subdir", "linux-64"); r.code != 0 {
				t.Fatalf("install: exit %d\n%s", r.code, r.stderr)
			}
			man := filepath.Join(prefix, ".onboard", "manifest.json")
			want, err := os.ReadFile(man)
			if err != nil {
				t.Fatal(err)
			}
			if damage == "deleted" {
				os.Remove(man)
			} else {
				os.WriteFile(man, want[:len(want)/2], 0o644)
			}
			r := run(t, home, inst, "verify", "--prefix", prefix, "--json")
			if r.code != 1 || !strings.Contains(r.stdout, `"kind":"manifest"`) {
				t.Fatalf("verify: exit %d\n%s\nwant exit 1 and a manifest problem", r.code, r.stdout)
			}
			if r := run(t, home, inst, "repair", "--prefix", prefix); r.code != 0 {
				t.Fatalf("repair: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if got, err := os.ReadFile(man); string(got) != string(want) {
				t.Fatalf("the manifest after repair (%v):\n%s\nwant it as the install wrote it:\n%s", err, got, want)
			}
			if r := run(t, home, inst, "verify", "--prefix", prefix); r.code != 0 {
				t.Fatalf("verify after repair: exit %d\n%s", r.code, r.stdout)
			}
			if r := run(t, home, inst, "uninstall", "--silent", "--prefix", prefix); r.code != 0 {
				t.Fatalf("uninstall: exit %d\n%s", r.code, r.stderr)
			}
		})
	}
}

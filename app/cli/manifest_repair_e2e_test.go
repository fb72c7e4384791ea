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

// conda's .nonadmin marker follows the installed manifest: verify names a
// marker that says another "for whom" than the manifest (deleted from an
// install for one user, or put into one for all users), and repair writes
// or removes it as the manifest says. A repair that must rebuild a lost
// manifest reads the marker, so it must not drift (audit K 5).
func TestE2ENonAdminMarkerFollowsTheManifest(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, inst := makeInstaller(t, home, "2026.11.0", nil, nil)
	for _, allUsers := range []bool{false, true} {
		t.Run(map[bool]string{false: "one user", true: "all users"}[allUsers], func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "acme")
			args := []string{"install", "--silent", "--no-launcher", "--prefix", prefix, "--subdir", "linux-64"}
			if allUsers {
				if os.Geteuid() != 0 {
					t.Skip("an install for all users needs root")
				}
				args = append(args, "--all-users")
			}
			if r := run(t, home, inst, args...); r.code != 0 {
				t.Fatalf("install: exit %d\n%s", r.code, r.stderr)
			}
			envs, _ := filepath.Glob(filepath.Join(prefix, "envs", "*"))
			if len(envs) == 0 {
				t.Fatal("the test bundle has no env besides base")
			}
			dirs := append([]string{prefix}, envs...)
			for _, d := range dirs {
				if _, err := os.Stat(filepath.Join(d, ".nonadmin")); (err == nil) == allUsers {
					t.Fatalf("after the install, %s/.nonadmin exists: %v; want %v", d, err == nil, !allUsers)
				}
				if allUsers {
					os.WriteFile(filepath.Join(d, ".nonadmin"), nil, 0o644)
				} else {
					os.Remove(filepath.Join(d, ".nonadmin"))
				}
			}
			r := run(t, home, inst, "verify", "--prefix", prefix, "--json")
			if r.code != 1 || strings.Count(r.stdout, `"kind":"nonadmin"`) != len(dirs) {
				t.Fatalf("verify: exit %d\n%s\nwant exit 1 and %d nonadmin problems", r.code, r.stdout, len(dirs))
			}
			if r := run(t, home, inst, "repair", "--prefix", prefix); r.code != 0 {
				t.Fatalf("repair: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			for _, d := range dirs {
				if _, err := os.Stat(filepath.Join(d, ".nonadmin")); (err == nil) == allUsers {
					t.Errorf("after repair, %s/.nonadmin exists: %v; want %v", d, err == nil, !allUsers)
				}
			}
			if r := run(t, home, inst, "verify", "--prefix", prefix); r.code != 0 {
				t.Fatalf("verify after repair: exit %d\n%s", r.code, r.stdout)
			}
		})
	}
}

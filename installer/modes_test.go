//go:build unix

package installer

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/installer/state"
)

// checkSharedModes fails for anything under root that is not 0755 (folders,
// executables) or 0644 (other files).
func checkSharedModes(t *testing.T, root string) {
	t.Helper()
	n := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		fi, _ := d.Info()
		m := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		if (d.IsDir() && m != 0o755) || (!d.IsDir() && m != 0o644 && m != 0o755) {
			t.Errorf("%s is %v", p, m)
		}
		n++
		return nil
	})
	if n < 10 {
		t.Fatalf("only %d entries under %s", n, root)
	}
}

// An install for all users made under umask 000 is writable by its owner
// only, and the manifest says it is for all users; for a user who did not
// install it, environments.txt is a note, not damage.
func TestAllUsersInstallUnderUmask000(t *testing.T) {
	if testing.Short() {
		t.Skip("installs the fixture packages")
	}
	fi := installFixtures(t) // only for its bundle
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	b, err := bundle.Open(fi.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	old := syscall.Umask(0)
	prefix := filepath.Join(t.TempDir(), "shared")
	_, err = Install(context.Background(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", AllUsers: true})
	if cur := syscall.Umask(old); cur != 0 {
		t.Errorf("Install left the umask at %o, want the caller's (0)", cur)
	}
	if err != nil {
		t.Fatal(err)
	}
	checkSharedModes(t, prefix)
	if m, err := state.ReadManifest(prefix); err != nil || !m.AllUsers {
		t.Fatalf("manifest: %+v, %v; want all_users", m, err)
	}

	// an administrator's repair under umask 000 keeps the modes
	old = syscall.Umask(0)
	os.Chmod(filepath.Join(prefix, "conda-meta"), 0o777)
	os.RemoveAll(filepath.Join(prefix, "pkgs", "zlib-1.2.11-h7b6447c_3"))
	damageOneFileOf(t, prefix)
	_, err = maintain.Repair(context.Background(), prefix, maintain.RepairOptions{EnvironmentsTxt: "-"})
	syscall.Umask(old)
	if err != nil {
		t.Fatalf("repair: %v", err)
	}
	checkSharedModes(t, prefix)

	envTxt := filepath.Join(t.TempDir(), "environments.txt") // another user's: empty
	asOtherUser(t)
	r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{EnvironmentsTxt: envTxt})
	if err != nil || !r.Healthy {
		t.Fatalf("verify as another user: %v %+v", err, r.Problems)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "shared by all users") {
		t.Fatalf("notes %q; want one about environments.txt", r.Notes)
	}
}

// damageOneFileOf removes the first file that zlib's record lists.
func damageOneFileOf(t *testing.T, prefix string) {
	t.Helper()
	recs, _ := filepath.Glob(filepath.Join(prefix, "conda-meta", "zlib-*.json"))
	if len(recs) != 1 {
		t.Fatalf("zlib records: %v", recs)
	}
	rec, _ := readRecord(t, prefix, strings.TrimSuffix(filepath.Base(recs[0]), ".json"))
	if err := os.Remove(filepath.Join(prefix, filepath.FromSlash(rec.Files[0]))); err != nil {
		t.Fatal(err)
	}
}

// A default install (no package cache, the packages placed in one pass)
// keeps which files it made executable, by env and package: conda-meta
// records no modes. A program made not executable (a restore that drops
// modes, a chmod) is damage verify names, and repair makes it executable
// again (audit AW 2: verify said Healthy while conda exited 126).
func TestProgramMadeNotExecutableIsDamage(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	b := testkit.SmallBundle(t, "2026.11.0")
	// with a package cache, team's python is the base's extraction, read
	// back from the cache: its modes come from the files linked
	cached := filepath.Join(t.TempDir(), "cached")
	if _, err := Install(t.Context(), Options{Prefix: cached, Bundle: b, Subdir: "linux-64", KeepPackageCache: true}); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	for env, want := range map[string]string{"base": `{"python-1.0-0":["bin/python"]}`, "team": `{"python-1.0-0":["bin/python"],"tool-1.0-0":["bin/tool"]}`} {
		for _, p := range []string{prefix, cached} {
			if b, err := os.ReadFile(state.ExecutablesPath(p, env)); err != nil || string(b) != want {
				t.Errorf("the executables of %s in %s: %s (%v); want %s", env, p, b, err, want)
			}
		}
	}
	tool := filepath.Join(prefix, "envs", "team", "bin", "tool")
	if err := os.Chmod(tool, 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ := maintain.Verify(t.Context(), prefix, maintain.VerifyOptions{})
	if r == nil || r.Healthy || len(r.Problems) != 1 || r.Problems[0].Path != "bin/tool" || r.Problems[0].Kind != maintain.ProblemAltered ||
		!strings.Contains(r.Problems[0].Detail, "made it executable") {
		t.Fatalf("verify of a program made not executable: %+v", r)
	}
	if res, err := maintain.Repair(t.Context(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	if fi, err := os.Stat(tool); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("after repair %s is %v (%v); want 0755", tool, fi.Mode(), err)
	}
	if r, err := maintain.Verify(t.Context(), prefix, maintain.VerifyOptions{}); err != nil || !r.Healthy {
		t.Fatalf("verify after repair: %+v %v", r, err)
	}
	// an install that kept no list (made before it was kept) is checked
	// as before: no mode is known
	os.RemoveAll(filepath.Join(state.Dir(prefix), state.ExecutablesName))
	os.Chmod(tool, 0o644)
	if r, err := maintain.Verify(t.Context(), prefix, maintain.VerifyOptions{}); err != nil || !r.Healthy {
		t.Fatalf("verify without a list: %+v %v", r, err)
	}
}

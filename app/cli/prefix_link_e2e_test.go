package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A prefix given as a symlink (/srv/python -> /data/python, to put the
// install on another disk) is where it leads, for every command: the
// install lands there, an upgrade replaces the install there and keeps the
// link, and an uninstall removes the install, not the link, with the
// lines of environments.txt. Before, an upgrade replaced the link with a
// folder and orphaned the old install, and an uninstall removed only the
// link, both with exit 0.
func TestE2EPrefixThroughASymlink(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, v1 := makeInstaller(t, home, "2026.11.0", nil, nil)
	_, v2 := makeInstaller(t, home, "2026.12.0", nil, nil)
	root := t.TempDir()
	real, link := filepath.Join(root, "data", "acme"), filepath.Join(root, "acme")
	os.MkdirAll(real, 0o755)
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	for _, step := range []struct {
		bin, version string
	}{{v1, "2026.11.0"}, {v2, "2026.12.0"}} {
		if r := run(t, home, step.bin, "install", "--silent", "--no-launcher", "--prefix", link, "--subdir", "linux-64"); r.code != 0 {
			t.Fatalf("install %s through the link: exit %d\n%s", step.version, r.code, r.stderr)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("after installing %s the link is %v, %v; want it kept", step.version, fi, err)
		}
		if got := installedVersion(t, real); got != step.version+"/linux-64" {
			t.Fatalf("the install where the link leads is %s; want %s", got, step.version)
		}
		if left, _ := filepath.Glob(filepath.Join(root, "*", "*onboard-old*")); len(left) > 0 {
			t.Fatalf("old installs left: %v", left)
		}
	}
	if r := run(t, home, v2, "verify", "--prefix", link); r.code != 0 {
		t.Fatalf("verify through the link: exit %d\n%s", r.code, r.stdout)
	}
	if r := run(t, home, v2, "uninstall", "--silent", "--prefix", link); r.code != 0 {
		t.Fatalf("uninstall through the link: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(real, "conda-meta")); err == nil {
		t.Fatal("the install where the link leads is still there after the uninstall")
	}
	txt, _ := os.ReadFile(filepath.Join(home, ".conda", "environments.txt"))
	if strings.Contains(string(txt), root) {
		t.Errorf("environments.txt still names the install:\n%s", txt)
	}
}

// An install made through a symlinked folder above it (plink/acme, with
// plink -> real) is the same install through either spelling: verify
// through the real path finds its launchers healthy (they name the other
// spelling), and uninstall through it removes them, the shell block and
// the lines of environments.txt.
func TestE2EPrefixUnderASymlinkedFolder(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, inst := makeInstaller(t, home, "2026.11.0", nil, nil)
	root := t.TempDir()
	real := filepath.Join(root, "real")
	os.MkdirAll(real, 0o755)
	if err := os.Symlink(real, filepath.Join(root, "plink")); err != nil {
		t.Skip(err)
	}
	via, direct := filepath.Join(root, "plink", "acme"), filepath.Join(real, "acme")
	os.WriteFile(filepath.Join(home, ".bashrc"), []byte("# mine\n"), 0o644)
	if r := run(t, home, inst, "install", "--silent", "--shell-setup", "--prefix", via, "--subdir", "linux-64"); r.code != 0 {
		t.Fatalf("install: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, home, inst, "verify", "--prefix", direct); r.code != 0 {
		t.Fatalf("verify through the real path: exit %d\n%s", r.code, r.stdout)
	}
	if r := run(t, home, inst, "uninstall", "--silent", "--prefix", direct); r.code != 0 {
		t.Fatalf("uninstall through the real path: exit %d\n%s", r.code, r.stderr)
	}
	if rc, _ := os.ReadFile(filepath.Join(home, ".bashrc")); string(rc) != "# mine\n" {
		t.Errorf(".bashrc after the uninstall:\n%s", rc)
	}
	if left, _ := filepath.Glob(filepath.Join(home, ".local", "share", "applications", "*.desktop")); len(left) > 0 {
		t.Errorf("launchers left: %v", left)
	}
	if txt, _ := os.ReadFile(filepath.Join(home, ".conda", "environments.txt")); strings.Contains(string(txt), "acme") {
		t.Errorf("environments.txt still names the install:\n%s", txt)
	}
}

//go:build linux

package realbundle_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"onboard/platform"
)

// osUser is an ordinary account made for one test, removed after it.
type osUser struct {
	name, home string
	uid, gid   uint32
	path       string // PATH: sh and env only (no xdg-open, no browser)
}

// needRoot skips (or, in CI, fails) a test that must create accounts.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("the all-users tests create accounts and install into a shared folder: CI must run them as root")
	}
	t.Skip("the all-users tests need root (they create accounts with useradd); run: sudo go test ./internal/realbundle -run AllUsers")
}

// newUser creates an ordinary account with a unique name. Its home is
// 0755, as on many systems, so that only the modes onboard sets keep
// another user out of its state.
func newUser(t *testing.T, tools string) *osUser {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	name := "obt" + hex.EncodeToString(b)
	if out, err := exec.Command("useradd", "-m", "-s", "/bin/sh", name).CombinedOutput(); err != nil {
		t.Fatalf("useradd %s: %v\n%s", name, err, out)
	}
	u := &osUser{name: name, path: tools}
	t.Cleanup(func() {
		// stop anything the test left running as this user (its Jupyter
		// server's process group, recorded in its state), then remove it
		u.stopJupyter()
		if out, err := exec.Command("userdel", "-r", "-f", name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v\n%s", name, err, out)
		}
	})
	lu, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(lu.Uid)
	gid, _ := strconv.Atoi(lu.Gid)
	u.home, u.uid, u.gid = lu.HomeDir, uint32(uid), uint32(gid)
	if err := os.Chmod(u.home, 0o755); err != nil {
		t.Fatal(err)
	}
	return u
}

var prefixes []string // the installs of this test binary, for stopJupyter

func (u *osUser) stopJupyter() {
	for _, p := range prefixes {
		data, err := os.ReadFile(filepath.Join(u.home, ".local/state/onboard", stateKey(p), "jupyter-team.json"))
		var s struct{ PID int }
		if err == nil && parseJSON(data, &s) == nil && s.PID > 0 {
			syscall.Kill(-s.PID, syscall.SIGKILL)
		}
	}
}

// run runs bin as the user, with a login-like environment of its own.
func (u *osUser) run(t *testing.T, bin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"HOME=" + u.home, "USER=" + u.name, "LOGNAME=" + u.name, "PATH=" + u.path, "LANG=C.UTF-8"}
	cmd.Dir = u.home
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid, Groups: []uint32{}}}
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s as %s: %v", bin, u.name, err)
	}
	return result{code, so.String(), se.String()}
}

// sharedInstall will install the real bundle for all users as root under
// umask 000 into a folder every user can reach, and uninstalls it after
// the test.
func sharedInstall(t *testing.T) (prefix, tools string) {
	t.Helper()
	b := realBundle(t)
	base, err := os.MkdirTemp("", "onboard-allusers-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	tools = filepath.Join(base, "tools")
	for _, d := range []string{base, tools} {
		os.MkdirAll(d, 0o755)
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range []string{"sh", "env"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		os.Symlink(p, filepath.Join(tools, tool))
	}
	prefix = filepath.Join(base, "shared-python")
	prefixes = append(prefixes, prefix)
	admin := newHome(t)
	old := syscall.Umask(0)
	r := admin.run(t, onboardBin, "install", "--silent", "--all-users", "--no-launcher", "--no-maintenance-launcher", "--prefix", prefix, "--bundle", b)
	syscall.Umask(old)
	if r.code != 0 {
		t.Fatalf("install --all-users: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Cleanup(func() {
		if r := admin.run(t, onboardBin, "uninstall", "--silent", "--prefix", prefix); r.code != 0 {
			t.Errorf("uninstall by root: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	return prefix, tools
}

// TestAllUsersInstall: root installs for all users under umask 000; then
// ordinary users use it. Each subtest makes its own users and depends on
// no other.
func TestAllUsersInstall(t *testing.T) {
	needRoot(t)
	prefix, tools := sharedInstall(t)
	app := filepath.Join(prefix, ".onboard", "onboard")

	t.Run("modes", func(t *testing.T) {
		pycache := 0
		filepath.WalkDir(prefix, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			if d.Type()&fs.ModeSymlink != 0 {
				return nil
			}
			fi, _ := d.Info()
			m := fi.Mode().Perm()
			if d.IsDir() && d.Name() == "__pycache__" {
				pycache++
			}
			if (d.IsDir() && m != 0o755) || (!d.IsDir() && m != 0o644 && m != 0o755) {
				t.Errorf("%s is %v; want 0755 folders, 0644 or 0755 files", p, m)
			}
			return nil
		})
		if pycache == 0 {
			t.Fatal("no __pycache__ folder: the .pyc compilation did not run")
		}
	})

	t.Run("verify", func(t *testing.T) {
		u := newUser(t, tools)
		if r := u.run(t, app, "verify"); r.code != 0 {
			t.Fatalf("verify as %s: exit %d\n%s%s", u.name, r.code, r.stdout, r.stderr)
		}
	})

	// a user's run of the same installer again (a login script) has
	// nothing to do: exit 0, as its dry run says (it said exit 4, "cannot
	// take the lock: permission denied", "choose another folder"); and a
	// user cannot make an install for all users (it went ahead, exit 0,
	// without the launchers and modes only an administrator can make)
	t.Run("a user's run again, and a user's install for all users", func(t *testing.T) {
		u := newUser(t, tools)
		kept := filepath.Join(prefix, ".onboard", "bundle.zip")
		args := []string{"install", "--silent", "--all-users", "--no-launcher", "--no-maintenance-launcher", "--bundle", kept}
		before := snapshotTree(t, prefix)
		for _, extra := range [][]string{{"--dry-run"}, nil} {
			if r := u.run(t, app, append(append(args, "--prefix", prefix), extra...)...); r.code != 0 {
				t.Fatalf("install %v again as %s: exit %d; want 0, nothing to do\n%s%s", extra, u.name, r.code, r.stdout, r.stderr)
			}
		}
		if after := snapshotTree(t, prefix); after != before {
			t.Fatal("a user's run again changed the install")
		}
		mine := filepath.Join(u.home, "mine")
		if r := u.run(t, app, append(args, "--prefix", mine)...); r.code != 4 || !strings.Contains(r.stderr, "for all users: only an administrator may") {
			t.Fatalf("install --all-users as %s: exit %d; want 4, refused\n%s%s", u.name, r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(mine); err == nil {
			t.Fatal("the refused install for all users made its folder")
		}
	})

	// a folder this user may not look into is not "a damaged install"
	// (with a hint to repair it or --force), nor an operation "waiting
	// for an administrator"
	t.Run("a folder the user may not look into", func(t *testing.T) {
		u := newUser(t, tools)
		closed := t.TempDir() // root's, 0700
		target := filepath.Join(closed, "acme")
		kept := filepath.Join(prefix, ".onboard", "bundle.zip")
		r := u.run(t, app, "install", "--dry-run", "--no-launcher", "--no-maintenance-launcher", "--prefix", target, "--bundle", kept)
		if r.code != 4 || !strings.Contains(r.stderr, "may not look into it") || strings.Contains(r.stdout+r.stderr, "damaged") {
			t.Fatalf("install --dry-run into a closed folder as %s: exit %d\n%s%s", u.name, r.code, r.stdout, r.stderr)
		}
		for _, cmd := range []string{"verify", "repair"} {
			if r := u.run(t, app, cmd, "--prefix", target); r.code == 0 || strings.Contains(r.stdout+r.stderr, "waits for an administrator") {
				t.Errorf("%s of a closed folder as %s: exit %d\n%s%s", cmd, u.name, r.code, r.stdout, r.stderr)
			}
		}
	})

	t.Run("repair is refused and writes nothing", func(t *testing.T) {
		u := newUser(t, tools)
		before, home := snapshotTree(t, prefix), snapshotTree(t, u.home)
		r := u.run(t, app, "repair")
		if r.code != 4 || !strings.Contains(r.stderr, "only an administrator may change it") || !strings.Contains(r.stderr, "sudo "+app+" repair --prefix "+prefix) {
			t.Fatalf("repair as %s: exit %d, want 4 with advice\n%s%s", u.name, r.code, r.stdout, r.stderr)
		}
		if after := snapshotTree(t, prefix); after != before {
			t.Fatal("the refused repair changed the prefix")
		}
		if after := snapshotTree(t, u.home); after != home {
			t.Fatalf("the refused repair wrote into the user's home:\n%s\n---\n%s", home, after)
		}
	})

	t.Run("launch keeps the token private", func(t *testing.T) {
		a, b := newUser(t, tools), newUser(t, tools)
		r := a.run(t, app, "launch", "jupyter")
		m := urlRe.FindStringSubmatch(r.stdout)
		if r.code != 0 || m == nil {
			t.Fatalf("launch as %s: exit %d\n%s%s", a.name, r.code, r.stdout, r.stderr)
		}
		port, token := m[3], m[4]
		if c := status(t, port, token); c != http.StatusOK {
			t.Fatalf("the server does not answer with the token: %d", c)
		}
		// no file anyone else can read holds the token: in the prefix,
		// the user's home, shared memory and whatever the user made in /tmp
		holders := 0
		for _, root := range []string{prefix, a.home, "/dev/shm", os.TempDir(), "/run/user/" + fmt.Sprint(a.uid)} {
			filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || !d.Type().IsRegular() {
					return nil
				}
				fi, _ := d.Info()
				if st := fi.Sys().(*syscall.Stat_t); root == os.TempDir() && st.Uid != a.uid || fi.Size() > 16<<20 {
					return nil
				}
				data, _ := os.ReadFile(p)
				if bytes.Contains(data, []byte(token)) {
					holders++
					if why := othersCanRead(p, fi); why != "" {
						t.Errorf("%s holds the token and others can read it: %s", p, why)
					}
				}
				return nil
			})
		}
		if holders == 0 {
			t.Fatal("no file holds the token: the search looked in the wrong places")
		}
		if pid := serverPID(t, a, prefix); pid > 0 {
			if cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); bytes.Contains(cmdline, []byte(token)) {
				t.Errorf("the server's command line, which every user can read, holds the token")
			}
		} else {
			t.Error("no server record in the user's state folder")
		}
		// the second user finds the token nowhere, and cannot read the
		// first one's state
		state := filepath.Join(a.home, ".local/state/onboard", stateKey(prefix))
		if r := b.run(t, "/bin/grep", "-rlF", token, a.home, prefix, "/dev/shm"); strings.TrimSpace(r.stdout) != "" {
			t.Errorf("%s can read the token in:\n%s", b.name, r.stdout)
		}
		if r := b.run(t, "/bin/ls", state); r.code == 0 {
			t.Errorf("%s can list %s:\n%s", b.name, state, r.stdout)
		}
		if r := b.run(t, "/bin/cat", filepath.Join(state, "jupyter-team.log")); r.code == 0 {
			t.Errorf("%s can read the Jupyter log of %s", b.name, a.name)
		}
		// the second user's stop does not reach the first one's server;
		// the first one's does
		if r := b.run(t, app, "launch", "jupyter", "--stop"); r.code != 0 || !strings.Contains(r.stdout, "You had no Jupyter running") {
			t.Errorf("stop as %s: exit %d\n%s%s", b.name, r.code, r.stdout, r.stderr)
		}
		if c := status(t, port, token); c != http.StatusOK {
			t.Fatalf("another user's stop ended the server: %d", c)
		}
		if r := a.run(t, app, "launch", "jupyter", "--stop"); r.code != 0 || !strings.Contains(r.stdout, "Stopped Jupyter") {
			t.Fatalf("stop as %s: exit %d\n%s%s", a.name, r.code, r.stdout, r.stderr)
		}
		if c := status(t, port, token); c != 0 {
			t.Fatalf("the server still answers after its user stopped it: %d", c)
		}
	})
}

// othersCanRead says why a user other than the owner could read the file
// at p ("" when none could): its mode lets group or others read it, and
// every folder above it lets them in.
func othersCanRead(p string, fi fs.FileInfo) string {
	if fi.Mode().Perm()&0o044 == 0 {
		return ""
	}
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		di, err := os.Stat(d)
		if err != nil || di.Mode().Perm()&0o011 == 0 {
			return "" // a private folder keeps them out
		}
		if d == filepath.Dir(d) {
			return fmt.Sprintf("it is %v and no folder above it is private", fi.Mode().Perm())
		}
	}
}

// serverPID reads the pid of the user's server from its record (as root).
func serverPID(t *testing.T, u *osUser, prefix string) int {
	data, err := os.ReadFile(filepath.Join(u.home, ".local/state/onboard", stateKey(prefix), "jupyter-team.json"))
	var s struct{ PID int }
	if err != nil || parseJSON(data, &s) != nil {
		return 0
	}
	return s.PID
}

func parseJSON(data []byte, v any) error { return json.Unmarshal(data, v) }

func mustState(prefix string) string {
	s, err := platform.UserStateDirs(platform.HostTarget(), platform.Env{Home: "/home/x"}, prefix)
	if err != nil {
		panic(err)
	}
	return s.Dir
}

// stateKey is the name of an install's state folder (platform.UserStateDirs).
func stateKey(prefix string) string {
	return filepath.Base(mustState(prefix))
}

// snapshotTree lists every path under dir with its mode, size and time.
func snapshotTree(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		fmt.Fprintf(&b, "%s %v %d %d\n", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	return b.String()
}

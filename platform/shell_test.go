package platform

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestShellBlockAddRemoveIsByteIdentical(t *testing.T) {
	const p, bin = "/home/ann/acme-python", "/home/ann/acme-python/envs/team/bin"
	originals := []string{
		"",
		"\n",
		"export EDITOR=vim\n",
		"export EDITOR=vim",          // no newline at the end
		"a\n\n\n",                    // trailing blank lines
		"a\r\nb\r\n",                 // CRLF
		"# >>> onboard /other >>>\n", // someone else's half block
	}
	for _, orig := range originals {
		added, err := AddShellBlock([]byte(orig), p, bin)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(added, []byte(orig)) {
			t.Errorf("%q: the original is not kept in front: %q", orig, added)
		}
		again, _ := AddShellBlock(added, p, bin)
		if !bytes.Equal(again, added) {
			t.Errorf("%q: adding twice changed the file:\n%q\n%q", orig, added, again)
		}
		back, found := RemoveShellBlock(added, p)
		if !found || string(back) != orig {
			t.Errorf("%q: after add+remove got %q (found %v)", orig, back, found)
		}
	}
}

func TestShellBlockSeveralPrefixes(t *testing.T) {
	orig := []byte("alias ll='ls -l'\n")
	a, _ := AddShellBlock(orig, "/opt/a", "/opt/a/bin")
	ab, _ := AddShellBlock(a, "/opt/ab", "/opt/ab/bin")
	ab = append(ab, "export AFTER=1\n"...)
	// /opt/a is a prefix of /opt/ab: removing one must not touch the other.
	onlyAB, found := RemoveShellBlock(ab, "/opt/a")
	if !found || bytes.Contains(onlyAB, []byte("/opt/a/bin")) || !bytes.Contains(onlyAB, []byte("/opt/ab/bin")) {
		t.Fatalf("removing /opt/a gave:\n%s", onlyAB)
	}
	none, _ := RemoveShellBlock(onlyAB, "/opt/ab")
	if string(none) != string(orig)+"export AFTER=1\n" {
		t.Errorf("after removing both: %q", none)
	}
	if _, found := RemoveShellBlock(orig, "/opt/a"); found {
		t.Error("found a block in a file without one")
	}
	// Replacing in place keeps the block where it was.
	moved, _ := AddShellBlock(ab, "/opt/a", "/opt/a/newbin")
	if bytes.Index(moved, []byte("/opt/a/newbin")) > bytes.Index(moved, []byte("/opt/ab/bin")) || bytes.Contains(moved, []byte("/opt/a/bin\"")) {
		t.Errorf("re-adding did not replace in place:\n%s", moved)
	}
}

func TestShellBlockQuotesAndRuns(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil || runtime.GOOS == "windows" {
		t.Skip("no POSIX shell")
	}
	bin := `/tmp/odd "dir" $HOME` + "`x`" + `\bin`
	block, err := ShellBlock("/tmp/odd", bin)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", "-c", string(block)+`printf %s "${PATH%%:*}"`).Output()
	if err != nil || string(out) != bin {
		t.Errorf("PATH starts with %q (%v); want %q", out, err, bin)
	}
	if _, err := ShellBlock("/tmp/a\nb", "/x"); err == nil {
		t.Error("a newline in the prefix was accepted")
	}
}

func TestShellFiles(t *testing.T) {
	tests := []struct {
		name string
		t    Target
		env  Env
		want []string
	}{
		{"linux bash", linux, fakeEnv("/home/a", map[string]string{"SHELL": "/bin/bash"}), []string{"/home/a/.bashrc"}},
		{"linux zsh login shell", linux, fakeEnv("/home/a", map[string]string{"SHELL": "/usr/bin/zsh"}), []string{"/home/a/.bashrc", "/home/a/.zshrc"}},
		{"linux .zshrc present", linux, fakeEnv("/home/a", nil, "/home/a/.zshrc"), []string{"/home/a/.bashrc", "/home/a/.zshrc"}},
		{"macOS default", mac, fakeEnv("/Users/a", map[string]string{"SHELL": "/bin/zsh"}), []string{"/Users/a/.bash_profile", "/Users/a/.zshrc"}},
		{"macOS with .bashrc", mac, fakeEnv("/Users/a", nil, "/Users/a/.bashrc"), []string{"/Users/a/.bash_profile", "/Users/a/.bashrc"}},
		{"macOS with only .profile", mac, fakeEnv("/Users/a", nil, "/Users/a/.profile"), []string{"/Users/a/.profile"}},
		{"solaris", sol, fakeEnv("/export/home/a", nil), []string{"/export/home/a/.bashrc"}},
		{"windows", win, fakeEnv(`C:\Users\a`, nil), nil},
	}
	for _, tt := range tests {
		if got := ShellFiles(tt.t, tt.env); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ShellFiles = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestHostSetupShellAndRemove(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no shell set-up on Windows")
	}
	home := tempDir(t)
	bashrc := filepath.Join(home, ".bashrc")
	orig := "# my settings\nexport A=1" // no final newline
	mustWrite(t, filepath.Join(home, "dotfiles", "zshrc"), "setopt autocd\n")
	zshrc := filepath.Join(home, ".zshrc")
	if err := os.Symlink(filepath.Join(home, "dotfiles", "zshrc"), zshrc); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, bashrc, orig)
	os.Chmod(bashrc, 0o600)
	profile := filepath.Join(home, ".bash_profile") // does not exist yet
	rec, err := SetupShell([]string{bashrc, zshrc, profile}, "/opt/acme", "/opt/acme/bin")
	if err != nil {
		t.Fatal(err)
	}
	rec2, err := SetupShell([]string{bashrc}, "/opt/acme", "/opt/acme/bin")
	if err != nil {
		t.Fatal(err)
	}
	rec.Merge(rec2)
	if fi, _ := os.Stat(bashrc); fi.Mode().Perm() != 0o600 {
		t.Errorf(".bashrc mode changed to %v", fi.Mode())
	}
	if fi, _ := os.Lstat(zshrc); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the .zshrc symlink was replaced by a file")
	}
	if ps := Check(rec, "/opt/acme", Inspector{ReadFile: os.ReadFile}); len(ps) != 0 {
		t.Errorf("Check after set-up: %v", ps)
	}
	if ps := Check(rec, "/opt/other", Inspector{ReadFile: os.ReadFile}); len(ps) != 4 {
		t.Errorf("Check for another prefix found %d problems; want 4: %v", len(ps), ps)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(bashrc); string(b) != orig {
		t.Errorf(".bashrc after removal = %q; want %q", b, orig)
	}
	if b, _ := os.ReadFile(zshrc); string(b) != "setopt autocd\n" {
		t.Errorf(".zshrc after removal = %q", b)
	}
	if _, err := os.Stat(profile); !os.IsNotExist(err) {
		t.Errorf(".bash_profile that onboard created is still there: %v", err)
	}
	if err := Remove(rec, nil); err != nil {
		t.Errorf("a second Remove failed: %v", err)
	}
	if strings.Contains(orig, "onboard") {
		t.Fatal("bad fixture")
	}
}

// With conda in the base (etc/profile.d/conda.sh) the block sources conda's
// own activation; without it, it puts bin first on PATH. The check runs as
// the shell starts.
func TestShellBlockUsesCondaWhenThere(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil || runtime.GOOS == "windows" {
		t.Skip("no POSIX shell")
	}
	prefix := filepath.Join(t.TempDir(), `my "py" $x`)
	bin := filepath.Join(prefix, "bin")
	block, err := ShellBlock(prefix, bin)
	if err != nil {
		t.Fatal(err)
	}
	probe := `printf '%s|' "${PATH%%:*}"; command -v conda || echo none`
	out, err := exec.Command("sh", "-c", string(block)+probe).Output()
	if err != nil || string(out) != bin+"|none\n" {
		t.Errorf("without conda: %q (%v); want bin first on PATH", out, err)
	}
	mustWrite(t, filepath.Join(prefix, "etc", "profile.d", "conda.sh"), "conda() { echo \"conda's own\"; }\n")
	out, err = exec.Command("sh", "-c", string(block)+`printf '%s|' "${PATH%%:*}"; conda`).Output()
	if err != nil || strings.HasPrefix(string(out), bin+"|") || !strings.HasSuffix(string(out), "|conda's own\n") {
		t.Errorf("with conda: %q (%v); want conda's activation and PATH left to it", out, err)
	}
}

// A block whose end mark the user deleted is not the block: what follows
// it, up to another block's end mark, is the user's (uninstall used to
// remove it all). Adding the block again adds a whole one; removing
// removes that one, and the user's lines stay.
func TestShellBlockWithoutItsEndMark(t *testing.T) {
	prefix := "/home/u/acme"
	full, err := AddShellBlock([]byte("alias ll='ls -l'\n"), prefix, prefix+"/bin")
	if err != nil {
		t.Fatal(err)
	}
	damaged := strings.Replace(string(full), shellEndMark, "", 1) + "export USERVAR=important\n"
	again, err := AddShellBlock([]byte(damaged), prefix, prefix+"/bin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(again), damaged) || strings.Count(string(again), shellEndMark) != 1 {
		t.Fatalf("adding the block again to a damaged one:\n%s", again)
	}
	out, ok := RemoveShellBlock(again, prefix)
	if !ok || string(out) != damaged {
		t.Fatalf("removing it: %v\n%s\nwant the file as it was before it was added:\n%s", ok, out, damaged)
	}
	if _, ok := RemoveShellBlock([]byte(damaged), prefix); ok {
		t.Error("found a block in a file whose block has no end mark")
	}
}

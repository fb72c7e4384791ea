package prefix

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

func TestDropLinesUnder(t *testing.T) {
	tests := []struct {
		name, in, want string
		removed        int
	}{
		{"only others", "/a\n/b\n", "/a\n/b\n", 0},
		{"prefix and envs", "/a\n/p\n/p/envs/x\n/b\n", "/a\n/b\n", 2},
		{"crlf and no final newline kept", "/a\r\n/p\r\n  /b", "/a\r\n  /b", 1},
		{"sibling with same start kept", "/p2\n/p\n", "/p2\n", 1},
		{"unclean spelling", "/p/\n/p/envs/../envs/y\n", "", 2},
		{"blank lines kept", "\n/p\n\n", "\n\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := dropLinesUnder([]byte(tt.in), "/p")
			if string(got) != tt.want || n != tt.removed {
				t.Fatalf("got %q (%d removed); want %q (%d)", got, n, tt.want, tt.removed)
			}
		})
	}
}

func TestUnregisterKeepsModeAndIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "environments.txt")
	if err := os.WriteFile(path, []byte("/keep\n/p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := Unregister(path, "/p")
	if err != nil || n != 1 {
		t.Fatalf("got %d, %v; want 1, nil", n, err)
	}
	data, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(data) != "/keep\n" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("got %q mode %v; want %q mode 0600", data, fi.Mode().Perm(), "/keep\n")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("got %d files in the folder; want 1 (no temporary file left)", len(ents))
	}
	if n, err := Unregister(filepath.Join(dir, "missing.txt"), "/p"); n != 0 || err != nil {
		t.Fatalf("got %d, %v for a missing file; want 0, nil", n, err)
	}
}

// EnvironmentsTxtPath: "-" is none, "" the user's, anything else itself.
func TestEnvironmentsTxtPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	if got := EnvironmentsTxtPath("-"); got != "" {
		t.Errorf(`"-" gave %q; want none`, got)
	}
	if got, want := EnvironmentsTxtPath(""), filepath.Join(home, ".conda", "environments.txt"); got != want {
		t.Errorf(`"" gave %q; want %q`, got, want)
	}
	if got := EnvironmentsTxtPath("/x/envs.txt"); got != "/x/envs.txt" {
		t.Errorf("a path gave %q", got)
	}
}

// environments.txt linked from elsewhere (dotfiles) stays a link: the file
// it leads to loses the lines.
func TestUnregisterThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	real, link := filepath.Join(dir, "dotfiles", "environments.txt"), filepath.Join(dir, ".conda", "environments.txt")
	os.MkdirAll(filepath.Dir(real), 0o755)
	os.MkdirAll(filepath.Dir(link), 0o755)
	os.WriteFile(real, []byte("/keep\n/opt/acme\n"), 0o644)
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	if n, err := Unregister(link, "/opt/acme"); n != 1 || err != nil {
		t.Fatalf("Unregister: %d, %v", n, err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("environments.txt is no longer a link: %v, %v", fi, err)
	}
	if b, _ := os.ReadFile(real); string(b) != "/keep\n" {
		t.Errorf("the file it leads to holds %q", b)
	}
}

// Lines naming the install through a symlinked folder above it are its
// lines too; others stay.
func TestUnregisterAnotherSpelling(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.MkdirAll(filepath.Join(real, "acme", "envs", "team"), 0o755)
	os.MkdirAll(filepath.Join(real, "other"), 0o755)
	if err := os.Symlink(real, filepath.Join(dir, "plink")); err != nil {
		t.Skip(err)
	}
	txt := filepath.Join(dir, "environments.txt")
	via := filepath.Join(dir, "plink")
	os.WriteFile(txt, []byte(via+"/acme\n"+via+"/acme/envs/team\n"+via+"/other\n"), 0o644)
	if n, err := Unregister(txt, filepath.Join(real, "acme")); n != 2 || err != nil {
		t.Fatalf("Unregister: %d, %v; want the two lines of the install", n, err)
	}
	if b, _ := os.ReadFile(txt); string(b) != via+"/other\n" {
		t.Errorf("left %q", b)
	}
}

// Onboards registering and unregistering envs at once (IT removing two
// installs in parallel) lose none of each other's changes.
func TestEnvironmentsTxtChangesAtOnce(t *testing.T) {
	txt := filepath.Join(t.TempDir(), "environments.txt")
	var keep []string
	for i := range 20 {
		keep = append(keep, fmt.Sprintf("/keep/%02d", i))
	}
	var gone []string
	for i := range 20 {
		gone = append(gone, fmt.Sprintf("/gone/%02d", i))
	}
	os.WriteFile(txt, []byte(strings.Join(gone, "\n")+"\n"), 0o644)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { RegisterEnv(txt, keep[i]) })
		wg.Go(func() { Unregister(txt, gone[i]) })
	}
	wg.Wait()
	b, _ := os.ReadFile(txt)
	got := strings.Fields(string(b))
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(keep, " ") {
		t.Fatalf("environments.txt after the changes:\n%s\nwant exactly the 20 kept lines", b)
	}
}

// A list that names nothing once the install's lines are out is removed,
// and ~/.conda with it when it holds nothing else, as the install's own
// rollback leaves them: an uninstall left both, empty (audit W1). A list
// reached through a link, or a ~/.conda that holds more, stays.
func TestUnregisterRemovesAnEmptyList(t *testing.T) {
	home := t.TempDir()
	conda := filepath.Join(home, ".conda")
	txt := filepath.Join(conda, "environments.txt")
	os.MkdirAll(conda, 0o755)
	os.WriteFile(txt, []byte("/opt/acme\n/opt/acme/envs/team\n\n"), 0o644)
	if n, err := Unregister(txt, "/opt/acme"); n != 2 || err != nil {
		t.Fatalf("Unregister: %d, %v", n, err)
	}
	if _, err := os.Lstat(conda); !os.IsNotExist(err) {
		t.Fatalf("~/.conda is left: %v", err)
	}
	// ~/.conda holding more stays, the empty list goes
	os.MkdirAll(filepath.Join(conda, "pkgs"), 0o755)
	os.WriteFile(txt, []byte("/opt/acme\n"), 0o644)
	if n, err := Unregister(txt, "/opt/acme"); n != 1 || err != nil {
		t.Fatalf("Unregister: %d, %v", n, err)
	}
	if _, err := os.Lstat(txt); !os.IsNotExist(err) {
		t.Errorf("the empty list is left: %v", err)
	}
	if _, err := os.Stat(filepath.Join(conda, "pkgs")); err != nil {
		t.Errorf("~/.conda's other contents: %v", err)
	}
	// a list reached through a link is emptied, not removed
	real := filepath.Join(home, "dotfiles", "environments.txt")
	os.MkdirAll(filepath.Dir(real), 0o755)
	os.WriteFile(real, []byte("/opt/acme\n"), 0o644)
	if err := os.Symlink(real, txt); err != nil {
		t.Skip(err)
	}
	if n, err := Unregister(txt, "/opt/acme"); n != 1 || err != nil {
		t.Fatalf("Unregister: %d, %v", n, err)
	}
	if b, err := os.ReadFile(real); err != nil || len(b) != 0 {
		t.Errorf("the linked list: %q, %v", b, err)
	}
}

// A folder above the list that is a link (a home on /data, linked) does
// not make the list a linked one: emptied, it goes (audit X).
func TestUnregisterRemovesAnEmptyListUnderALinkedHome(t *testing.T) {
	root := t.TempDir()
	real, home := filepath.Join(root, "data", "home"), filepath.Join(root, "home")
	os.MkdirAll(filepath.Join(real, ".conda"), 0o755)
	if err := os.Symlink(real, home); err != nil {
		t.Skip(err)
	}
	txt := filepath.Join(home, ".conda", "environments.txt")
	os.WriteFile(txt, []byte("/opt/acme\n"), 0o644)
	if n, err := Unregister(txt, "/opt/acme"); n != 1 || err != nil {
		t.Fatalf("Unregister: %d, %v", n, err)
	}
	if _, err := os.Lstat(filepath.Join(real, ".conda")); !os.IsNotExist(err) {
		t.Errorf("the emptied list and ~/.conda are left: %v", err)
	}
}

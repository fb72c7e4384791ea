//go:build unix

package maintain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
	"onboard/installer/internal/testkit"
)

// What stands where a recorded file was, as the unix fast path of verify
// sees it (open in the folder, one read, fstat only on disagreement).
func TestVerifyFastPathFindsWhatStandsThere(t *testing.T) {
	const zl = "zlib-1.2.11-h7b6447c_3"
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		want   string // the problem of include/zlib.h; "" = healthy
	}{
		{"a folder", func(t *testing.T, p string) { os.Remove(p); os.Mkdir(p, 0o755) }, "altered is a directory, not a file"},
		{"a fifo", func(t *testing.T, p string) {
			os.Remove(p)
			if err := unix.Mkfifo(p, 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		}, "altered is a special file, not a file"},
		{"longer", func(t *testing.T, p string) { testkit.MustWrite(t, p, "zlib header\nand more\n") }, "wrong_size 21 bytes, want 12"},
		{"shorter", func(t *testing.T, p string) { testkit.MustWrite(t, p, "zlib\n") }, "wrong_size 5 bytes, want 12"},
		{"same size", func(t *testing.T, p string) { testkit.MustWrite(t, p, "zlib HEADER\n") }, "altered sha256 "},
		{"a symlink to the same bytes", func(t *testing.T, p string) {
			testkit.MustWrite(t, p+".real", "zlib header\n")
			os.Remove(p)
			os.Symlink(filepath.Base(p)+".real", p)
		}, ""},
		{"a dangling symlink", func(t *testing.T, p string) { os.Remove(p); os.Symlink("nowhere", p) },
			"missing a dangling symlink stands where a file should be"},
		{"its folder gone", func(t *testing.T, p string) { os.RemoveAll(filepath.Dir(p)) }, "missing "},
		{"unreadable", func(t *testing.T, p string) {
			if os.Geteuid() == 0 {
				t.Skip("root reads every file")
			}
			os.Chmod(p, 0)
		}, "altered cannot be read: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix, envTxt := fakeInstall(t)
			tt.damage(t, filepath.Join(prefix, "include", "zlib.h"))
			r, _ := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: envTxt})
			var got []string
			for _, p := range r.Problems {
				got = append(got, p.Package+" "+p.Path+" "+string(p.Kind)+" "+p.Detail)
			}
			switch {
			case tt.want == "" && len(got) == 0:
			case len(got) == 1 && strings.HasPrefix(got[0], zl+" include/zlib.h "+tt.want):
			case tt.name == "its folder gone" && len(got) == 2 && strings.HasPrefix(got[1], zl+" include/zlib.h "+tt.want):
			default:
				t.Fatalf("got %q; want %q", got, tt.want)
			}
		})
	}
}

// Paths that are not clean (".", "..", empty parts) go through os, as
// before: "lib/./x" is lib/x.
func TestVerifyPathsNotClean(t *testing.T) {
	env := filepath.Join(t.TempDir(), "p")
	testkit.MustWrite(t, filepath.Join(env, "lib", "x"), "x\n")
	rec := `{"name":"u","version":"1","build":"0","files":["lib/./x","lib//x"],"paths_data":{"paths":[
	 {"_path":"lib/./x","path_type":"hardlink","sha256":"` + sum("x\n") + `","size_in_bytes":2},
	 {"_path":"lib//x","path_type":"hardlink","sha256":"` + sum("y\n") + `","size_in_bytes":2}]}}`
	testkit.MustWrite(t, filepath.Join(env, "conda-meta", "u-1-0.json"), rec)
	testkit.MustWrite(t, filepath.Join(env, "conda-meta", "history"), "")
	r, _ := Verify(context.Background(), env, VerifyOptions{EnvironmentsTxt: "-"})
	if got := kinds(r.Problems); len(got) != 1 || got[0] != "base u-1-0 lib//x altered" {
		t.Fatalf("got %v; want lib//x altered only", got)
	}
}

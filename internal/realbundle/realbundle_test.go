package realbundle

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// need skips where the Debian packages are absent, except in CI, where the
// Makefile installs them and their absence is a failure.
func need(t *testing.T) {
	t.Helper()
	if err := Available(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (%s)", err, err.(*MissingError).Hint())
		}
		t.Skipf("%v (%s)", err, err.(*MissingError).Hint())
	}
}

// TestBuildIsReproducibleAndCached builds into an empty folder and gets the
// same bytes as the shared cache (which the Makefile or an earlier build
// made from the same Debian packages), then builds into the cache again
// and gets it back without building.
func TestBuildIsReproducibleAndCached(t *testing.T) {
	need(t)
	ctx := context.Background()
	root, err := DefaultRoot()
	if err != nil {
		t.Fatal(err)
	}
	a, err := Build(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if b.Cached || filepath.Base(a.Dir) != filepath.Base(b.Dir) {
		t.Fatalf("a fresh build: %+v; want the key of %s, not cached", b, a.Dir)
	}
	fa, fb := tree(t, a.Dir), tree(t, b.Dir)
	want := 6 // python, Jupyter, 2 locks, the spec and the licence
	if findCondaSource() != nil {
		want++ // conda
	}
	if len(fb) != want {
		t.Errorf("the build wrote %d files: %v; want %d", len(fb), keys(fb), want)
	}
	for p, data := range fb {
		if !bytes.Equal(data, fa[p]) {
			t.Errorf("%s differs between two builds of the same inputs (if the builder changed, bump realbundle.Recipe)", p)
		}
	}
	if len(fa) != len(fb) {
		t.Errorf("the builds wrote %v and %v", keys(fa), keys(fb))
	}
	c, err := Build(ctx, root)
	if err != nil || !c.Cached || c.Dir != a.Dir {
		t.Fatalf("building again: %+v, %v; want the cached %s", c, err, a.Dir)
	}
}

func tree(t *testing.T, root string) map[string][]byte {
	out := map[string][]byte{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out[rel], _ = os.ReadFile(p)
		}
		return nil
	})
	return out
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDepNamesAndUpstream(t *testing.T) {
	need(t)
	got := depNames("python3-traitlets (>= 5), nonexistent-pkg-xyz | python3-zmq, python3:any")
	want := []string{"python3-traitlets", "python3-zmq", "python3"}
	if len(got) != len(want) {
		t.Fatalf("depNames: %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("depNames: %v, want %v", got, want)
		}
	}
	for in, w := range map[string][2]string{"3.11.2-6+deb12u6": {"3.11.2", "6+deb12u6"}, "1:2.0-1": {"2.0", "1"}, "5.0": {"5.0", "0"}} {
		if u, r := upstream(in); u != w[0] || r != w[1] {
			t.Errorf("upstream(%q) = %q, %q; want %q", in, u, r, w)
		}
	}
}

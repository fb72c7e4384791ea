package realbundle

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/condatest"
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
	// the packages the two locks name, the locks, the spec and the licence
	locked := map[string]bool{}
	for _, lock := range []string{"locks/base-" + Subdir + ".txt", "locks/" + JupyterEnv + "-" + Subdir + ".txt"} {
		for _, line := range strings.Split(string(fb[lock]), "\n") {
			if rel, ok := strings.CutPrefix(line, "../"); ok {
				rel, _, _ = strings.Cut(rel, "#")
				locked[filepath.FromSlash(rel)] = true
			}
		}
	}
	for p := range locked {
		if fb[p] == nil {
			t.Errorf("a lock names %s, which the build did not write", p)
		}
	}
	if want := len(locked) + 4; len(fb) != want || len(locked) < 3 {
		t.Errorf("the build wrote %d files: %v; want the %d packages of the locks and 4 more", len(fb), keys(fb), len(locked))
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

// TestOneDistributionPerPackage checks the Jupyter stack's packages as
// conda reads them: each holds at most one Python distribution (conda
// would list any other as a pip package), no two install one path, each
// depends on python and on packages of the stack only, the console
// scripts are where their distribution is, and ipykernel carries the
// kernelspec with the prefix placeholder.
func TestOneDistributionPerPackage(t *testing.T) {
	need(t)
	stack, err := closure(JupyterRoots, nil)
	if err != nil {
		t.Fatal(err)
	}
	specs, err := stackSpecs(stack)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) < 20 {
		t.Fatalf("%d packages from %d Debian packages; want one for each that installs something", len(specs), len(stack))
	}
	names := map[string]bool{}
	for _, s := range specs {
		names[s.Name] = true
	}
	eps := map[string]string{}
	for _, s := range specs {
		dists := map[string]bool{}
		for _, f := range s.Files {
			if m := anchorRe.FindStringSubmatch(f.Path); m != nil {
				dists[m[1]] = true
			}
		}
		if len(dists) > 1 {
			t.Errorf("%s holds %d distributions: %v", s.Name, len(dists), dists)
		}
		if s.Noarch != "python" || len(s.Depends) == 0 || s.Depends[0] != "python >=3.11,<3.12" {
			t.Errorf("%s: noarch %q, depends %v; want noarch python depending on python first", s.Name, s.Noarch, s.Depends)
		}
		for _, d := range s.Depends[1:] {
			if !names[d] || d == s.Name {
				t.Errorf("%s depends on %s, which is not another package of the stack", s.Name, d)
			}
		}
		for _, ep := range s.EntryPoints {
			name, _, _ := strings.Cut(ep, " = ")
			eps[name] = s.Name
		}
	}
	if err := noClash(specs); err != nil {
		t.Error(err)
	}
	for cmd, pkg := range map[string]string{"jupyter": "jupyter-core", "jupyter-notebook": "notebook", "jupyter-nbconvert": "nbconvert", "ipython": "ipython"} {
		if eps[cmd] != pkg {
			t.Errorf("the console script %s is in %q; want %s", cmd, eps[cmd], pkg)
		}
	}
	var kernel *condatest.File
	for _, s := range specs {
		for i, f := range s.Files {
			if f.Path == "share/jupyter/kernels/python3/kernel.json" {
				if s.Name != "ipykernel" || kernel != nil {
					t.Errorf("a kernelspec in %s", s.Name)
				}
				kernel = &s.Files[i]
			}
		}
	}
	if kernel == nil || kernel.Placeholder != condatest.DefaultPlaceholder || !bytes.Contains(kernel.Data, []byte(condatest.DefaultPlaceholder+"/bin/python")) {
		t.Errorf("ipykernel's kernelspec: %+v", kernel)
	}
}

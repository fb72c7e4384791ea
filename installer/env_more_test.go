package installer

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/link"
	"onboard/installer/maintain"
	"onboard/installer/pkg"
	"onboard/installer/state"
	"onboard/internal/condatest"
	"onboard/internal/fixtures"
)

func TestInstallNoarchPython(t *testing.T) {
	s := newEnvSetup(t)
	res := s.install(t, "linux-64", "conda-test-recipes/sample_noarch_python-1.0-py_0.conda", "conda-test-recipes/python-3.99.99-0.conda")
	if !reflect.DeepEqual(res.Packages, []string{"python-3.99.99-0", "sample_noarch_python-1.0-py_0"}) {
		t.Errorf("link order %v; want python first", res.Packages)
	}
	if _, err := os.Stat(filepath.Join(s.prefix, "lib/python3.99t/site-packages/sample.py")); err != nil {
		t.Errorf("sample.py not in the stub's site-packages: %v", err)
	}
	rec, raw := readRecord(t, s.prefix, "sample_noarch_python-1.0-py_0")
	pyc := "lib/python3.99t/site-packages/__pycache__/sample.cpython-399.pyc"
	if want := []string{"lib/python3.99t/site-packages/sample.py", pyc}; !reflect.DeepEqual(rec.Files, want) {
		t.Errorf("files %v; want %v", rec.Files, want)
	}
	p := rec.PathsData.Paths
	if len(p) != 2 || p[0].Path != "site-packages/sample.py" || p[0].SHA256InPrefix != p[0].SHA256 || p[1].Path != pyc || p[1].PathType != pkg.PathPyc || p[1].SizeInBytes != nil {
		t.Errorf("paths_data %+v; want the package-relative _path (G8) and a pyc_file entry", p)
	}
	keys := topKeys(t, raw)
	if !containsInOrder(keys, "sha256", "depends", "constrains", "noarch", "package_type", "timestamp", "size", "requested_spec") {
		t.Errorf("noarch record keys out of order: %v", keys)
	}
	if !hasNote(res, "pyc compilation skipped") {
		t.Errorf("notes %v; want pyc compilation skipped", res.Notes)
	}
	pyRec, pyRaw := readRecord(t, s.prefix, "python-3.99.99-0")
	if pyRec.PythonSitePackagesPath != "lib/python3.99t/site-packages" || !containsInOrder(topKeys(t, pyRaw), "noarch", "python_site_packages_path", "package_type") {
		t.Errorf("python record: %v", topKeys(t, pyRaw))
	}
	// outside a channel layout conda writes "<unknown>" (observations §6.4)
	checkHistory(t, s.prefix, "+<unknown>/noarch::python-3.99.99-0\n+<unknown>/noarch::sample_noarch_python-1.0-py_0\n",
		"['<unknown>/noarch::python==3.99.99=0', '<unknown>/noarch::sample_noarch_python==1.0=py_0']")
	// each record carries its own pin, as conda's explicit install writes it
	_, sRaw := readRecord(t, s.prefix, "sample_noarch_python-1.0-py_0")
	for _, frag := range []string{"\"requested_spec\": \"<unknown>/noarch::sample_noarch_python==1.0=py_0\",",
		"\"requested_specs\": [\n    \"<unknown>/noarch::sample_noarch_python==1.0=py_0\"\n  ]"} {
		if !strings.Contains(string(sRaw), frag) {
			t.Errorf("sample_noarch_python record lacks %q:\n%s", frag, sRaw)
		}
	}
}

// A noarch: python package in an env with no python is a bundle that
// cannot be installed (exit 3, as `bundle build` now refuses it), found
// before anything is linked: a bundle built before that check still
// leaves no prefix behind and says which package.
func TestInstallNoarchPythonWithoutPython(t *testing.T) {
	s := newEnvSetup(t)
	_, err := InstallEnv(t.Context(), s.request("linux-64", "conda-test-recipes/sample_noarch_python-1.0-py_0.conda"))
	var be *BundleError
	if !errors.As(err, &be) || ExitCode(err) != ExitBundle || !strings.Contains(err.Error(), "sample_noarch_python-1.0-py_0") {
		t.Fatalf("InstallEnv: %v (exit %d); want a bundle error naming the package, exit %d", err, ExitCode(err), ExitBundle)
	}
	if _, err := os.Lstat(s.prefix); !os.IsNotExist(err) {
		t.Errorf("the prefix is left after the refused install: %v", err)
	}
}

func containsInOrder(keys []string, want ...string) bool {
	i := 0
	for _, k := range keys {
		if i < len(want) && k == want[i] {
			i++
		}
	}
	return i == len(want)
}

func hasNote(res *EnvResult, s string) bool {
	for _, n := range res.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func TestInstallEntryPoints(t *testing.T) {
	s := newEnvSetup(t)
	req := s.request("linux-64", "conda-build/conda-index-pkg-a-1.0-pyhed9eced_1.tar.bz2", "conda-test-recipes/python-3.99.99-0.conda")
	req.Requested = []string{"conda-index-pkg-a"}
	res, err := InstallEnv(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	body := "# -*- coding: utf-8 -*-\nimport re\nimport sys\n\nfrom conda_index_pkg_a import %s\n\nif __name__ == '__main__':\n" +
		"    sys.argv[0] = re.sub(r'(-script\\.pyw?|\\.exe)?$', '', sys.argv[0])\n    sys.exit(%s())\n"
	shebang := "#!" + s.prefix + "/bin/python3.99\n"
	for cmd, fn := range map[string]string{"conda-index-pkg-a": "main", "conda-index-pkg-a-helper": "helper"} {
		p := filepath.Join(s.prefix, "bin", cmd)
		got := string(readBytes(t, p))
		want := shebang + strings.ReplaceAll(body, "%s", fn)
		if got != want {
			t.Errorf("%s got %q; want %q", cmd, got, want)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o755 {
			t.Errorf("%s mode %v; want 0755", cmd, fi.Mode().Perm())
		}
	}
	// observation §6.4: 240 and 244 bytes for a prefix whose shebang line was
	// 240-len(body) bytes long.
	if d := len(strings.ReplaceAll(body, "%s", "helper")) - len(strings.ReplaceAll(body, "%s", "main")); d != 4 {
		t.Errorf("helper minus main = %d; want 4", d)
	}
	if !hasNote(res, `"PKG_NAME": "conda-index-pkg-a"`) || !hasNote(res, `"PREFIX": "`+s.prefix+`"`) {
		t.Errorf("post-link message not reported: %v", res.Notes)
	}
	if _, err := os.Stat(filepath.Join(s.prefix, ".messages.txt")); err == nil {
		t.Error(".messages.txt not deleted")
	}
	rec, _ := readRecord(t, s.prefix, "conda-index-pkg-a-1.0-pyhed9eced_1")
	n := len(rec.Files)
	tail := rec.Files[n-3:]
	if want := []string{"lib/python3.99t/site-packages/conda_index_pkg_a/__pycache__/__init__.cpython-399.pyc", "bin/conda-index-pkg-a", "bin/conda-index-pkg-a-helper"}; !reflect.DeepEqual(tail, want) {
		t.Errorf("files tail %v; want %v", tail, want)
	}
	ep := rec.PathsData.Paths[n-2]
	if ep.PathType != pkg.PathUnixEntryPoint || ep.SizeInBytes == nil || *ep.SizeInBytes != int64(len(shebang)+len(strings.ReplaceAll(body, "%s", "main"))) || ep.SHA256 != "" {
		t.Errorf("entry point entry %+v", ep)
	}
	if rec.Files[0] != "bin/.conda-index-pkg-a-post-link.sh" || rec.PathsData.Paths[0].Path != "python-scripts/.conda-index-pkg-a-post-link.sh" {
		t.Errorf("post-link script: files[0] %q _path %q", rec.Files[0], rec.PathsData.Paths[0].Path)
	}
	if !reflect.DeepEqual(rec.RequestedSpecs, []string{"conda-index-pkg-a"}) {
		t.Errorf("requested specs %v", rec.RequestedSpecs)
	}
	py, pyRaw := readRecord(t, s.prefix, "python-3.99.99-0")
	if py.RequestedSpecs != nil || !strings.Contains(string(pyRaw), "\"_requested_specs\": [],") || strings.Contains(string(pyRaw), "requested_spec\"") {
		t.Errorf("dependency record has requested specs: %v", py.RequestedSpecs)
	}
}

func TestInstallWindowsEntryPoints(t *testing.T) {
	s := newEnvSetup(t)
	req := s.request("win-64", "conda-build/conda-index-pkg-a-1.0-pyhed9eced_1.tar.bz2", "conda-test-recipes/python-3.99.99-0.conda")
	if _, err := InstallEnv(t.Context(), req); err == nil || !strings.Contains(err.Error(), "no launcher for win-64") {
		t.Fatalf("without a launcher got %v; want a clear error", err)
	}
	if _, err := os.Stat(s.prefix); err == nil {
		t.Error("the failed install left its prefix")
	}
	req.WindowsLauncher = func(subdir string) []byte { return []byte("MZ launcher " + subdir) }
	res, err := InstallEnv(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	script := string(readBytes(t, filepath.Join(s.prefix, "Scripts/conda-index-pkg-a-script.py")))
	if !strings.HasPrefix(script, "# -*- coding: utf-8 -*-\nimport re\n") {
		t.Errorf("-script.py got %q", script)
	}
	if exe := readBytes(t, filepath.Join(s.prefix, "Scripts/conda-index-pkg-a.exe")); string(exe) != "MZ launcher win-64" {
		t.Errorf("launcher got %q", exe)
	}
	rec, _ := readRecord(t, s.prefix, "conda-index-pkg-a-1.0-pyhed9eced_1")
	last := rec.PathsData.Paths[len(rec.PathsData.Paths)-1]
	if last.PathType != pkg.PathWinEntryExe || last.SizeInBytes != nil {
		t.Errorf("exe entry %+v", last)
	}
	// the stub's python_site_packages_path wins on Windows too
	if _, err := os.Stat(filepath.Join(s.prefix, "lib/python3.99t/site-packages/conda_index_pkg_a/__init__.py")); err != nil {
		t.Errorf("site-packages: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.prefix, "Scripts/.conda-index-pkg-a-post-link.sh")); err != nil {
		t.Errorf("python-scripts not in Scripts/: %v", err)
	}
	if !hasNote(res, "pyc compilation skipped: the environment is for win-64") {
		t.Errorf("notes %v; want pyc skipped", res.Notes)
	}
}

func TestInstallScriptsSkippedOnOtherOS(t *testing.T) {
	s := newEnvSetup(t)
	subdir := "win-64"
	if link.RunsOnHost(subdir, runtime.GOOS) {
		subdir = "linux-64"
	}
	res := s.install(t, subdir, "conda-test-recipes/failing_post_link-1.0-0.conda")
	if !hasNote(res, "post-link script of failing_post_link-1.0-0 was not run") && !hasNote(res, "was not run: it is for "+subdir) {
		t.Errorf("notes %v; want the skipped post-link", res.Notes)
	}
}

func TestInstallClobber(t *testing.T) {
	s := newEnvSetup(t)
	res := s.install(t, "linux-64", "rattler/clobber-2-0.1.0-h4616a5c_0.tar.bz2", "rattler/clobber-1-0.1.0-h4616a5c_0.tar.bz2")
	want := []Clash{
		{Path: "another-clobber.txt", Packages: []string{"clobber-1-0.1.0-h4616a5c_0", "clobber-2-0.1.0-h4616a5c_0"}},
		{Path: "clobber.txt", Packages: []string{"clobber-1-0.1.0-h4616a5c_0", "clobber-2-0.1.0-h4616a5c_0"}},
	}
	if !reflect.DeepEqual(res.Clashes, want) {
		t.Errorf("clashes %+v; want %+v", res.Clashes, want)
	}
	for _, f := range []string{"clobber.txt", "another-clobber.txt"} {
		got := readBytes(t, filepath.Join(s.prefix, f))
		winner := readBytes(t, filepath.Join(s.pkgs, "clobber-2-0.1.0-h4616a5c_0", f))
		if string(got) != string(winner) {
			t.Errorf("%s holds %q; want clobber-2's %q", f, got, winner)
		}
	}
	for _, d := range res.Packages {
		rec, _ := readRecord(t, s.prefix, d)
		if !reflect.DeepEqual(rec.Files, []string{"another-clobber.txt", "clobber.txt"}) {
			t.Errorf("%s files %v", d, rec.Files)
		}
	}
}

func TestInstallPostLinkOrder(t *testing.T) {
	s := newEnvSetup(t)
	res := s.install(t, "linux-64", "conda-test-recipes/post_link-d-1.0-0.conda", "conda-test-recipes/post_link-c-1.0-0.conda",
		"conda-test-recipes/post_link-e-1.0-0.conda", "conda-test-recipes/post_link-b-1.0-0.conda")
	want := []string{"post_link-b-1.0-0", "post_link-c-1.0-0", "post_link-e-1.0-0", "post_link-d-1.0-0"}
	if !reflect.DeepEqual(res.Packages, want) {
		t.Errorf("link order %v; want %v", res.Packages, want)
	}
	if got := string(readBytes(t, filepath.Join(s.prefix, "bin/file"))); got != "test\n" {
		t.Errorf("bin/file got %q; want post_link-e's test", got)
	}
}

func TestInstallFailingPostLinkRollsBack(t *testing.T) {
	s := newEnvSetup(t)
	_, err := InstallEnv(t.Context(), s.request("linux-64", "conda-test-recipes/failing_post_link-1.0-0.conda", "conda-test-recipes/post_link-b-1.0-0.conda"))
	var se *link.ScriptError
	if !errors.As(err, &se) || se.ExitCode != 1 || se.Action != "post-link" {
		t.Fatalf("got %v; want a post-link ScriptError with exit code 1", err)
	}
	// named by the package and the script's place in it, not by the
	// prefix's path, which the rollback removes (audit Y1)
	if want := "the post-link script of the package failing_post_link-1.0-0 (bin/.failing_post_link-post-link.sh) failed with exit code 1"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error:\n%v\nwant it to begin %q", err, want)
	}
	if strings.Contains(err.Error(), s.prefix) || strings.Contains(err.Error(), "<None>") || strings.Contains(err.Error(), "<unknown>") {
		t.Errorf("error names the removed prefix or conda's placeholders:\n%v", err)
	}
	if h := HintFor(err); !strings.Contains(h, "whoever made the bundle") {
		t.Errorf("hint %q; want the next step", h)
	}
	if _, err := os.Stat(s.prefix); err == nil {
		t.Error("the prefix is left after the failed post-link")
	}
	if _, err := os.Stat(s.envTxt); err == nil {
		t.Error("environments.txt was written")
	}
}

// cancelAfter cancels an install once n bytes of linking were reported.
type cancelAfter struct {
	NopReporter
	cancel  context.CancelFunc
	linking atomic.Bool
	done    atomic.Int64
	n       int64
}

func (c *cancelAfter) Stage(s Stage, _ int64) { c.linking.Store(s == StageLink) }
func (c *cancelAfter) Advance(n int64) {
	if c.linking.Load() && c.done.Add(n) >= c.n {
		c.cancel()
	}
}

func TestInstallCancelledLeavesNoTrace(t *testing.T) {
	s := newEnvSetup(t)
	req := s.request("linux-64", "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2", "cph/cph_test_data-0.0.1-0.tar.bz2")
	req.PkgsDir = ""
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req.Reporter = &cancelAfter{cancel: cancel, n: 1}
	_, err := InstallEnv(ctx, req)
	if !errors.Is(err, context.Canceled) || ExitCode(err) != ExitCancelled {
		t.Fatalf("got %v; want context.Canceled", err)
	}
	if _, err := os.Stat(s.prefix); err == nil {
		t.Error("the cancelled install left its prefix")
	}
	if _, err := os.Stat(s.envTxt); err == nil {
		t.Error("the cancelled install registered the env")
	}
}

func TestInstallCancelledKeepsExistingPrefix(t *testing.T) {
	s := newEnvSetup(t)
	s.install(t, "linux-64", "rattler/clobber-1-0.1.0-h4616a5c_0.tar.bz2")
	before := readBytes(t, filepath.Join(s.prefix, "clobber.txt"))
	hist := readBytes(t, filepath.Join(s.prefix, "conda-meta/history"))
	req := s.request("linux-64", "rattler/clobber-2-0.1.0-h4616a5c_0.tar.bz2", "main/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req.Reporter = &cancelAfter{cancel: cancel, n: 1}
	if _, err := InstallEnv(ctx, req); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want context.Canceled", err)
	}
	if got := readBytes(t, filepath.Join(s.prefix, "clobber.txt")); string(got) != string(before) {
		t.Errorf("clobber.txt got %q; want the old %q back", got, before)
	}
	if got := readBytes(t, filepath.Join(s.prefix, "conda-meta/history")); string(got) != string(hist) {
		t.Error("history changed")
	}
	for _, p := range []string{"include", "lib", "conda-meta/clobber-2-0.1.0-h4616a5c_0.json"} {
		if _, err := os.Stat(filepath.Join(s.prefix, p)); err == nil {
			t.Errorf("%s left after the cancelled install", p)
		}
	}
	noTrace(t, s.prefix)
}

// blockAtLink holds an install at the start of linking.
type blockAtLink struct {
	NopReporter
	at, release chan struct{}
}

func (b *blockAtLink) Stage(s Stage, _ int64) {
	if s == StageLink {
		close(b.at)
		<-b.release
	}
}

func TestInstallConcurrentGetsLocked(t *testing.T) {
	s := newEnvSetup(t)
	req := s.request("linux-64", "rattler/clobber-1-0.1.0-h4616a5c_0.tar.bz2")
	b := &blockAtLink{at: make(chan struct{}), release: make(chan struct{})}
	first := req
	first.Reporter = b
	errc := make(chan error, 1)
	go func() { _, err := InstallEnv(context.Background(), first); errc <- err }()
	<-b.at
	_, err := InstallEnv(t.Context(), req)
	close(b.release)
	var le *LockedError
	if !errors.As(err, &le) || ExitCode(err) != ExitTarget || !strings.Contains(le.Owner, "pid") {
		t.Errorf("second install got %v; want a *LockedError naming the holder", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("first install: %v", err)
	}
	if _, err := InstallEnv(t.Context(), req); err != nil {
		t.Errorf("install after the lock was released: %v", err)
	}
}

// stages records the stages an install reached.
type stages struct {
	NopReporter
	seen []Stage
}

func (s *stages) Stage(st Stage, _ int64) { s.seen = append(s.seen, st) }

func TestInstallPrefixTooLongFailsBeforeWriting(t *testing.T) {
	s := newEnvSetup(t)
	s.prefix = filepath.Join(s.root, strings.Repeat("a", 140), strings.Repeat("b", 140))
	mustMkfile(t, filepath.Join(s.prefix, "keep.txt"))
	req := s.request("osx-64", "rattler/clobber-1-0.1.0-h4616a5c_0.tar.bz2", "main/osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2")
	rep := &stages{}
	req.Reporter = rep
	_, err := InstallEnv(t.Context(), req)
	var te *TargetError
	var pe *link.PaddingError
	if !errors.As(err, &te) || !errors.As(err, &pe) {
		t.Fatalf("got %v; want a TargetError wrapping a PaddingError", err)
	}
	for _, st := range rep.seen {
		if st == StageLink {
			t.Error("linking started before the too-long prefix was found")
		}
	}
	ents, _ := os.ReadDir(s.prefix)
	for _, e := range ents {
		if e.Name() != "keep.txt" && e.Name() != ".onboard" {
			t.Errorf("%s written into the prefix", e.Name())
		}
	}
	noTrace(t, s.prefix)
}

func mustMkfile(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestInstallWarmCacheIsReused(t *testing.T) {
	s := newEnvSetup(t)
	s.install(t, "linux-64", "main/linux-64/zlib-1.2.11-h7b6447c_3.conda")
	idx := filepath.Join(s.pkgs, "zlib-1.2.11-h7b6447c_3", "info", "index.json")
	before, err := os.Stat(idx)
	if err != nil {
		t.Fatal(err)
	}
	s.prefix = filepath.Join(s.root, "env2")
	s.install(t, "linux-64", "main/linux-64/zlib-1.2.11-h7b6447c_3.conda")
	after, err := os.Stat(idx)
	if err != nil || !os.SameFile(before, after) {
		t.Errorf("the package was extracted again for the second env (%v)", err)
	}
	a, _ := os.Stat(filepath.Join(s.prefix, "include/zlib.h"))
	b, _ := os.Stat(filepath.Join(s.pkgs, "zlib-1.2.11-h7b6447c_3", "include/zlib.h"))
	if a == nil || b == nil || !os.SameFile(a, b) {
		t.Error("the second env is not hard-linked to the shared cache")
	}
	if got, _ := os.ReadFile(s.envTxt); strings.Count(string(got), "\n") != 2 {
		t.Errorf("environments.txt got %q; want both envs", got)
	}
}

func TestInstallUpgradeReplacesOldRecord(t *testing.T) {
	s := newEnvSetup(t)
	s.install(t, "linux-64", "rattler/clobber-1-0.1.0-h4616a5c_0.tar.bz2")
	s.install(t, "linux-64", "rattler/clobber-1-0.1.0-h4616a5c_0.tar.bz2", "rattler/clobber-3-0.1.0-h4616a5c_0.tar.bz2")
	recs, err := os.ReadDir(filepath.Join(s.prefix, "conda-meta"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range recs {
		names = append(names, r.Name())
	}
	want := []string{"clobber-1-0.1.0-h4616a5c_0.json", "clobber-3-0.1.0-h4616a5c_0.json", "created_at", "history"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("conda-meta holds %v; want %v", names, want)
	}
	h := string(readBytes(t, filepath.Join(s.prefix, "conda-meta", "history")))
	if strings.Count(h, "==> ") != 2 || strings.Count(h, "+<unknown>/noarch::clobber-1-0.1.0-h4616a5c_0") != 1 || !strings.Contains(h, "+<unknown>/noarch::clobber-3-0.1.0-h4616a5c_0") {
		t.Errorf("history after the second install:\n%s", h)
	}
	noTrace(t, s.prefix)
}

// A record is the env's list of a package's files, but conda or a user
// may have written it: replacing the package never moves aside a file it
// lists outside the env.
func TestInstallUpgradeLeavesFilesOutsideTheEnv(t *testing.T) {
	s := newEnvSetup(t)
	dir := t.TempDir()
	mk := func(version string) []PackageFile {
		p, err := condatest.WriteConda(dir, condatest.Spec{Name: "tool", Version: version, Build: "0", Subdir: "noarch", Noarch: "generic",
			Files: []condatest.File{{Path: "share/tool.txt", Data: []byte(version + "\n")}}})
		if err != nil {
			t.Fatal(err)
		}
		return []PackageFile{{Path: p}}
	}
	install := func(pkgs []PackageFile) {
		req := s.request("linux-64")
		req.Packages = pkgs
		if _, err := InstallEnv(t.Context(), req); err != nil {
			t.Fatal(err)
		}
	}
	install(mk("1"))
	rec := filepath.Join(s.prefix, "conda-meta", "tool-1-0.json")
	b := readBytes(t, rec)
	edited := strings.Replace(string(b), `"files": [`, `"files": ["../precious.txt", `, 1)
	if edited == string(b) {
		t.Fatal("the record has no files list to edit")
	}
	os.WriteFile(rec, []byte(edited), 0o644)
	precious := filepath.Join(filepath.Dir(s.prefix), "precious.txt")
	os.WriteFile(precious, []byte("mine\n"), 0o644)
	install(mk("2"))
	if got, err := os.ReadFile(precious); err != nil || string(got) != "mine\n" {
		t.Errorf("%s after the upgrade: %q, %v; want it untouched", precious, got, err)
	}
	if got := readBytes(t, filepath.Join(s.prefix, "share", "tool.txt")); string(got) != "2\n" {
		t.Errorf("share/tool.txt = %q; want the new version's", got)
	}
}

// itemRecorder records the stages and the items named in each.
type itemRecorder struct {
	NopReporter
	mu    sync.Mutex
	stage Stage
	items map[Stage][]string
}

func (r *itemRecorder) Stage(s Stage, total int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stage = s
}

func (r *itemRecorder) Item(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.items == nil {
		r.items = map[Stage][]string{}
	}
	r.items[r.stage] = append(r.items[r.stage], name)
}

// The wizard shows "the current stage and package": extraction names each
// archive, linking each package, once.
func TestInstallEnvNamesEachPackage(t *testing.T) {
	fx := fixtures.Dir(t)
	rec := &itemRecorder{}
	req := EnvRequest{
		Prefix: filepath.Join(t.TempDir(), "env"), Subdir: "osx-64", EnvironmentsTxt: "-", Reporter: rec,
		Packages: []PackageFile{
			{Path: filepath.Join(fx, "main/osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2")},
			{Path: filepath.Join(fx, "cph/cph_test_data-0.0.1-0.tar.bz2")},
		},
	}
	if _, err := InstallEnv(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := func(s Stage) string { x := slices.Clone(rec.items[s]); slices.Sort(x); return strings.Join(x, " ") }
	if want := "cph_test_data-0.0.1-0.tar.bz2 zlib-1.2.11-h1de35cc_3.tar.bz2"; got(StageExtract) != want {
		t.Errorf("extract items %q; want %q", got(StageExtract), want)
	}
	if want := "cph_test_data-0.0.1-0 zlib-1.2.11-h1de35cc_3"; got(StageLink) != want {
		t.Errorf("link items %q; want %q", got(StageLink), want)
	}
}

// An entry point Windows would open as a device (Scripts/con.exe) fails
// the Windows install with the package and the name, and leaves no
// prefix; the same package is a plain command elsewhere.
func TestWindowsEntryPointNamedLikeADevice(t *testing.T) {
	s := newEnvSetup(t)
	tool := condatest.Spec{Name: "tool", Version: "1", Build: "py_0", Noarch: "python", Subdir: "noarch",
		Files:       []condatest.File{{Path: "site-packages/tool/__init__.py", Data: []byte("def main(): pass\n")}},
		EntryPoints: []string{"con = tool:main"}}
	archive, err := condatest.WriteConda(t.TempDir(), tool)
	if err != nil {
		t.Fatal(err)
	}
	req := s.request("win-64", "conda-test-recipes/python-3.99.99-0.conda")
	req.Packages = append(req.Packages, PackageFile{Path: archive})
	req.WindowsLauncher = func(subdir string) []byte { return []byte("MZ launcher " + subdir) }
	_, err = InstallEnv(t.Context(), req)
	if err == nil || !strings.Contains(err.Error(), "tool-1-py_0") || !strings.Contains(err.Error(), `"con.exe" is a device on Windows`) {
		t.Fatalf("InstallEnv = %v; want the entry point refused as a Windows device name", err)
	}
	// the bundle's (exit 3), and no fresh download mends it (audit AS 3)
	if h := HintFor(err); ExitCode(err) != ExitBundle || strings.Contains(h, "download") || !strings.Contains(h, "install here") {
		t.Errorf("exit %d, hint %q; want exit 3 and the bundle named", ExitCode(err), h)
	}
	if _, err := os.Stat(s.prefix); err == nil {
		t.Error("the refused install left its prefix")
	}
	req.Subdir = "linux-64"
	if _, err := InstallEnv(t.Context(), req); err != nil {
		t.Fatalf("on linux-64: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.prefix, "bin", "con")); err != nil {
		t.Errorf("bin/con: %v", err)
	}
}

// A package that would write into conda-meta (a record of a package never
// installed) or onboard's state folder is refused, and the environment is
// left as it was, into an existing environment as into a new one.
func TestInstallRefusesFilesInReservedFolders(t *testing.T) {
	for _, path := range []string{"conda-meta/numpy-9-0.json", ".onboard/manifest.json",
		// another env's records, conda's package cache, and the files onboard writes
		"envs/team/conda-meta/evil-1-0.json", "pkgs/urls.txt", ".condarc", ".nonadmin", ".onboard-journal",
		"condarc.d/onboard.yml", "Condarc.D/Onboard.yml", "condarc.d", // the bundle's conda settings, and their folder as a file (a paths.json check)
		".messages.txt"} { // a link script's messages: shown as the next script's, and deleted
		t.Run(path, func(t *testing.T) {
			s := newEnvSetup(t)
			evil, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
				Files: []condatest.File{{Path: "share/evil.txt", Data: []byte("x")}, {Path: path, Data: []byte("{}")}}})
			if err != nil {
				t.Fatal(err)
			}
			req := s.request("linux-64")
			req.Packages = []PackageFile{{Path: evil}}
			var ue *pkg.UnsafeEntryError
			_, err = InstallEnv(t.Context(), req)
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), path) {
				t.Fatalf("into a new env: %v; want an *pkg.UnsafeEntryError naming %s", err, path)
			}
			// the package is named once: it was "package evil-1-0.conda is
			// unsafe: package "…/evil-1-0.conda" has an unsafe entry"
			if n := strings.Count(err.Error(), "evil-1-0.conda"); n != 1 {
				t.Errorf("the refusal names the package %d times: %v", n, err)
			}
			if _, err := os.Stat(s.prefix); err == nil {
				t.Error("the refused install left its prefix")
			}
			s.install(t, "linux-64", "conda-test-recipes/python-3.99.99-0.conda")
			before := testkit.Snapshot(t, s.prefix)
			if _, err := InstallEnv(t.Context(), req); !errors.As(err, &ue) {
				t.Fatalf("into an existing env: %v; want an *pkg.UnsafeEntryError", err)
			}
			if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, s.prefix)); len(d) > 0 {
				t.Fatalf("the refused install changed the env:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// python's index.json names the folder every noarch: python file goes
// under (python_site_packages_path, CEP 17). One that leaves the prefix
// is refused before anything is written there or beside the prefix.
func TestInstallRefusesSitePackagesOutsideThePrefix(t *testing.T) {
	for _, sp := range []string{"../outside", "/tmp/outside", "lib/../../outside", "conda-meta"} {
		t.Run(sp, func(t *testing.T) {
			s := newEnvSetup(t)
			dir := t.TempDir()
			py, err := condatest.WriteConda(dir, condatest.Spec{Name: "python", Version: "3.12.1", Build: "0", Subdir: "linux-64",
				PythonSitePackagesPath: sp, Files: []condatest.File{{Path: "bin/python3.12", Data: []byte("#!/bin/sh\n"), Mode: 0o755}}})
			if err != nil {
				t.Fatal(err)
			}
			mod, err := condatest.WriteConda(dir, condatest.Spec{Name: "mod", Version: "1", Build: "0", Subdir: "noarch", Noarch: "python",
				Depends: []string{"python"}, Files: []condatest.File{{Path: "site-packages/evilmod.py", Data: []byte("x = 1\n")}}})
			if err != nil {
				t.Fatal(err)
			}
			req := s.request("linux-64")
			req.Packages = []PackageFile{{Path: py}, {Path: mod}}
			var ue *pkg.UnsafeEntryError
			if _, err := InstallEnv(t.Context(), req); !errors.As(err, &ue) || !strings.Contains(err.Error(), "python_site_packages_path") {
				t.Fatalf("InstallEnv = %v; want an *pkg.UnsafeEntryError naming python_site_packages_path", err)
			}
			if _, err := os.Stat(s.prefix); err == nil {
				t.Error("the refused install left its prefix")
			}
			for _, p := range []string{filepath.Join(filepath.Dir(s.prefix), "outside"), "/tmp/outside/evilmod.py"} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

// A symlink is checked from where it really is. Package a's lib/up -> ..
// puts lib/up/escape at the prefix's root, where ../outside points beside
// the prefix, and a later package's lib/up/escape/evil.txt would be
// written there. Package b is refused (exit 3) and the env left as it was;
// a link that stays inside from its real place is kept.
func TestInstallRefusesSymlinksLeavingThroughOtherLinks(t *testing.T) {
	s := newEnvSetup(t)
	mk, install := genericPackages(t), s.installEnv(t)
	if err := install(mk("a", condatest.File{Path: "lib/up", Symlink: ".."})); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(filepath.Dir(s.prefix), "outside")
	os.MkdirAll(outside, 0o755)
	for _, bad := range []condatest.File{
		{Path: "lib/up/escape", Symlink: "../outside"},
		{Path: "lib/twisty", Symlink: "sub/../../outside"}, // up after down: depends on what lib/sub becomes
	} {
		before := testkit.Snapshot(t, s.prefix)
		err := install(mk("b", bad))
		var ue *pkg.UnsafeEntryError
		if !errors.As(err, &ue) || ExitCode(err) != 3 || !strings.Contains(err.Error(), bad.Path) {
			t.Fatalf("%s -> %s: %v (exit %d); want an *pkg.UnsafeEntryError naming it, exit 3", bad.Path, bad.Symlink, err, ExitCode(err))
		}
		if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, s.prefix)); len(d) > 0 {
			t.Fatalf("the refused install changed the env:\n%s", strings.Join(d, "\n"))
		}
	}
	if err := install(mk("c", condatest.File{Path: "lib/up/inside", Symlink: "share"}, condatest.File{Path: "share/x.txt", Data: []byte("x\n")})); err != nil {
		t.Fatalf("a link that stays inside from its real place: %v", err)
	}
	if err := install(mk("d", condatest.File{Path: "lib/up/escape/evil.txt", Data: []byte("evil\n")})); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) > 0 {
		t.Errorf("%s holds %d entries; want none", outside, len(ents))
	}
}

// A folder symlink already in the env that leads into conda-meta (made by
// hand, or by links that each stayed outside it) is not written through:
// the package whose file would land there is refused (exit 3), the env
// left as it was; a folder symlink elsewhere in the env is followed.
func TestInstallWritesNoFileThroughALinkIntoReservedFolders(t *testing.T) {
	s := newEnvSetup(t)
	mk, install := genericPackages(t), s.installEnv(t)
	if err := install(mk("a", condatest.File{Path: "share/a.txt", Data: []byte("a\n")})); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(s.prefix, "lib"), 0o755)
	for link, to := range map[string]string{"lib/meta": "../conda-meta", "lib/share": "../share"} {
		if err := os.Symlink(to, filepath.Join(s.prefix, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	before := testkit.Snapshot(t, s.prefix)
	err := install(mk("b", condatest.File{Path: "lib/meta/evil-9-0.json", Data: []byte("{}")}))
	var ue *pkg.UnsafeEntryError
	if !errors.As(err, &ue) || ExitCode(err) != 3 || !strings.Contains(err.Error(), "lib/meta/evil-9-0.json") || !strings.Contains(err.Error(), "conda-meta/") {
		t.Fatalf("a file through lib/meta -> ../conda-meta: %v (exit %d); want an *pkg.UnsafeEntryError naming it and conda-meta/, exit 3", err, ExitCode(err))
	}
	if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, s.prefix)); len(d) > 0 {
		t.Fatalf("the refused install changed the env:\n%s", strings.Join(d, "\n"))
	}
	if err := install(mk("c", condatest.File{Path: "lib/share/c.txt", Data: []byte("c\n")})); err != nil {
		t.Fatalf("a file through lib/share -> ../share: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(s.prefix, "share", "c.txt")); string(b) != "c\n" {
		t.Fatalf("share/c.txt = %q, %v", b, err)
	}
}

// pkg refuses files in the folders this package keeps for itself: its
// state folder and the scratch folder of a transaction.
func TestReservedFoldersAreTheInstallsOwn(t *testing.T) {
	s := newEnvSetup(t)
	tx, err := newEnvTxn(s.request("linux-64"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{state.DirName, filepath.Base(tx.tmp), "conda-meta"} {
		if !slices.Contains(pkg.ReservedFolders, dir) {
			t.Errorf("pkg.ReservedFolders %v lacks %q", pkg.ReservedFolders, dir)
		}
	}
}

// A package whose paths.json lists a file that is a symlink to other
// bytes (which passed the sha256 check by) is refused as corrupt (exit 3),
// with the package cache and without, and the env is left as it was.
func TestInstallRefusesAListedFileThatIsASymlink(t *testing.T) {
	for _, noCache := range []bool{false, true} {
		t.Run(fmt.Sprint("NoPackageCache=", noCache), func(t *testing.T) {
			s := newEnvSetup(t)
			dir := t.TempDir()
			good, err := condatest.WriteConda(dir, condatest.Spec{Name: "good", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
				Files: []condatest.File{{Path: "share/good.txt", Data: []byte("good\n")}}})
			if err != nil {
				t.Fatal(err)
			}
			spec := condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
				Files: []condatest.File{{Path: "share/fine.txt", Data: []byte("fine\n")}, {Path: "share/ok.txt", Data: []byte("ok\n")}}}
			info, err := condatest.InfoMembers(spec)
			if err != nil {
				t.Fatal(err)
			}
			evil, err := condatest.WriteRawConda(dir, "evil-1-0", []condatest.Member{
				{Name: "share/fine.txt", Data: []byte("fine\n")},
				{Name: "share/payload.txt", Data: []byte("#!/bin/sh\nevil\n")},
				{Name: "share/ok.txt", Type: tar.TypeSymlink, Linkname: "payload.txt"}}, info)
			if err != nil {
				t.Fatal(err)
			}
			req := s.request("linux-64")
			req.NoPackageCache = noCache
			refused := func() {
				t.Helper()
				req.Packages = []PackageFile{{Path: good}, {Path: evil}}
				_, err := InstallEnv(t.Context(), req)
				var fe *pkg.FormatError
				if !errors.As(err, &fe) || ExitCode(err) != 3 || !strings.Contains(err.Error(), "share/ok.txt") {
					t.Fatalf("InstallEnv = %v (exit %d); want a *pkg.FormatError naming share/ok.txt, exit 3", err, ExitCode(err))
				}
			}
			// Into a new prefix (without a package cache, the one-pass
			// install has placed share/fine.txt when the check fails).
			refused()
			if _, err := os.Stat(s.prefix); err == nil {
				t.Fatal("the refused install left its prefix")
			}
			// Into an env that has good.
			req.Packages = []PackageFile{{Path: good}}
			if _, err := InstallEnv(t.Context(), req); err != nil {
				t.Fatal(err)
			}
			before := testkit.Snapshot(t, s.prefix)
			refused()
			if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, s.prefix)); len(d) > 0 {
				t.Fatalf("the refused install changed the env:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// A package whose paths.json names files 1,000 folders deep, 200 of them
// (200,000 folders from a few kilobytes), is refused as soon as its
// paths.json is read: before the one-pass install makes their folders in
// the prefix, and with nothing left of the install.
func TestInstallRefusesADeepFolderBomb(t *testing.T) {
	s := newEnvSetup(t)
	var files []condatest.File
	for i := range 200 {
		files = append(files, condatest.File{Path: fmt.Sprintf("share/d%03d/", i) + strings.Repeat("a/", 1000) + "f", Data: []byte("x")})
	}
	bomb, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "bomb", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic", Files: files})
	if err != nil {
		t.Fatal(err)
	}
	req := s.request("linux-64")
	req.Packages = []PackageFile{{Path: bomb}}
	wantBudgetRefusal(t, s, req, "share/d0")
}

// wantBudgetRefusal runs req and wants a total size *pkg.Error (past a
// package's budget) whose message holds want, exit 3, and no prefix left.
func wantBudgetRefusal(t *testing.T, s *envSetup, req EnvRequest, want string) {
	t.Helper()
	_, err := InstallEnv(t.Context(), req)
	var pe *pkg.Error
	if !errors.As(err, &pe) || pe.What != "total size" || !strings.Contains(err.Error(), want) || ExitCode(err) != 3 {
		t.Fatalf("InstallEnv = %v (exit %d); want a total size *pkg.Error about %s, exit 3", err, ExitCode(err), want)
	}
	if _, err := os.Stat(s.prefix); err == nil {
		t.Error("the refused install left its prefix")
	}
}

// TestInstallRefusesAnEntryPointBomb: each entry point of a noarch: python
// package is a file the link step writes (on Windows, the 2 MiB launcher
// .exe besides the script), so entry points count toward the package's
// budget: 40 of them cost 80 MiB on Windows, past the 64 MiB a package of
// a few kilobytes may unpack; 20,000 cost 80 MiB anywhere. Refused, exit
// 3, nothing left; 10 on Windows are installed.
func TestInstallRefusesAnEntryPointBomb(t *testing.T) {
	launcher := func(string) []byte { return make([]byte, 2<<20) }
	for _, tt := range []struct {
		subdir string
		n      int
		ok     bool
	}{{"win-64", 40, false}, {"linux-64", 20_000, false}, {"win-64", 10, true}} {
		t.Run(fmt.Sprint(tt.subdir, " ", tt.n), func(t *testing.T) {
			s := newEnvSetup(t)
			eps := make([]string, tt.n)
			for i := range eps {
				eps[i] = fmt.Sprintf("cmd%05d = mod:main", i)
			}
			bomb, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "bomb", Version: "1", Build: "0", Subdir: "noarch", Noarch: "python",
				Depends: []string{"python"}, EntryPoints: eps, Files: []condatest.File{{Path: "site-packages/mod.py", Data: []byte("def main(): pass\n")}}})
			if err != nil {
				t.Fatal(err)
			}
			req := s.request(tt.subdir, "conda-test-recipes/python-3.99.99-0.conda")
			req.Packages = append(req.Packages, PackageFile{Path: bomb})
			req.WindowsLauncher = launcher
			if !tt.ok {
				wantBudgetRefusal(t, s, req, "entry points")
			} else if _, err := InstallEnv(t.Context(), req); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Two packages of one name (here good 1 and good 2, or good and Good,
// one name to conda) are refused: conda keeps one record per name, and
// the other's files would belong to nothing. Nothing is left of the
// install.
func TestInstallRefusesTwoPackagesOfOneName(t *testing.T) {
	for _, second := range []string{"good", "Good"} {
		t.Run(second, func(t *testing.T) {
			s := newEnvSetup(t)
			var pkgs []PackageFile
			for v, name := range map[string]string{"1": "good", "2": second} {
				p, err := condatest.WriteTarBz2(t.TempDir(), condatest.Spec{Name: name, Version: v, Build: "0", Subdir: "noarch", Noarch: "generic",
					Files: []condatest.File{{Path: "share/good" + v + ".txt", Data: []byte("good\n")}}})
				if err != nil {
					t.Fatal(err)
				}
				pkgs = append(pkgs, PackageFile{Path: p})
			}
			req := s.request("linux-64")
			req.Packages = pkgs
			_, err := InstallEnv(t.Context(), req)
			var be *BundleError
			if !errors.As(err, &be) || !strings.Contains(err.Error(), `two of its packages are named "`) || !strings.Contains(err.Error(), "good-1-0") {
				t.Fatalf("InstallEnv = %v; want a *BundleError naming both", err)
			}
			if _, err := os.Stat(s.prefix); err == nil {
				t.Error("the refused install left its prefix")
			}
		})
	}
}

// TestInstallRefusesAPlaceholderBomb: a text file of 4 MiB of "a" whose
// placeholder is "a" becomes 4 Mi prefixes when its placeholders are
// replaced, hundreds of megabytes from an archive of a few kilobytes. What
// the rewrites add counts toward the package's budget, before the new
// bytes are made: refused, exit 3, nothing left.
func TestInstallRefusesAPlaceholderBomb(t *testing.T) {
	s := newEnvSetup(t)
	bomb, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "bomb", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/a.txt", Data: bytes.Repeat([]byte("a"), 4<<20), Placeholder: "a"}}})
	if err != nil {
		t.Fatal(err)
	}
	req := s.request("linux-64")
	req.Packages = []PackageFile{{Path: bomb}}
	wantBudgetRefusal(t, s, req, "share/a.txt")
}

// An upgrade runs the replaced package's pre-unlink script before its
// files go, as conda does; a failing one is noted and the upgrade goes on.
func TestInstallUpgradeRunsPreUnlinkOfTheReplaced(t *testing.T) {
	s := newEnvSetup(t)
	dir := t.TempDir()
	tool := func(version, script string) PackageFile {
		spec := condatest.Spec{Name: "tool", Version: version, Build: "0", Subdir: "noarch", Noarch: "generic",
			Files: []condatest.File{{Path: "share/tool/" + version + ".txt", Data: []byte(version + "\n")}}}
		if script != "" {
			spec.Files = append(spec.Files, condatest.File{Path: "bin/.tool-pre-unlink.sh", Data: []byte("#!/bin/sh\n" + script + "\n"), Mode: 0o755})
		}
		p, err := condatest.WriteConda(dir, spec)
		if err != nil {
			t.Fatal(err)
		}
		return PackageFile{Path: p}
	}
	install := func(p PackageFile) *EnvResult {
		req := s.request("linux-64")
		req.Packages = []PackageFile{p}
		res, err := InstallEnv(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	install(tool("1", `echo "$PKG_NAME $PKG_VERSION $(test -f "$PREFIX/share/tool/1.txt" && echo with its files)" > "$PREFIX/pre-unlink-ran"`))
	install(tool("2", "echo failing >&2; exit 3"))
	if got := string(readBytes(t, filepath.Join(s.prefix, "pre-unlink-ran"))); got != "tool 1 with its files\n" {
		t.Errorf("the pre-unlink script of tool 1 wrote %q; want it run with its files still there", got)
	}
	res := install(tool("3", ""))
	if !hasNote(res, "pre-unlink") {
		t.Errorf("notes %q; want the failed pre-unlink script of tool 2 noted", res.Notes)
	}
	if _, err := os.Stat(filepath.Join(s.prefix, "share/tool/3.txt")); err != nil {
		t.Errorf("tool 3 is not installed: %v", err)
	}
}

// A folder symlink of one package (lib64 -> lib, as conda-forge's
// sysroot has usr/lib64 -> ../lib64) with another package's files under it
// (lib64/libfoo.so, as the CDT packages ship usr/lib64/...): conda links
// the symlink and writes the files through it, in one install or two, and
// so does onboard, whichever package links first, whether the extraction
// placed the files or linking wrote them, in one window or two. A file
// that would then be at one path twice is refused, naming both packages;
// so is a folder link into conda-meta; either way the env is as it was.
func TestFilesUnderAnotherPackagesFolderSymlink(t *testing.T) {
	mk := genericPackages(t)
	link := condatest.File{Path: "lib64", Symlink: "lib"}
	liba := condatest.File{Path: "lib/liba.so", Data: []byte("a\n")}
	files := []condatest.File{{Path: "lib64/libfoo.so", Data: []byte("foo\n")}, {Path: "lib64/pkgconfig/foo.pc", Data: []byte("pc\n")}}
	// Link order is by name here (no depends): "alink" before "files", "zlink" after.
	for _, tc := range []struct {
		name   string
		link   PackageFile
		window int
	}{
		{"the symlink first", mk("alink", liba, link)[0], 0},
		{"the files first", mk("zlink", liba, link)[0], 0},
		{"the files a window before", mk("zlink", liba, link)[0], 1},
	} {
		b := mk("files", files...)[0]
		for _, noCache := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/NoPackageCache=%v", tc.name, noCache), func(t *testing.T) {
				if tc.window > 0 {
					old := windowPaths
					windowPaths = tc.window
					defer func() { windowPaths = old }()
				}
				s := newEnvSetup(t)
				req := s.request("linux-64")
				req.NoPackageCache = noCache
				req.Packages = []PackageFile{tc.link, b}
				if _, err := InstallEnv(t.Context(), req); err != nil {
					t.Fatalf("one install: %v", err)
				}
				checkThroughLink(t, s.prefix)
			})
		}
	}

	t.Run("two installs", func(t *testing.T) {
		s := newEnvSetup(t)
		install := s.installEnv(t)
		if err := install([]PackageFile{mk("alink", liba, link)[0]}); err != nil {
			t.Fatal(err)
		}
		if err := install([]PackageFile{mk("files", files...)[0]}); err != nil {
			t.Fatalf("the files once the symlink is installed: %v", err)
		}
		checkThroughLink(t, s.prefix)
	})

	refused := func(t *testing.T, want []string, pkgs ...PackageFile) {
		t.Helper()
		s := newEnvSetup(t)
		req := s.request("linux-64")
		req.Packages = pkgs
		_, err := InstallEnv(t.Context(), req)
		for _, w := range want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Fatalf("install: %v; want an error naming %q", err, w)
			}
		}
		if _, err := os.Stat(s.prefix); err == nil {
			t.Error("the refused install left its prefix")
		}
	}
	t.Run("one file twice", func(t *testing.T) {
		clash := condatest.File{Path: "lib/libfoo.so", Data: []byte("other\n")}
		refused(t, []string{"lib64/libfoo.so", "lib/libfoo.so", "alink-1-0", "files-1-0"}, mk("alink", clash, link)[0], mk("files", files...)[0])
	})
	t.Run("into conda-meta", func(t *testing.T) {
		refused(t, []string{"zlink-1-0", "conda-meta"}, mk("zlink", liba, condatest.File{Path: "lib64", Symlink: "conda-meta"})[0], mk("files", files...)[0])
	})
	// A link to the env's root gets past no check of where files land:
	// another package's files under it would be conda's or onboard's.
	rootLink := condatest.File{Path: "share/x", Symlink: ".."}
	for _, evil := range []string{"share/x/.onboard-journal", "share/x/conda-meta/evil-1-0.json", "share/x/envs/y/conda-meta/history", "share/x/.condarc"} {
		for _, noCache := range []bool{false, true} {
			t.Run(fmt.Sprintf("root link, %s, NoPackageCache=%v", evil, noCache), func(t *testing.T) {
				s := newEnvSetup(t)
				req := s.request("linux-64")
				req.NoPackageCache = noCache
				req.Packages = []PackageFile{mk("alink", liba, rootLink)[0], mk("zfiles", condatest.File{Path: evil, Data: []byte("{}")})[0]}
				_, err := InstallEnv(t.Context(), req)
				if err == nil || !strings.Contains(err.Error(), "conda and onboard") {
					t.Fatalf("one install: %v; want it refused", err)
				}
				if _, err := os.Stat(s.prefix); err == nil {
					t.Error("the refused install left its prefix")
				}
				// and in two installs, the link installed first
				req.Packages = req.Packages[:1]
				if _, err := InstallEnv(t.Context(), req); err != nil {
					t.Fatal(err)
				}
				before := testkit.Snapshot(t, s.prefix)
				req.Packages = []PackageFile{mk("zfiles", condatest.File{Path: evil, Data: []byte("{}")})[0]}
				if _, err := InstallEnv(t.Context(), req); err == nil || !strings.Contains(err.Error(), "conda and onboard") {
					t.Fatalf("the files once the link is installed: %v; want them refused", err)
				}
				if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, s.prefix)); len(d) > 0 {
					t.Fatalf("the refused install changed the env:\n%s", strings.Join(d, "\n"))
				}
			})
		}
	}
	t.Run("the user's folder", func(t *testing.T) {
		s := newEnvSetup(t)
		install := s.installEnv(t)
		if err := install([]PackageFile{mk("files", files...)[0]}); err != nil {
			t.Fatal(err)
		}
		err := install([]PackageFile{mk("zlink", liba, link)[0]})
		if err == nil || !strings.Contains(err.Error(), "lib64") || !strings.Contains(err.Error(), "in the way") {
			t.Fatalf("a symlink over a folder installed before: %v; want it refused, naming the folder", err)
		}
		if got := string(readBytes(t, filepath.Join(s.prefix, "lib64", "libfoo.so"))); got != "foo\n" {
			t.Errorf("lib64/libfoo.so = %q after the refusal; want it as it was", got)
		}
		if fi, err := os.Lstat(filepath.Join(s.prefix, "lib64")); err != nil || !fi.IsDir() {
			t.Errorf("lib64 after the refusal: %v, %v; want the folder as it was", fi, err)
		}
	})
}

// checkThroughLink checks the env of TestFilesUnderAnotherPackagesFolderSymlink:
// lib64 is the symlink, the files are in lib, and the files package's
// record names them as the package does.
func checkThroughLink(t *testing.T, prefixDir string) {
	t.Helper()
	if target, err := os.Readlink(filepath.Join(prefixDir, "lib64")); err != nil || target != "lib" {
		t.Fatalf("lib64 is %q, %v; want the symlink to lib", target, err)
	}
	for p, want := range map[string]string{"lib/libfoo.so": "foo\n", "lib/pkgconfig/foo.pc": "pc\n", "lib/liba.so": "a\n"} {
		if got, err := os.ReadFile(filepath.Join(prefixDir, p)); string(got) != want {
			t.Errorf("%s = %q, %v; want %q", p, got, err, want)
		}
	}
	rec := string(readBytes(t, filepath.Join(prefixDir, "conda-meta", "files-1-0.json")))
	if !strings.Contains(rec, `"lib64/libfoo.so"`) || !strings.Contains(rec, `"lib64/pkgconfig/foo.pc"`) {
		t.Errorf("the record of files-1-0 does not name its files as the package does:\n%s", rec)
	}
}

// Ctrl-C or SIGTERM while the .py files are compiled cancels the install
// like at any other stage: rolled back, context.Canceled (exit 130).
// Before, the compile step turned it into a note and the install
// committed, exit 0.
func TestCancelWhileCompilingRollsBack(t *testing.T) {
	s := newEnvSetup(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req := s.request("linux-64", "conda-test-recipes/sample_noarch_python-1.0-py_0.conda", "conda-test-recipes/python-3.99.99-0.conda")
	req.Reporter = &cancelAt{s: StageCompile, cancel: cancel}
	_, err := InstallEnv(ctx, req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while compiling: %v; want context.Canceled", err)
	}
	if _, err := os.Stat(s.prefix); err == nil {
		t.Error("the cancelled install left its prefix")
	}
}

// A package that only its link.json says is noarch: python (its index
// has no noarch) is linked as one, as conda does, and recorded as one, so
// that verify finds its files where they were put. Before, its record had
// no noarch, and verify called the fresh install damaged.
func TestNoarchPythonFromLinkJSONOnly(t *testing.T) {
	dir := t.TempDir()
	p, err := condatest.WriteConda(dir, condatest.Spec{Name: "only-link", Version: "1", Build: "py_0", Subdir: "noarch",
		Files:     []condatest.File{{Path: "site-packages/onlylink/__init__.py", Data: []byte("x = 1\n")}},
		InfoFiles: []condatest.File{{Path: "info/link.json", Data: []byte(`{"noarch": {"type": "python"}, "package_metadata_version": 1}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	s := newEnvSetup(t)
	req := s.request("linux-64", "conda-test-recipes/python-3.99.99-0.conda")
	req.Packages = append(req.Packages, PackageFile{Path: p})
	if _, err := InstallEnv(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.prefix, "lib", "python3.99t", "site-packages", "onlylink", "__init__.py")); err != nil {
		t.Fatalf("not linked as noarch: python: %v", err)
	}
	if rec := string(readBytes(t, filepath.Join(s.prefix, "conda-meta", "only-link-1-py_0.json"))); !strings.Contains(rec, `"noarch": "python"`) {
		t.Errorf("the record does not say noarch: python:\n%s", rec)
	}
	if r, err := maintain.Verify(t.Context(), s.prefix, maintain.VerifyOptions{EnvironmentsTxt: "-", SkipLaunchers: true}); err != nil {
		t.Fatalf("verify of the fresh env: %v %v", err, kinds(r.Problems))
	}
}

// One package's file at a path under which another package puts files
// (share/x, and share/x/y): no install can hold both. Whichever links
// first, in one window or two, placed or linked, the install is refused
// as the bundle's fault, naming the path (exit 3), and leaves nothing.
// Before, it said "file exists" or "remove it and try again", exit 1.
func TestPackagesWithAFileAndAFolderOfOneName(t *testing.T) {
	mk := genericPackages(t)
	file := condatest.File{Path: "share/x", Data: []byte("file\n")}
	under := condatest.File{Path: "share/x/y", Data: []byte("under\n")}
	for _, tc := range []struct {
		name        string
		first, last PackageFile
	}{
		{"the folder's first", mk("afolder", under)[0], mk("zfile", file)[0]},
		{"the file's first", mk("afile", file)[0], mk("zfolder", under)[0]},
	} {
		for _, noCache := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/NoPackageCache=%v", tc.name, noCache), func(t *testing.T) {
				s := newEnvSetup(t)
				req := s.request("linux-64")
				req.NoPackageCache = noCache
				req.Packages = []PackageFile{tc.first, tc.last}
				_, err := InstallEnv(t.Context(), req)
				var be *BundleError
				if !errors.As(err, &be) || ExitCode(err) != ExitBundle || !strings.Contains(err.Error(), "share/x") {
					t.Fatalf("install: %v (exit %d); want the bundle refused (exit 3), naming share/x", err, ExitCode(err))
				}
				if _, err := os.Stat(s.prefix); err == nil {
					t.Error("the refused install left its prefix")
				}
			})
		}
	}
}

// A package built for another platform than the env's (a hand-made bundle
// listing an osx-arm64 package for linux-64) is refused, exit 3.
func TestPackageOfAnotherPlatformIsRefused(t *testing.T) {
	p, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "mac", Version: "1", Build: "0", Subdir: "osx-arm64",
		Files: []condatest.File{{Path: "bin/mac", Data: []byte("\xcf\xfa\xed\xfe")}}})
	if err != nil {
		t.Fatal(err)
	}
	s := newEnvSetup(t)
	req := s.request("linux-64")
	req.Packages = []PackageFile{{Path: p}}
	if _, err := InstallEnv(t.Context(), req); ExitCode(err) != ExitBundle || !strings.Contains(err.Error(), "built for osx-arm64") {
		t.Fatalf("install: %v; want the package refused, exit 3", err)
	}
}

// Two packages that conflict through a folder symlink are refused as the
// bundle's fault (exit 3), naming both, as the other package conflicts
// are: a symlink to a file with another package's files under it, and one
// file at two paths (lib/libfoo.so, and lib64/libfoo.so through lib64 ->
// lib). They failed with exit 1 and "tell whoever made the bundle", and
// the second named neither package.
func TestPackagesConflictingThroughAFolderSymlink(t *testing.T) {
	mk := genericPackages(t)
	for _, tc := range []struct {
		name string
		pkgs []PackageFile
		want []string
	}{
		{"a symlink to a file", append(mk("alink", condatest.File{Path: "share/t", Data: []byte("t\n")}, condatest.File{Path: "share/d", Symlink: "t"}),
			mk("bfiles", condatest.File{Path: "share/d/x", Data: []byte("x\n")})...), []string{"alink", "share/"}},
		{"a symlink to a file, its files first", append(mk("afiles", condatest.File{Path: "share/d/x", Data: []byte("x\n")}),
			mk("blink", condatest.File{Path: "share/t", Data: []byte("t\n")}, condatest.File{Path: "share/d", Symlink: "t"})...), []string{"blink", "share/"}},
		{"one file at two paths", append(append(mk("alib64", condatest.File{Path: "lib64", Symlink: "lib"}, condatest.File{Path: "lib/keep", Data: []byte("k\n")}),
			mk("blib", condatest.File{Path: "lib/libfoo.so", Data: []byte("b\n")})...), mk("clib64", condatest.File{Path: "lib64/libfoo.so", Data: []byte("c\n")})...),
			[]string{"blib", "clib64", "libfoo.so"}},
		// a link to the env's root holds every folder (audit P: exit 1)
		{"a link to the root", append(append(mk("aroot", condatest.File{Path: "share/b", Symlink: ".."}),
			mk("bunder", condatest.File{Path: "share/b/lib/foo", Data: []byte("b\n")})...), mk("clib", condatest.File{Path: "lib/foo", Data: []byte("c\n")})...),
			[]string{"aroot", "share/b"}},
	} {
		// with a package cache, and in one pass, where the files of the
		// extraction are in place before the links (audit P: exit 1,
		// "tell whoever made the bundle")
		for _, onePass := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, one pass %v", tc.name, onePass), func(t *testing.T) {
				s := newEnvSetup(t)
				req := s.request("linux-64")
				req.Packages, req.NoPackageCache = tc.pkgs, onePass
				_, err := InstallEnv(t.Context(), req)
				var be *BundleError
				if !errors.As(err, &be) || ExitCode(err) != ExitBundle {
					t.Fatalf("install: %v (exit %d); want the bundle refused, exit 3", err, ExitCode(err))
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("the refusal %q does not name %s", err, w)
					}
				}
			})
		}
	}
}

// Symlinks of one install that lead into conda's or onboard's folders only
// through each other (share/b -> .. and share/a -> b/conda-meta) are
// refused every time: they are made in parallel, and each was checked
// through the links already there, so the install was refused or not as
// share/b was made before share/a or after (audit P: 1 run in 4 left a
// link into conda-meta/). The same for two packages of one install.
func TestSymlinkChainsIntoReservedFoldersAreAlwaysRefused(t *testing.T) {
	mk := genericPackages(t)
	cases := map[string][]PackageFile{
		"one package": mk("a", condatest.File{Path: "share/b", Symlink: ".."}, condatest.File{Path: "share/a", Symlink: "b/conda-meta"}),
		"two packages": append(mk("c", condatest.File{Path: "share/d", Symlink: ".."}),
			mk("e", condatest.File{Path: "share/a", Symlink: "d/.onboard"})...),
	}
	for name, pkgs := range cases {
		t.Run(name, func(t *testing.T) {
			for i := 0; i < 8; i++ {
				s := newEnvSetup(t)
				err := s.installEnv(t)(pkgs)
				var ue *pkg.UnsafeEntryError
				if !errors.As(err, &ue) || ExitCode(err) != 3 || !strings.Contains(err.Error(), "share/a") {
					t.Fatalf("run %d: %v (exit %d); want an *pkg.UnsafeEntryError naming share/a, exit 3", i, err, ExitCode(err))
				}
				if _, err := os.Lstat(filepath.Join(s.prefix, "share", "a")); err == nil {
					t.Fatalf("run %d: the refused install left share/a", i)
				}
			}
		})
	}
}

// Symlinks that lead to each other (share/a -> b, share/b -> a) lead
// nowhere, and conda makes them as they are: so does the install, in
// either order of making them (audit V 2: exit 1, "EvalSymlinks: too many
// links", naming no package).
func TestSymlinkLoopIsMadeAsConda(t *testing.T) {
	mk := genericPackages(t)
	pkgs := mk("loop", condatest.File{Path: "share/ok", Data: []byte("fine\n")},
		condatest.File{Path: "share/a", Symlink: "b"}, condatest.File{Path: "share/b", Symlink: "a"})
	for i := 0; i < 4; i++ {
		s := newEnvSetup(t)
		if err := s.installEnv(t)(pkgs); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		for name, want := range map[string]string{"a": "b", "b": "a"} {
			if got, err := os.Readlink(filepath.Join(s.prefix, "share", name)); err != nil || got != want {
				t.Fatalf("run %d: share/%s -> %q, %v; want -> %s", i, name, got, err, want)
			}
		}
	}
}

// paths.json that lists a folder where the package holds a file is
// refused, exit 3, naming the path; the folder was made and the file's
// bytes dropped without a word, verify healthy (audit V 5; conda refuses
// every directory entry).
func TestFolderEntryOverAFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	p, err := condatest.WriteConda(dir, condatest.Spec{Name: "ptdf", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files:     []condatest.File{{Path: "share/a", Data: []byte("the file's bytes\n")}},
		InfoFiles: []condatest.File{{Path: "info/paths.json", Data: []byte(`{"paths": [{"_path": "share/a", "path_type": "directory"}], "paths_version": 1}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	s := newEnvSetup(t)
	err = s.installEnv(t)([]PackageFile{{Path: p}})
	if ExitCode(err) != 3 || err == nil || !strings.Contains(err.Error(), "lists share/a as a folder, but the package holds a file there") {
		t.Fatalf("install: %v (exit %d); want exit 3 naming share/a", err, ExitCode(err))
	}
	if _, err := os.Lstat(filepath.Join(s.prefix, "share", "a")); err == nil {
		t.Error("the refused install left share/a")
	}
}

// A chain of folder symlinks (conda-forge's sysroot layout: usr/lib64 ->
// ../lib64 and lib64 -> lib) with another package's files under the first
// (usr/lib64/libfoo.so): conda writes them through both links, into lib/,
// and so does onboard, whichever package links first. Before, lib64 was
// made a folder for the files, and its own link was then refused as a
// conflict (audit AB).
func TestFilesThroughAChainOfFolderSymlinks(t *testing.T) {
	mk := genericPackages(t)
	links := []condatest.File{{Path: "usr/lib64", Symlink: "../lib64"}, {Path: "lib64", Symlink: "lib"}, {Path: "lib/liba.so", Data: []byte("a\n")}}
	files := []condatest.File{{Path: "usr/lib64/libfoo.so", Data: []byte("foo\n")}}
	for _, name := range []string{"alink", "zlink"} { // linked before the files, and after
		t.Run(name, func(t *testing.T) {
			s := newEnvSetup(t)
			req := s.request("linux-64")
			req.Packages = []PackageFile{mk(name, links...)[0], mk("files", files...)[0]}
			if _, err := InstallEnv(t.Context(), req); err != nil {
				t.Fatalf("install: %v", err)
			}
			for p, want := range map[string]string{"usr/lib64": "../lib64", "lib64": "lib"} {
				if got, err := os.Readlink(filepath.Join(s.prefix, p)); err != nil || got != want {
					t.Errorf("%s is %q, %v; want the symlink to %s", p, got, err, want)
				}
			}
			for p, want := range map[string]string{"lib/libfoo.so": "foo\n", "lib/liba.so": "a\n", "usr/lib64/libfoo.so": "foo\n"} {
				if got, err := os.ReadFile(filepath.Join(s.prefix, p)); string(got) != want {
					t.Errorf("%s = %q, %v; want %q", p, got, err, want)
				}
			}
		})
	}
}

// A loop of links on a folder link's way (usr/x -> ../a, a -> b, b -> a,
// and usr/x/f.txt of another package) is refused as a loop, naming the
// package; before, resolving stopped at a and the error spoke of a file
// in the way (audit AD 4). Nothing is left.
func TestFolderLinkThroughALoopIsRefused(t *testing.T) {
	mk := genericPackages(t)
	s := newEnvSetup(t)
	req := s.request("linux-64")
	req.Packages = slices.Concat(mk("alink", condatest.File{Path: "usr/x", Symlink: "../a"}), mk("blink", condatest.File{Path: "a", Symlink: "b"}),
		mk("clink", condatest.File{Path: "b", Symlink: "a"}), mk("files", condatest.File{Path: "usr/x/f.txt", Data: []byte("f\n")}))
	_, err := InstallEnv(t.Context(), req)
	var ue *pkg.UnsafeEntryError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "loop") || !strings.Contains(err.Error(), "alink") || ExitCode(err) != ExitBundle {
		t.Fatalf("install: %v (exit %d); want alink's usr/x refused as leading through a loop, exit %d", err, ExitCode(err), ExitBundle)
	}
	if _, err := os.Lstat(s.prefix); !os.IsNotExist(err) {
		t.Errorf("the refused install left its prefix: %v", err)
	}
}

// A link on a folder link's way whose text goes up from a folder that is
// itself a link of the window (usr/lib64 -> ../x/lib64, x/lib64 ->
// ../lib, x -> y/z): the system reads x/lib64 from y/z, so the files
// under usr/lib64 are in y/lib, not lib, as conda writes them through
// the links (audit AD 5: the install failed, naming no package).
func TestFolderLinkReadsDotDotWhereALinkLeads(t *testing.T) {
	mk := genericPackages(t)
	s := newEnvSetup(t)
	req := s.request("linux-64")
	req.Packages = slices.Concat(mk("alink", condatest.File{Path: "usr/lib64", Symlink: "../x/lib64"}), mk("blink", condatest.File{Path: "x/lib64", Symlink: "../lib"}),
		mk("clink", condatest.File{Path: "x", Symlink: "y/z"}, condatest.File{Path: "y/z/keep.txt", Data: []byte("k\n")}),
		mk("files", condatest.File{Path: "usr/lib64/libfoo.so", Data: []byte("foo\n")}))
	if _, err := InstallEnv(t.Context(), req); err != nil {
		t.Fatalf("install: %v", err)
	}
	for p, want := range map[string]string{"usr/lib64/libfoo.so": "foo\n", "y/lib/libfoo.so": "foo\n", "x/keep.txt": "k\n"} {
		if got, err := os.ReadFile(filepath.Join(s.prefix, p)); string(got) != want {
			t.Errorf("%s = %q, %v; want %q", p, got, err, want)
		}
	}
}

// A chain of folder links counts against the system's one limit of 40
// links in a path, the link itself included: usr/x -> ../c1, c1 -> c2, …,
// cN -> lib with usr/x/f.txt of another package follows 1+N links, so 39
// links on are linked and 40 are refused, naming the package; the kernel
// failed the 40th with "too many levels of symbolic links", exit 1
// (audit AG).
func TestFolderLinkChainAgainstTheSystemsLimit(t *testing.T) {
	for _, n := range []int{39, 40} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			mk := genericPackages(t)
			s := newEnvSetup(t)
			req := s.request("linux-64")
			files := []condatest.File{{Path: "usr/x", Symlink: "../c1"}}
			for i := 1; i < n; i++ {
				files = append(files, condatest.File{Path: "c" + strconv.Itoa(i), Symlink: "c" + strconv.Itoa(i+1)})
			}
			files = append(files, condatest.File{Path: "c" + strconv.Itoa(n), Symlink: "lib"})
			req.Packages = slices.Concat(mk("chain", files...), mk("files", condatest.File{Path: "usr/x/f.txt", Data: []byte("f\n")}))
			_, err := InstallEnv(t.Context(), req)
			if n == 39 {
				if err != nil {
					t.Fatalf("a chain the system follows was refused: %v", err)
				}
				if got, err := os.ReadFile(filepath.Join(s.prefix, "lib", "f.txt")); string(got) != "f\n" {
					t.Fatalf("lib/f.txt = %q, %v; want the file written through the chain", got, err)
				}
				return
			}
			var ue *pkg.UnsafeEntryError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), "chain") || ExitCode(err) != ExitBundle {
				t.Fatalf("install: %v (exit %d); want the chain's usr/x refused, exit %d", err, ExitCode(err), ExitBundle)
			}
		})
	}
}

// A folder link read through a link an earlier window made (x -> y/z in
// one window, x/lib64 -> ../lib and x/lib64/sub/libfoo.so in a later
// one): the system reads x/lib64 from y/z, so the files are in y/lib, as
// when one window holds all three (audit AG: they were moved to lib/, and
// the write through the link failed, naming no package).
func TestFolderLinkThroughAnEarlierWindowsLink(t *testing.T) {
	old := windowPaths
	windowPaths = 2
	t.Cleanup(func() { windowPaths = old })
	mk := genericPackages(t)
	s := newEnvSetup(t)
	req := s.request("linux-64")
	req.Packages = slices.Concat(
		mk("aclink", condatest.File{Path: "x", Symlink: "y/z"}, condatest.File{Path: "y/z/keep.txt", Data: []byte("k\n")}),
		mk("blink", condatest.File{Path: "x/lib64", Symlink: "../lib"}),
		mk("files", condatest.File{Path: "x/lib64/sub/libfoo.so", Data: []byte("foo\n")}))
	if _, err := InstallEnv(t.Context(), req); err != nil {
		t.Fatalf("install: %v", err)
	}
	for p, want := range map[string]string{"x/lib64/sub/libfoo.so": "foo\n", "y/lib/sub/libfoo.so": "foo\n", "x/keep.txt": "k\n"} {
		if got, err := os.ReadFile(filepath.Join(s.prefix, p)); string(got) != want {
			t.Errorf("%s = %q, %v; want %q", p, got, err, want)
		}
	}
	if _, err := os.Lstat(filepath.Join(s.prefix, "lib", "sub")); err == nil {
		t.Error("lib/sub was made: the files went where a lexical read of x/lib64 -> ../lib leads")
	}
}

// A folder link that reaches the env's root through another link (L -> s
// and s -> ., or d/s -> ..) is refused as leading there, as L -> . is
// (audit AG: the root was not read through the link, and the refusal was
// a conflict's).
func TestFolderLinkToTheRootThroughALink(t *testing.T) {
	for name, files := range map[string][]condatest.File{
		"s->.":    {{Path: "L", Symlink: "s"}, {Path: "s", Symlink: "."}},
		"d/s->..": {{Path: "L", Symlink: "d/s"}, {Path: "d/s", Symlink: ".."}},
	} {
		t.Run(name, func(t *testing.T) {
			mk := genericPackages(t)
			s := newEnvSetup(t)
			req := s.request("linux-64")
			req.Packages = slices.Concat(mk("rootlink", files...), mk("files", condatest.File{Path: "L/f.txt", Data: []byte("f\n")}))
			_, err := InstallEnv(t.Context(), req)
			var ue *pkg.UnsafeEntryError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), "environment's root") || ExitCode(err) != ExitBundle {
				t.Fatalf("install: %v (exit %d); want rootlink's L refused as leading to the environment's root", err, ExitCode(err))
			}
			// two packages that conflict: a fresh copy of the installer
			// is the same, and the hint said to download it (audit AR 1)
			if h := HintFor(err); !strings.Contains(h, "whose packages do not conflict") || strings.Contains(h, "download") {
				t.Errorf("hint %q; want the bundle's packages named as conflicting", h)
			}
		})
	}
}

// A package refused as it was built (its sha256 is the manifest's) is the
// bundle's fault that a fresh download repeats: the hint says to ask for
// another bundle, not to download the installer again, which stays the
// hint for a damaged copy (audit AS 4).
func TestAPackageRefusedAsBuiltIsNoDownloadFault(t *testing.T) {
	sp := condatest.Spec{Name: "twice", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/ok.txt", Data: []byte("ok\n")}}}
	info, err := condatest.InfoMembers(sp)
	if err != nil {
		t.Fatal(err)
	}
	p, err := condatest.WriteRawConda(t.TempDir(), sp.Stem(), []condatest.Member{
		{Name: "share/ok.txt", Data: []byte("ok\n")}, {Name: "share/ok.txt", Data: []byte("OK\n")}}, info)
	if err != nil {
		t.Fatal(err)
	}
	sum, _, size, err := pkg.HashFile(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, sha, want, not string
	}{
		{"as built", sum, "ask the platform team for a bundle without it", "download the installer again"},
		{"a damaged copy", strings.Repeat("0", 64), "download the installer again", "bundle without it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newEnvSetup(t)
			req := s.request("linux-64")
			req.Packages = []PackageFile{{Path: p, SHA256: tc.sha, Size: size}}
			_, err := InstallEnv(t.Context(), req)
			var be *BundleError
			if !errors.As(err, &be) || ExitCode(err) != ExitBundle {
				t.Fatalf("install: %v (exit %d); want the bundle refused, exit 3", err, ExitCode(err))
			}
			if h := HintFor(err); !strings.Contains(h, tc.want) || strings.Contains(h, tc.not) {
				t.Errorf("the hint of %q is %q; want %q, not %q", err, h, tc.want, tc.not)
			}
			if _, err := os.Lstat(s.prefix); !os.IsNotExist(err) {
				t.Errorf("the refused install left %s", s.prefix)
			}
		})
	}
}

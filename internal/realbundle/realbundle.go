// Package realbundle builds a real test bundle from Debian's own Python 3.11
// and Jupyter Notebook: a `python` package (linux-64) with the files of
// python3.11, python3.11-minimal, libpython3.11-minimal and
// libpython3.11-stdlib mapped from /usr into the prefix, and a
// `noarch: python` package of each Debian package of Jupyter Notebook,
// ipykernel, nbconvert and every python3-* package they depend on, named
// after the Python distribution it holds (so conda's pip interop ties each
// *.dist-info or *.egg-info folder to its record and lists no pip package),
// its Debian dependencies as depends, its console scripts as entry points
// in info/link.json, and ipykernel's with a kernelspec that carries the
// prefix placeholder. Where ../shared/fixtures/conda-source is found, the
// base env also gets a real `conda` (noarch: python: conda's own source,
// the `conda` entry point, condabin/conda and etc/profile.d/conda.sh), the
// Debian libraries it imports as packages of their own, and the bundle's
// [condarc] the settings that source's SOURCES.md asks for. It writes the
// packages, @EXPLICIT locks and a bundle spec, so `onboard bundle build`
// builds the bundle itself.
//
// The python package sets python_site_packages_path (CEP 17) to
// lib/python3/dist-packages, the folder Debian's site.py puts on sys.path.
//
// The output is the same bytes for the same inputs (the installed Debian
// package versions and Recipe), and it is cached under a key of those
// inputs: a second Build with the same packages returns at once.
//
// It is build and test support (make realbundle, the end-to-end tests, make
// run, make bench), not part of the installer.
package realbundle

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"onboard/internal/condatest"
)

// Recipe versions the mapping below: change it when the output changes for
// the same Debian packages, so that caches are rebuilt.
const Recipe = "realbundle-10"

// Subdir is the only platform the bundle has: Debian's binaries are linux-64.
const Subdir = "linux-64"

// FrozenMessage is what conda shows when asked to change the bundle's
// base, which it freezes (CEP 22).
const FrozenMessage = "The base environment is managed by onboard. Make an environment of your own: conda create -n NAME"

// JupyterEnv is the env of the bundle that holds Jupyter.
const JupyterEnv = "team"

// Result says where Build put things.
type Result struct {
	Dir    string // Root/<key>: pkgs/, locks/, bundle.toml, LICENSE.txt
	Spec   string // Dir/bundle.toml, for `onboard bundle build`
	Cached bool   // Dir was there already
	// Conda tells whether the base has conda: false when no
	// conda-source was found (CondaSourceHint says where it is looked for).
	Conda bool
}

// Build writes the packages, locks and spec into root/<key of the inputs>,
// or returns that folder when an earlier Build made it.
func Build(ctx context.Context, root string) (*Result, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	pyDebs := make([]*deb, 0, len(PythonDebs))
	for _, n := range PythonDebs {
		d, err := query(n)
		if err != nil {
			return nil, err
		}
		pyDebs = append(pyDebs, d)
	}
	stack, err := closure(JupyterRoots, nil)
	if err != nil {
		return nil, err
	}
	cs := findCondaSource()
	var condaDebs []*deb
	if cs != nil {
		if condaDebs, err = closure(CondaRoots, condaReplaced); err != nil {
			return nil, err
		}
	}
	key := inputKey(pyDebs, append(append([]*deb{}, stack...), condaDebs...), cs)
	res := &Result{Dir: filepath.Join(root, key), Conda: cs != nil}
	res.Spec = filepath.Join(res.Dir, "bundle.toml")
	if _, err := os.Stat(res.Spec); err == nil {
		res.Cached = true
		return res, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("failed to create the real bundle cache %s: %w", root, err)
	}
	tmp := filepath.Join(root, ".tmp-"+randomHex())
	defer os.RemoveAll(tmp)
	if err := write(ctx, tmp, pyDebs, stack, cs, condaDebs); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, res.Dir); err != nil {
		if _, serr := os.Stat(res.Spec); serr == nil { // another process made it first
			res.Cached = true
			return res, nil
		}
		return nil, fmt.Errorf("failed to move the real bundle into %s: %w", res.Dir, err)
	}
	return res, nil
}

// DefaultRoot is the shared cache of built real bundles:
// <user cache>/onboard/realbundle.
func DefaultRoot() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("failed to find the user cache folder for the real bundle: %w", err)
	}
	return filepath.Join(d, "onboard", "realbundle"), nil
}

func inputKey(pyDebs, stack []*deb, cs *condaSource) string {
	h := sha256.New()
	fmt.Fprintln(h, Recipe)
	for _, d := range append(append([]*deb{}, pyDebs...), stack...) {
		fmt.Fprintf(h, "%s=%s\n", d.Name, d.Version)
	}
	if cs != nil {
		fmt.Fprintf(h, "conda-source=%s\n", cs.hash)
		fmt.Fprint(h, condaInitScript)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// write makes everything in dir.
func write(ctx context.Context, dir string, pyDebs, stack []*deb, cs *condaSource, condaDebs []*deb) error {
	py, err := pythonSpec(pyDebs)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	team, err := stackSpecs(stack)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, d := range []string{Subdir, "noarch"} {
		if err := os.MkdirAll(filepath.Join(dir, "pkgs", d), 0o755); err != nil {
			return err
		}
	}
	pyPath, err := condatest.WriteConda(filepath.Join(dir, "pkgs", Subdir), py)
	if err != nil {
		return fmt.Errorf("failed to write the python package: %w", err)
	}
	teamPaths, err := writeNoarch(dir, team...)
	if err != nil {
		return err
	}
	base := []string{pyPath}
	condarc := ""
	if cs != nil {
		deps, err := splitDebs(condaDebs, sitePackages, "python >=3.9")
		if err != nil {
			return err
		}
		cp, err := condaSpec(cs, deps.CondaNames(CondaRoots...))
		if err != nil {
			return err
		}
		specs := append(append([]condatest.Spec{}, deps.Specs...), cp)
		if err := noClash(specs); err != nil {
			return err
		}
		paths, err := writeNoarch(dir, specs...)
		if err != nil {
			return err
		}
		base = append(base, paths...)
		// what conda-source/SOURCES.md says conda needs here, and no pip in
		// python's depends, which conda adds on a solver install (G10) and
		// the bundle does not have: conda create -n NAME python failed
		condarc = "\n[condarc]\noffline = true\nsolver = \"classic\"\nrepodata_use_zst = false\nrepodata_use_shards = false\nadd_pip_as_python_dependency = false\n"
	}
	if err := writeLock(dir, "base", base...); err != nil {
		return err
	}
	if err := writeLock(dir, JupyterEnv, append([]string{pyPath}, teamPaths...)...); err != nil {
		return err
	}
	var lic strings.Builder
	lic.WriteString("onboard's real test bundle: Debian's own Python and Jupyter, repackaged for tests.\n" +
		"Each part keeps its Debian licence; see /usr/share/doc/<package>/copyright on a Debian system.\n\nDebian packages:\n")
	for _, d := range append(append(append([]*deb{}, pyDebs...), stack...), condaDebs...) {
		fmt.Fprintf(&lic, "  %s %s\n", d.Name, d.Version)
	}
	if cs != nil {
		lic.WriteString("\nconda and the import packages of ../shared/fixtures/conda-source (see its SOURCES.md and licenses/).\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "LICENSE.txt"), []byte(lic.String()), 0o644); err != nil {
		return err
	}
	spec := `name = "Debian Python and Jupyter (test bundle)"
id = "org.onboard.debian-jupyter"
version = "2026.12.0"
license = "LICENSE.txt"
created = "2026-12-01T00:00:00Z"

[platforms.linux-64]
base = "locks/base-linux-64.txt"
envs = { ` + JupyterEnv + ` = "locks/` + JupyterEnv + `-linux-64.txt" }

[[launchers]]
name = "Jupyter Notebook"
env = "` + JupyterEnv + `"
command = ["jupyter", "notebook"]

[frozen]
base = "` + FrozenMessage + `"
` + condarc
	return os.WriteFile(filepath.Join(dir, "bundle.toml"), []byte(spec), 0o644)
}

func writeLock(dir, env string, archives ...string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# platform: %s\n@EXPLICIT\n", Subdir)
	for _, a := range archives {
		data, err := os.ReadFile(a)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		rel, _ := filepath.Rel(filepath.Join(dir, "locks"), a)
		fmt.Fprintf(&b, "%s#%s\n", filepath.ToSlash(rel), hex.EncodeToString(sum[:]))
	}
	if err := os.MkdirAll(filepath.Join(dir, "locks"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "locks", env+"-"+Subdir+".txt"), []byte(b.String()), 0o644)
}

var buildRe = regexp.MustCompile(`[^A-Za-z0-9_.]+`)

// upstream splits a Debian version into upstream and revision.
func upstream(v string) (string, string) {
	if _, rest, ok := strings.Cut(v, ":"); ok {
		v = rest
	}
	i := strings.LastIndex(v, "-")
	if i < 0 {
		return v, "0"
	}
	return v[:i], v[i+1:]
}

// sitePackagesPath is the python package's site-packages, where Debian's
// site.py looks: noarch packages, conda's among them, go there.
const sitePackagesPath = "lib/python3/dist-packages"

// pythonSpec maps Debian's interpreter into bin/ and lib/python3.11/.
func pythonSpec(debs []*deb) (condatest.Spec, error) {
	up, rev := upstream(debs[0].Version)
	s := condatest.Spec{Name: "python", Version: up, Build: "debian_" + buildRe.ReplaceAllString(rev, "_"),
		Subdir: Subdir, License: "PSF-2.0", PythonSitePackagesPath: sitePackagesPath,
		// as conda-forge's python has it (its sysroot's run export): the
		// install checks it, and so do conda doctor and conda's solver
		Depends: []string{"__glibc >=2.17,<3.0.a0"}}
	c := newCollector(func(p string) (string, bool) {
		if p == "/usr/bin/python3.11" {
			return "bin/python3.11", true
		}
		if rest, ok := strings.CutPrefix(p, "/usr/lib/python3.11/"); ok {
			return "lib/python3.11/" + rest, true
		}
		return "", false
	})
	if err := c.addDebs(debs); err != nil {
		return s, err
	}
	c.out["bin/python3"] = condatest.File{Path: "bin/python3", Symlink: "python3.11"}
	c.out["bin/python"] = condatest.File{Path: "bin/python", Symlink: "python3.11"}
	s.Files = c.files()
	return s, nil
}

// skipped are package paths left out: MathJax (54 MB of fonts; the
// notebook runs without it) and tests.
func skipped(rel string) bool {
	return rel == "site-packages/notebook/static/components/MathJax" ||
		strings.Contains(rel, "/tests/") || strings.HasSuffix(rel, "/tests")
}

// collector gathers the files of Debian packages under a mapping.
type collector struct {
	mapPath func(abs string) (string, bool)
	owned   map[string]bool // every path the packages installed
	out     map[string]condatest.File
}

func newCollector(m func(string) (string, bool)) *collector {
	return &collector{mapPath: m, owned: map[string]bool{}, out: map[string]condatest.File{}}
}

func (c *collector) addDebs(debs []*deb) error {
	var all []string
	for _, d := range debs {
		list, err := files(d.Name)
		if err != nil {
			return err
		}
		all = append(all, list...)
	}
	for _, p := range all {
		c.owned[p] = true
	}
	return c.addPaths(all)
}

// addPaths takes the files of paths (Debian packages' paths) that the
// mapping keeps.
func (c *collector) addPaths(all []string) error {
	all = append([]string{}, all...)
	sort.Strings(all)
	for _, p := range all {
		rel, ok := c.mapPath(p)
		if !ok || skipped(rel) {
			continue
		}
		if err := c.add(p, rel, 0); err != nil {
			return err
		}
	}
	return nil
}

// add takes the file at abs as package path rel. A symlink stays a symlink
// when its target is a path of the same packages under the same top
// folder; otherwise what it points at is copied in.
func (c *collector) add(abs, rel string, depth int) error {
	if depth > 8 {
		return fmt.Errorf("%s: too many levels of symbolic links", abs)
	}
	if _, done := c.out[rel]; done {
		return nil
	}
	fi, err := os.Lstat(abs)
	if err != nil {
		return nil // dpkg lists a file that is gone (a diversion, a conffile removed)
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(abs)
		if err != nil {
			return err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(abs), target)
		}
		target = filepath.Clean(target)
		if trel, ok := c.mapPath(target); ok && c.owned[target] && top(trel) == top(rel) && !skipped(trel) {
			link, err := filepath.Rel(path.Dir(rel), trel)
			if err != nil {
				return err
			}
			c.out[rel] = condatest.File{Path: rel, Symlink: filepath.ToSlash(link)}
			return nil
		}
		return c.deref(target, rel, depth+1)
	case fi.IsDir():
		return nil // its files are listed on their own
	case fi.Mode().IsRegular():
		return c.addFile(abs, rel, fi)
	}
	return nil
}

// deref copies what abs points at (a file or a whole folder) to rel.
func (c *collector) deref(abs, rel string, depth int) error {
	fi, err := os.Stat(abs)
	if err != nil {
		return nil // a dangling link: leave it out
	}
	if !fi.IsDir() {
		return c.addFile(abs, rel, fi)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := c.deref(filepath.Join(abs, e.Name()), rel+"/"+e.Name(), depth+1); err != nil {
			return err
		}
		if depth > 30 {
			return fmt.Errorf("%s: folder too deep", abs)
		}
	}
	return nil
}

func (c *collector) addFile(abs, rel string, fi fs.FileInfo) error {
	data, err := os.ReadFile(abs)
	if err != nil {
		return fmt.Errorf("failed to read %s: %w", abs, err)
	}
	mode := int64(0o644)
	if fi.Mode()&0o111 != 0 {
		mode = 0o755
	}
	c.out[rel] = condatest.File{Path: rel, Data: data, Mode: mode}
	return nil
}

func top(rel string) string {
	t, _, _ := strings.Cut(rel, "/")
	return t
}

func (c *collector) files() []condatest.File {
	out := make([]condatest.File, 0, len(c.out))
	for _, f := range c.out {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// consoleScripts returns the console scripts of an entry_points.txt file,
// as "name = module:func", in the file's order.
func consoleScripts(data []byte) []string {
	var out []string
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		name, target, ok := strings.Cut(line, "=")
		if section != "console_scripts" || !ok {
			continue
		}
		name, target = strings.TrimSpace(name), strings.TrimSpace(target)
		if i := strings.Index(target, "["); i >= 0 { // extras
			target = strings.TrimSpace(target[:i])
		}
		if name != "" && strings.Contains(target, ":") {
			out = append(out, name+" = "+target)
		}
	}
	return out
}

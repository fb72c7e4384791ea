package realbundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"onboard/internal/condatest"
)

// condaSource is ../shared/fixtures/conda-source: conda's own pure-Python
// source and the import packages Debian lacks (see its SOURCES.md).
type condaSource struct {
	dir  string // .../conda-source
	hash string // of every file's path and bytes
}

// CondaSourceEnv names a conda-source folder to use instead of the one
// found above the working folder.
const CondaSourceEnv = "ONBOARD_CONDA_SOURCE"

// CondaSourceHint says where the conda-source is looked for.
const CondaSourceHint = "shared/fixtures/conda-source in the working folder or one above it, or the folder $" + CondaSourceEnv + " names"

// findCondaSource returns $ONBOARD_CONDA_SOURCE, else walks up from the
// working directory to shared/fixtures/conda-source; nil where it is
// absent (then the bundle has no conda).
func findCondaSource() *condaSource {
	if p := os.Getenv(CondaSourceEnv); p != "" {
		return condaSourceAt(p)
	}
	dir, err := os.Getwd()
	if err != nil {
		return nil
	}
	for {
		if cs := condaSourceAt(filepath.Join(dir, "shared", "fixtures", "conda-source")); cs != nil {
			return cs
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// condaSourceAt is the conda-source at p, or nil when p holds none.
func condaSourceAt(p string) *condaSource {
	st, err := os.Stat(filepath.Join(p, "site-packages", "conda"))
	if err != nil || !st.IsDir() {
		return nil
	}
	h, err := hashTree(filepath.Join(p, "site-packages"))
	if err != nil {
		return nil
	}
	return &condaSource{dir: p, hash: h}
}

func hashTree(root string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "__pycache__") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(h, "%s %x\n", filepath.ToSlash(rel), sum)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

var condaVersionRe = regexp.MustCompile(`__version__ = "([0-9][0-9A-Za-z.]*)`)

// condaSpec is the `conda` package of the base env: conda-source's
// site-packages, depending on deps (the conda packages of the Debian
// libraries it imports), and what `conda init` writes into the prefix
// (condaInitFiles): bin/conda and the shell's files, as conda-forge's conda
// package holds them, so that a later `conda init` changes none of them.
func condaSpec(cs *condaSource, deps []string) (condatest.Spec, error) {
	vb, err := os.ReadFile(filepath.Join(cs.dir, "site-packages", "conda", "_version.py"))
	if err != nil {
		return condatest.Spec{}, fmt.Errorf("failed to read conda's version: %w", err)
	}
	m := condaVersionRe.FindSubmatch(vb)
	if m == nil {
		return condatest.Spec{}, fmt.Errorf("no __version__ in %s", filepath.Join(cs.dir, "site-packages", "conda", "_version.py"))
	}
	depends := append([]string{"python >=3.9"}, deps...)
	h := sha256.New()
	fmt.Fprintln(h, cs.hash)
	fmt.Fprintln(h, strings.Join(depends, "\n"))
	fmt.Fprint(h, condaInitScript)
	s := condatest.Spec{Name: "conda", Version: string(m[1]), Build: "py_onboard_" + hex.EncodeToString(h.Sum(nil))[:8],
		Subdir: "noarch", Noarch: "python", Depends: depends, License: "BSD-3-Clause"}
	c := newCollector(sitePackages)
	site := filepath.Join(cs.dir, "site-packages")
	err = filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "__pycache__" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(site, p)
		return c.add(p, "site-packages/"+filepath.ToSlash(rel), 0)
	})
	if err != nil {
		return s, err
	}
	// what `conda init` writes into the prefix, as conda's own package
	// holds it (its build runs `conda init --install`): a later `conda init`
	// finds every file as it would write it, and changes none
	initFiles, err := condaInitFiles(cs)
	if err != nil {
		return s, err
	}
	for _, f := range initFiles {
		c.out[f.Path] = f
	}
	s.Files = c.files()
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	return s, nil
}

// condaInitScript runs conda's `conda init --install` plan (make_install_plan)
// for a prefix at the placeholder argv[2], writing each file under argv[3]
// instead: conda's own code, with sys.prefix and sys.executable as the
// prefix's conda has them (bin/conda runs bin/python), Python's version
// argv[4] for the site-packages conda init writes into, and conda's own
// folder in the prefix, argv[5], which conda.csh names.
const condaInitScript = `import os, sys, pathlib
sys.path.insert(0, sys.argv[1])
ph, out, ver, root = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
sys.prefix = ph
sys.executable = ph + "/bin/python"
from conda.core import initialize
initialize.CshActivator.hook_source_path = pathlib.Path(root, "shell", "etc", "profile.d", "conda.csh")
initialize._get_python_info = lambda p: (p + "/bin/python", ver, p + "/lib/python" + ver + "/site-packages")
for step in initialize.make_install_plan(ph):
    kw = dict(step["kwargs"])
    rel = os.path.relpath(kw["target_path"], ph)
    if rel.startswith(".."):
        sys.exit("conda init writes outside the prefix: " + kw["target_path"])
    kw["target_path"] = os.path.join(out, rel)
    getattr(initialize, step["function"])(**kw)
`

// condaInitFiles are the files `conda init` writes into a prefix whose
// base holds this conda and Debian's python3.11 (condaInitScript, run by
// Debian's python3 with the Debian packages conda imports): bin/conda and
// condabin/conda, bin/activate and deactivate, etc/profile.d/conda.sh and
// conda.csh, etc/fish/conf.d/conda.fish, shell/condabin/'s PowerShell
// module and xonsh's conda.xsh. Each names the placeholder it holds.
func condaInitFiles(cs *condaSource) ([]condatest.File, error) {
	const ph = condatest.DefaultPlaceholder
	out, err := os.MkdirTemp("", "onboard-conda-init-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(out)
	cmd := exec.Command("/usr/bin/python3", "-c", condaInitScript, filepath.Join(cs.dir, "site-packages"), ph, out, "3.11", ph+"/"+sitePackagesPath+"/conda")
	// nothing of the caller's conda: its variables change what conda writes
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + out, "LANG=C.UTF-8"}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("conda's init plan (Debian's python3 and %s) failed: %v\n%s", cs.dir, err, msg)
	}
	var files []condatest.File
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		f := condatest.File{Path: filepath.ToSlash(rel), Data: data, Mode: int64(info.Mode().Perm() | 0o644)}
		if bytes.Contains(data, []byte(ph)) {
			f.Placeholder = ph
		}
		files = append(files, f)
		return nil
	})
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("conda's init plan wrote no file")
	}
	return files, err
}

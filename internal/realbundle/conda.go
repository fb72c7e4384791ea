package realbundle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
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

// findCondaSource walks up from the working directory to
// shared/fixtures/conda-source; nil where it is absent (then the bundle has
// no conda).
func findCondaSource() *condaSource {
	dir, err := os.Getwd()
	if err != nil {
		return nil
	}
	for {
		p := filepath.Join(dir, "shared", "fixtures", "conda-source")
		if st, err := os.Stat(filepath.Join(p, "site-packages", "conda")); err == nil && st.IsDir() {
			h, err := hashTree(filepath.Join(p, "site-packages"))
			if err != nil {
				return nil
			}
			return &condaSource{dir: p, hash: h}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
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
// libraries it imports), the `conda` entry point, and what a Miniconda base
// has for the shell: condabin/conda (as `conda init` writes it),
// etc/profile.d/conda.sh (conda's own, after the CONDA_EXE lines that
// conda's installer prepends), and bin/activate and bin/deactivate.
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
	s := condatest.Spec{Name: "conda", Version: string(m[1]), Build: "py_onboard_" + hex.EncodeToString(h.Sum(nil))[:8],
		Subdir: "noarch", Noarch: "python", Depends: depends, License: "BSD-3-Clause",
		EntryPoints: []string{"conda = conda.cli:main"}}
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
	const ph = condatest.DefaultPlaceholder
	c.out["condabin/conda"] = condatest.File{Path: "condabin/conda", Mode: 0o755, Placeholder: ph, Data: []byte(
		// conda's own form (make_entry_point) for a prefix that may hold
		// spaces: a file that is both a sh script and Python
		strings.ReplaceAll(condabinConda, "PREFIX", ph))}
	sh, err := os.ReadFile(filepath.Join(site, "conda", "shell", "etc", "profile.d", "conda.sh"))
	if err != nil {
		return s, fmt.Errorf("failed to read conda's conda.sh: %w", err)
	}
	c.out["etc/profile.d/conda.sh"] = condatest.File{Path: "etc/profile.d/conda.sh", Placeholder: ph, Data: append([]byte(
		"export CONDA_EXE='"+ph+"/bin/conda'\nexport _CE_M=''\nexport _CE_CONDA=''\nexport CONDA_PYTHON_EXE='"+ph+"/bin/python'\n\n"), sh...)}
	// bin/activate and bin/deactivate, as conda's installer writes them:
	// its shell scripts with the root they source conda.sh from (`source
	// PREFIX/bin/activate team` is the form many guides give)
	for _, name := range []string{"activate", "deactivate"} {
		b, err := os.ReadFile(filepath.Join(site, "conda", "shell", "bin", name))
		if err != nil {
			return s, fmt.Errorf("failed to read conda's %s: %w", name, err)
		}
		c.out["bin/"+name] = condatest.File{Path: "bin/" + name, Mode: 0o755, Placeholder: ph,
			Data: append([]byte("#!/bin/sh\n_CONDA_ROOT=\""+ph+"\"\n"), b...)}
	}
	s.Files = c.files()
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	return s, nil
}

// condabinConda is condabin/conda as `conda init` writes it (PREFIX is
// replaced by the placeholder).
const condabinConda = `#!/bin/sh
'''exec' "PREFIX/bin/python3.11" "$0" "$@"
' '''
# -*- coding: utf-8 -*-
import sys
# Before any more imports, leave cwd out of sys.path for internal 'conda shell.*' commands.
# see https://github.com/conda/conda/issues/6549
if len(sys.argv) > 1 and sys.argv[1].startswith('shell.') and sys.path and sys.path[0] == '':
    # The standard first entry in sys.path is an empty string,
    # and os.path.abspath('') expands to os.getcwd().
    del sys.path[0]

if __name__ == '__main__':
    from conda.cli import main
    sys.exit(main())
`

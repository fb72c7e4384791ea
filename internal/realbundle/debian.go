package realbundle

import (
	"bytes"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"sync"
)

// PythonDebs are the Debian packages whose files make the python package.
var PythonDebs = []string{"python3.11", "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib"}

// JupyterRoots are the Debian packages the Jupyter stack starts from; the
// stack is them and every python3-*/jupyter* package they depend on.
var JupyterRoots = []string{"jupyter-notebook", "python3-notebook", "python3-ipykernel", "python3-nbconvert", "jupyter-core"}

// CondaRoots are the Debian packages that give conda what
// ../shared/fixtures/conda-source lacks (its SOURCES.md).
var CondaRoots = []string{"python3-ruamel.yaml", "python3-ruamel.yaml.clib", "python3-requests", "python3-urllib3",
	"python3-idna", "python3-certifi", "python3-chardet", "python3-charset-normalizer", "python3-pycosat", "python3-tqdm",
	"python3-packaging", "python3-boltons", "python3-platformdirs", "python3-distro", "python3-zstandard", "python3-setuptools",
	// conda 26.7 reads sharded repodata by default, with msgpack (conda search crashed without it)
	"python3-msgpack"}

// condaReplaced are Debian packages too old for conda; conda-source has
// newer copies.
var condaReplaced = map[string]bool{"python3-pluggy": true, "python3-frozendict": true, "python3-conda-package-streaming": true}

// Debs is every Debian package the builder reads, for the Makefile's
// scripts/need-debs.sh (`go run ./internal/realbundle/cmd -debs`).
func Debs() []string {
	return append(append(append([]string{}, PythonDebs...), JupyterRoots...), CondaRoots...)
}

// deb is one installed Debian package.
type deb struct {
	Name, Version string
	Depends       string // Depends and Pre-Depends, as dpkg prints them
}

// MissingError names the Debian packages that are not installed.
type MissingError struct{ Packages []string }

func (e *MissingError) Error() string {
	return fmt.Sprintf("the real test bundle is built from Debian packages that are not installed: %s", strings.Join(e.Packages, " "))
}

// Hint says what to do.
func (e *MissingError) Hint() string {
	return "run 'make realbundle' (as root it installs them), or: apt-get install --no-install-recommends " + strings.Join(e.Packages, " ")
}

// Available tells whether every package of Debs is installed here.
func Available() error {
	var missing []string
	for _, p := range Debs() {
		if _, err := query(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return &MissingError{Packages: missing}
	}
	return nil
}

var (
	dbOnce sync.Once
	db     map[string]*deb
	dbErr  error
)

// query reads one installed package (from one dpkg-query of them all).
func query(name string) (*deb, error) {
	dbOnce.Do(func() {
		out, err := exec.Command("dpkg-query", "-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\t${Provides}\t${Depends}, ${Pre-Depends}\n").Output()
		if err != nil {
			dbErr = fmt.Errorf("dpkg-query: %w", err)
			return
		}
		db, provider = map[string]*deb{}, map[string]string{}
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.SplitN(line, "\t", 5)
			// one line per architecture; the first installed one counts
			if len(f) == 5 && strings.HasPrefix(f[0], "ii") && db[f[1]] == nil {
				db[f[1]] = &deb{Name: f[1], Version: f[2], Depends: f[4]}
				for _, v := range depNamesOf(f[3]) {
					if provider[v] == "" {
						provider[v] = f[1]
					}
				}
			}
		}
	})
	if dbErr != nil {
		return nil, dbErr
	}
	if d := db[name]; d != nil {
		return d, nil
	}
	if d := db[provider[name]]; d != nil {
		// a virtual package (python3-argon2 depends on cffi's backend
		// API, which python3-cffi-backend provides): its provider
		return d, nil
	}
	return nil, fmt.Errorf("%s is not installed", name)
}

// provider is, for a virtual package, the installed package that
// provides it (dpkg's Provides).
var provider map[string]string

// files lists the paths a package installed (dpkg-query -L), directories
// included.
func files(name string) ([]string, error) {
	out, err := exec.Command("dpkg-query", "-L", name).Output()
	if err != nil {
		return nil, fmt.Errorf("dpkg-query -L %s: %w", name, err)
	}
	var list []string
	for _, l := range bytes.Split(out, []byte("\n")) {
		if s := string(bytes.TrimSpace(l)); strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "package diverts") {
			list = append(list, s)
		}
	}
	return list, nil
}

// depNames returns the installed packages a Depends field names: of each
// alternative group the first one installed; version constraints and
// architecture qualifiers dropped.
func depNames(field string) []string {
	var out []string
	for _, group := range strings.Split(field, ",") {
		for _, name := range depNamesOf(group) {
			if d, err := query(name); err == nil {
				out = append(out, d.Name) // a virtual package's provider
				break
			}
		}
	}
	return out
}

// depNamesOf are the package names of a Depends or Provides list, or of
// one group's alternatives, without versions or architectures.
func depNamesOf(field string) []string {
	var out []string
	for _, alt := range strings.FieldsFunc(field, func(r rune) bool { return r == ',' || r == '|' }) {
		name := strings.TrimSpace(alt)
		if i := strings.IndexAny(name, " ("); i >= 0 {
			name = name[:i]
		}
		name, _, _ = strings.Cut(name, ":")
		if name != "" {
			out = append(out, name)
		}
	}
	return out
}

// inStack tells whether a Debian package belongs in the Jupyter stack:
// Python libraries and Jupyter's own packages, not the interpreter.
func inStack(name string) bool {
	switch {
	case name == "python3" || name == "python3-minimal" || strings.HasPrefix(name, "python3.") ||
		strings.HasPrefix(name, "libpython3") || name == "python3-distutils" || name == "python3-lib2to3":
		return false
	case strings.HasPrefix(name, "python3-"), strings.HasPrefix(name, "jupyter"):
		return true
	}
	return false
}

// closure returns roots and every stack package they depend on, sorted;
// skip names packages to leave out.
func closure(roots []string, skip map[string]bool) ([]*deb, error) {
	seen := map[string]*deb{}
	queue := append([]string{}, roots...)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] != nil {
			continue
		}
		d, err := query(n)
		if err != nil {
			return nil, err
		}
		seen[n] = d
		for _, dep := range depNames(d.Depends) {
			if inStack(dep) && seen[dep] == nil && !skip[dep] {
				queue = append(queue, dep)
			}
		}
	}
	out := make([]*deb, 0, len(seen))
	for _, d := range seen {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

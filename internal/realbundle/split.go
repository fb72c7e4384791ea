package realbundle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"onboard/internal/condatest"
)

// distSet is a set of Debian Python packages, each repackaged as one
// `noarch: python` conda package.
//
// conda's pip interop (conda list, conda env export) ties a Python
// distribution's metadata folder (*.dist-info, *.egg-info) to the conda
// record that lists its anchor file, one per record, and takes every other
// one in site-packages for a package pip installed. So one Debian package
// makes one conda package, named after the one distribution it holds.
type distSet struct {
	Specs []condatest.Spec    // in the set's order; none for a Debian package with nothing to install
	names map[string][]string // Debian name -> the conda names it stands for
}

// CondaNames returns the conda names of Debian packages: each one's own,
// or, for one with nothing to install, those of its dependencies.
func (s *distSet) CondaNames(debs ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range debs {
		for _, n := range s.names[d] {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// anchorRe matches a package path inside a distribution's metadata folder
// (or an .egg-info file) at the top of site-packages.
var anchorRe = regexp.MustCompile(`^site-packages/([^/]+)\.(dist-info|egg-info)(/|$)`)

// versionRe is what a conda version may not hold (Debian's "~", for one).
var versionRe = regexp.MustCompile(`[^A-Za-z0-9._+!]+`)

// splitDebs makes the distSet of set (Debian packages, sorted by name)
// under mapPath; python is the spec every package depends on. A path two
// Debian packages map to stays with the first; a console script two
// entry_points.txt files name comes from the first in path order.
func splitDebs(set []*deb, mapPath func(string) (string, bool), python string) (*distSet, error) {
	owned := map[string]bool{}
	lists := map[string][]string{}
	for _, d := range set {
		l, err := files(d.Name)
		if err != nil {
			return nil, err
		}
		lists[d.Name] = l
		for _, p := range l {
			owned[p] = true
		}
	}
	parts := make([]*collector, len(set))
	where := map[string]bool{}
	for i, d := range set {
		c := &collector{mapPath: mapPath, owned: owned, out: map[string]condatest.File{}}
		if err := c.addPaths(lists[d.Name]); err != nil {
			return nil, err
		}
		for _, f := range c.files() {
			if where[f.Path] {
				delete(c.out, f.Path)
			}
			where[f.Path] = true
		}
		parts[i] = c
	}
	eps := assignEntryPoints(parts)
	ds := &distSet{names: map[string][]string{}}
	taken := map[string]string{}
	inSet := map[string]*deb{}
	for i, d := range set {
		inSet[d.Name] = d
		if len(parts[i].out) == 0 && len(eps[i]) == 0 {
			continue
		}
		name, err := condaName(d, parts[i].files())
		if err != nil {
			return nil, err
		}
		if other, dup := taken[name]; dup {
			return nil, fmt.Errorf("the Debian packages %s and %s would both be the conda package %s", other, d.Name, name)
		}
		taken[name] = d.Name
		ds.names[d.Name] = []string{name}
	}
	// a package with nothing to install stands for its dependencies
	var standsFor func(n string, seen map[string]bool) []string
	standsFor = func(n string, seen map[string]bool) []string {
		if got, ok := ds.names[n]; ok {
			return got
		}
		if seen[n] {
			return nil
		}
		seen[n] = true
		var out []string
		for _, dep := range depNames(inSet[n].Depends) {
			if inSet[dep] != nil {
				out = append(out, standsFor(dep, seen)...)
			}
		}
		return out
	}
	for _, d := range set {
		if _, ok := ds.names[d.Name]; !ok {
			ds.names[d.Name] = standsFor(d.Name, map[string]bool{})
		}
	}
	for i, d := range set {
		own := ds.names[d.Name]
		if len(parts[i].out) == 0 && len(eps[i]) == 0 {
			continue
		}
		var deps []string
		for _, dep := range depNames(d.Depends) {
			if inSet[dep] != nil {
				deps = append(deps, dep)
			}
		}
		depends := []string{python}
		for _, n := range ds.CondaNames(deps...) {
			if n != own[0] {
				depends = append(depends, n)
			}
		}
		up, _ := upstream(d.Version)
		h := sha256.New()
		fmt.Fprintf(h, "%s=%s\n%s\n", d.Name, d.Version, strings.Join(depends, "\n"))
		ds.Specs = append(ds.Specs, condatest.Spec{Name: own[0], Version: versionRe.ReplaceAllString(up, "_"),
			Build: "py_debian_" + hex.EncodeToString(h.Sum(nil))[:8], Subdir: "noarch", Noarch: "python",
			Depends: depends, License: "LicenseRef-Debian-" + d.Name, Files: parts[i].files(), EntryPoints: eps[i]})
	}
	return ds, nil
}

// assignEntryPoints gives each console script of the parts' top-level
// entry_points.txt files to the part whose file comes first in path order
// (Debian ships some as /usr/bin commands of other packages, such as
// jupyter-nbconvert), each part's sorted.
func assignEntryPoints(parts []*collector) [][]string {
	type epFile struct {
		path string
		part int
		data []byte
	}
	var all []epFile
	for i, c := range parts {
		for _, f := range c.out {
			if f.Symlink == "" && path.Base(f.Path) == "entry_points.txt" && strings.Count(f.Path, "/") == 2 {
				all = append(all, epFile{f.Path, i, f.Data})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].path < all[j].path })
	out := make([][]string, len(parts))
	won := map[string]bool{}
	for _, f := range all {
		for _, ep := range consoleScripts(f.data) {
			name, _, _ := strings.Cut(ep, " = ")
			if !won[name] {
				won[name] = true
				out[f.part] = append(out[f.part], ep)
			}
		}
	}
	for _, eps := range out {
		sort.Strings(eps)
	}
	return out
}

// condaName is the conda name of Debian package d with package files
// files: its distribution's name, lower case with "-" for "_" (as
// conda-forge spells most of them), or Debian's name without "python3-"
// where it holds no distribution. Two distributions are an error: conda
// would list one of them as a pip package.
func condaName(d *deb, files []condatest.File) (string, error) {
	dists := map[string]bool{}
	for _, f := range files {
		if m := anchorRe.FindStringSubmatch(f.Path); m != nil {
			dists[m[1]+"."+m[2]] = true
		}
	}
	switch len(dists) {
	case 0:
		return strings.TrimPrefix(d.Name, "python3-"), nil
	case 1:
		for dir := range dists {
			dist, _, _ := strings.Cut(dir, "-")
			dist = strings.TrimSuffix(strings.TrimSuffix(dist, ".dist-info"), ".egg-info")
			return strings.ReplaceAll(strings.ToLower(dist), "_", "-"), nil
		}
	}
	var list []string
	for dir := range dists {
		list = append(list, dir)
	}
	sort.Strings(list)
	return "", fmt.Errorf("the Debian package %s holds %d Python distributions (%s); conda would list all but one as pip packages",
		d.Name, len(list), strings.Join(list, ", "))
}

// sitePackages maps Debian's dist-packages into a noarch package's
// site-packages/.
func sitePackages(p string) (string, bool) {
	if rest, ok := strings.CutPrefix(p, "/usr/lib/python3/dist-packages/"); ok {
		return "site-packages/" + rest, true
	}
	return "", false
}

// stackSpecs are the packages of the Jupyter stack: dist-packages into
// site-packages/, share/jupyter and etc/jupyter as they are, console
// scripts as entry points, and ipykernel's kernelspec with the prefix
// placeholder.
func stackSpecs(stack []*deb) ([]condatest.Spec, error) {
	ds, err := splitDebs(stack, func(p string) (string, bool) {
		if rel, ok := sitePackages(p); ok {
			return rel, true
		}
		for from, to := range map[string]string{"/usr/share/jupyter/": "share/jupyter/", "/etc/jupyter/": "etc/jupyter/"} {
			if rest, ok := strings.CutPrefix(p, from); ok {
				return to + rest, true
			}
		}
		return "", false
	}, "python >=3.11,<3.12")
	if err != nil {
		return nil, err
	}
	kernel := map[string]any{
		"argv":         []string{condatest.DefaultPlaceholder + "/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"},
		"display_name": "Python 3 (ipykernel)", "language": "python", "metadata": map[string]any{"debugger": true},
	}
	kj, _ := json.MarshalIndent(kernel, "", " ")
	names := ds.CondaNames("python3-ipykernel")
	for i := range ds.Specs {
		if len(names) == 1 && ds.Specs[i].Name == names[0] {
			// in place of Debian's, which names /usr/bin/python3
			s := &ds.Specs[i]
			const kp = "share/jupyter/kernels/python3/kernel.json"
			files := []condatest.File{{Path: kp, Data: append(kj, '\n'), Placeholder: condatest.DefaultPlaceholder}}
			for _, f := range s.Files {
				if f.Path != kp {
					files = append(files, f)
				}
			}
			sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
			s.Files = files
			return ds.Specs, noClash(ds.Specs)
		}
	}
	return nil, fmt.Errorf("the Jupyter stack has no ipykernel package for the kernelspec (python3-ipykernel: %v)", names)
}

// noClash checks that no two packages of one env install one path (a
// file, or an entry point's bin/ script).
func noClash(specs []condatest.Spec) error {
	owner := map[string]string{}
	for _, s := range specs {
		paths := make([]string, 0, len(s.Files)+len(s.EntryPoints))
		for _, f := range s.Files {
			paths = append(paths, f.Path)
		}
		for _, ep := range s.EntryPoints {
			name, _, _ := strings.Cut(ep, " = ")
			paths = append(paths, "bin/"+name)
		}
		for _, p := range paths {
			if other, dup := owner[p]; dup {
				return fmt.Errorf("the packages %s and %s both install %s", other, s.Name, p)
			}
			owner[p] = s.Name
		}
	}
	return nil
}

// writeNoarch writes specs into dir/pkgs/noarch and returns their paths.
func writeNoarch(dir string, specs ...condatest.Spec) ([]string, error) {
	out := make([]string, 0, len(specs))
	for _, s := range specs {
		p, err := condatest.WriteConda(filepath.Join(dir, "pkgs", "noarch"), s)
		if err != nil {
			return nil, fmt.Errorf("failed to write the package %s: %w", s.Stem(), err)
		}
		out = append(out, p)
	}
	return out, nil
}

package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"onboard/installer/prefix"
	"onboard/installer/state"
)

// verifier holds the state of one Verify run.
type verifier struct {
	prefix string
	opts   VerifyOptions
	rep    Reporter
	logf   Logf
	report *Report
	checks []*pathCheck
}

// envInfo is one conda environment of the install.
type envInfo struct {
	name string // BaseEnv or the folder name under PREFIX/envs
	dir  string
}

func newVerifier(prefix string, opts VerifyOptions) *verifier {
	return &verifier{
		prefix: prefix, opts: opts,
		rep: ReporterOrNop(opts.Reporter), logf: LogfOrNop(opts.Logf),
		report: &Report{Prefix: prefix, Problems: []Problem{}},
	}
}

func (v *verifier) problem(p Problem) { v.report.Problems = append(v.report.Problems, p) }

func (v *verifier) note(format string, args ...any) {
	v.report.Notes = append(v.report.Notes, fmt.Sprintf(format, args...))
}

// run scans every env, hashes what it must, then checks what lies outside
// the envs (environments.txt, launchers).
func (v *verifier) run(ctx context.Context) error {
	man, err := state.ReadManifest(v.prefix)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		v.note("no %s: the package list was not checked against a bundle", state.Rel(state.ManifestName))
	case err != nil:
		v.problem(Problem{Env: BaseEnv, Path: state.Rel(state.ManifestName), Kind: ProblemUnreadableRecord, Detail: err.Error()})
	}
	if _, err := os.Stat(state.JournalPath(v.prefix)); err == nil {
		v.note("an interrupted install or repair left a journal: run 'onboard repair' to roll it back first")
	}
	envs := listEnvs(v.prefix, man)
	for _, e := range envs {
		v.report.Envs = append(v.report.Envs, e.name)
		if err := ctx.Err(); err != nil {
			return err
		}
		v.scanEnv(e, man)
	}
	if err := v.hashAll(ctx); err != nil {
		return err
	}
	v.checkEnvironmentsTxt(envs)
	if !v.opts.SkipLaunchers {
		v.checkLaunchers()
	}
	return nil
}

// listEnvs returns the base, then every PREFIX/envs/<name> that holds a
// conda-meta folder or that the manifest names, sorted by name.
func listEnvs(prefix string, man *state.Manifest) []envInfo {
	names := map[string]bool{}
	ents, _ := os.ReadDir(filepath.Join(prefix, "envs"))
	for _, e := range ents {
		if e.IsDir() && isDir(filepath.Join(prefix, "envs", e.Name(), "conda-meta")) {
			names[e.Name()] = true
		}
	}
	for n := range man.EnvDists() {
		if n != BaseEnv {
			names[n] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	out := []envInfo{{name: BaseEnv, dir: prefix}}
	for _, n := range sorted {
		out = append(out, envInfo{name: n, dir: filepath.Join(prefix, "envs", n)})
	}
	return out
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// scanEnv reads one env's records and queues a check for each recorded path.
func (v *verifier) scanEnv(e envInfo, man *state.Manifest) {
	if _, err := os.Stat(filepath.Join(e.dir, "conda-meta", "history")); err != nil {
		v.problem(Problem{Env: e.name, Path: "conda-meta/history", Kind: ProblemHistory,
			Detail: "conda does not treat the folder as an environment without it"})
	}
	recs, bad, err := readMetaRecords(e.dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		v.problem(Problem{Env: e.name, Path: "conda-meta", Kind: ProblemUnreadableRecord, Detail: err.Error()})
	}
	have := map[string]bool{}
	for _, b := range bad {
		have[b.Dist()] = true
		v.problem(Problem{Env: e.name, Package: b.Dist(), Path: "conda-meta/" + b.File,
			Kind: ProblemUnreadableRecord, Detail: b.Reason})
	}
	for _, r := range recs {
		have[r.Dist()] = true
	}
	if _, ours := man.EnvDists()[e.name]; man != nil && !ours && e.name != BaseEnv {
		v.note("environment %s is not from the bundle (made with conda after the install): its files were checked against its own conda-meta records", e.name)
	}
	removed := removedWithConda(e.dir)
	for _, dist := range man.EnvDists()[e.name] {
		if !have[dist] && removed[dist] {
			v.note("%s: %s was removed or replaced with conda after the install (conda-meta/history); that is the user's change, not damage", e.name, dist)
			continue
		}
		if !have[dist] {
			v.problem(Problem{Env: e.name, Package: dist, Path: "conda-meta/" + dist + ".json",
				Kind: ProblemMissingRecord, Detail: "the installed bundle has this package but conda-meta has no record of it"})
		}
	}
	v.report.Packages += len(recs)
	byPath := map[string]*pathCheck{}
	for _, r := range recs {
		v.queueRecord(e, r, byPath)
	}
}

// queueRecord adds the checks of one record; paths that several records
// own (clashes) share one check that passes when any owner is satisfied.
func (v *verifier) queueRecord(e envInfo, r *metaRecord, byPath map[string]*pathCheck) {
	pkgDir := v.extractedDir(r)
	realPath := realPathFunc(r)
	covered := map[string]bool{}
	add := func(rel string, x expect) {
		covered[rel] = true
		pc := byPath[rel]
		if pc == nil {
			pc = &pathCheck{env: e.name, rel: rel, abs: filepath.Join(e.dir, filepath.FromSlash(rel))}
			byPath[rel] = pc
			v.checks = append(v.checks, pc)
		}
		pc.owners = append(pc.owners, x)
	}
	for _, p := range r.PathsData.Paths {
		add(realPath(p.Path), newExpect(r, p, pkgDir))
	}
	for _, f := range r.Files {
		if covered[f] || strings.HasSuffix(f, ".pyc") || strings.HasSuffix(f, ".pyo") {
			continue
		}
		add(f, expect{dist: r.Dist(), kind: "", size: -1})
	}
}

// extractedDir returns the record's extracted package folder, or "" when
// it is gone (then link targets cannot be compared).
func (v *verifier) extractedDir(r *metaRecord) string {
	for _, d := range []string{r.ExtractedPackageDir, filepath.Join(v.prefix, "pkgs", r.Dist())} {
		if d != "" && isDir(d) {
			return d
		}
	}
	return ""
}

// newExpect turns a paths_data entry into what the file on disk must be.
func newExpect(r *metaRecord, p prefix.PathData, pkgDir string) expect {
	x := expect{dist: r.Dist(), kind: string(p.PathType), size: -1}
	if p.SizeInBytes != nil && p.PrefixPlaceholder == "" {
		x.size = *p.SizeInBytes // the original size: meaningless after a prefix rewrite
	}
	x.sha = p.SHA256InPrefix
	if x.sha == "" && p.PrefixPlaceholder == "" {
		x.sha = p.SHA256
	}
	if pkgDir != "" {
		x.pkgPaths = pkgCandidates(r, p.Path, pkgDir)
	}
	return x
}

// realPathFunc maps a paths_data _path to the path in the env. For
// noarch: python packages conda keeps the package-relative path
// (site-packages/..., python-scripts/...) in paths_data while files holds
// the real one (observations G8); conda doctor then checks nothing.
// files[i] is the on-disk path of paths_data.paths[i] (docs/engine.md), so
// the two lists are paired entry by entry, whatever the interpreter's
// python_site_packages_path. Only a record whose lists differ in length
// (written by something else) falls back to matching by the text of the
// path.
func realPathFunc(r *metaRecord) func(string) string {
	if !r.isNoarchPython() {
		return func(p string) string { return p }
	}
	if len(r.Files) == len(r.PathsData.Paths) {
		paired := make(map[string]string, len(r.Files))
		for i, p := range r.PathsData.Paths {
			paired[p.Path] = r.Files[i]
		}
		return func(p string) string {
			if f, ok := paired[p]; ok {
				return f
			}
			return p
		}
	}
	files := map[string]bool{}
	alias := map[string]string{}
	for _, f := range r.Files {
		files[f] = true
		if i := strings.Index(f, "site-packages/"); i >= 0 {
			alias["site-packages/"+f[i+len("site-packages/"):]] = f
		}
		for _, d := range []string{"bin/", "Scripts/"} {
			if rest, ok := strings.CutPrefix(f, d); ok {
				alias["python-scripts/"+rest] = f
			}
		}
	}
	return func(p string) string {
		if files[p] {
			return p
		}
		if a, ok := alias[p]; ok {
			return a
		}
		return p
	}
}

// pkgCandidates returns where a path may sit in the extracted package: the
// recorded _path, and for noarch: python also the un-remapped form.
func pkgCandidates(r *metaRecord, p, pkgDir string) []string {
	out := []string{filepath.Join(pkgDir, filepath.FromSlash(p))}
	if !r.isNoarchPython() {
		return out
	}
	if i := strings.Index(p, "site-packages/"); i > 0 {
		out = append(out, filepath.Join(pkgDir, "site-packages", filepath.FromSlash(p[i+len("site-packages/"):])))
	}
	for _, d := range []string{"bin/", "Scripts/"} {
		if rest, ok := strings.CutPrefix(p, d); ok {
			out = append(out, filepath.Join(pkgDir, "python-scripts", filepath.FromSlash(rest)))
		}
	}
	return out
}

// removedWithConda returns the dists that the env's conda-meta/history
// shows removed by a later command (conda remove, or an upgrade's "-" line)
// and not added back since. Verify does not call their missing records
// damage, and so repair does not put them back.
func removedWithConda(envDir string) map[string]bool {
	data, err := os.ReadFile(filepath.Join(envDir, "conda-meta", "history"))
	if err != nil {
		return nil
	}
	return prefix.RemovedByHistory(data)
}

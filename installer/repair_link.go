package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/rmtree"
	"onboard/platform"
)

// lockForMaintenance takes the prefix lock (see LockPrefix).
func lockForMaintenance(prefixDir string) (func(), error) {
	unlock, err := LockPrefix(prefixDir)
	if err != nil {
		return nil, err
	}
	return func() { unlock() }, nil
}

// relink links one extracted package into its env again, in its own
// journaled transaction: existing paths are moved aside (and put back if
// anything fails, or by Recover after a crash), the record is rewritten
// and the post-link script runs again. Paths another record of the env
// owns and that are healthy (a clash the other package won) are left.
func (rp *repairer) relink(ctx context.Context, t repairTarget, src *pkgSource, x *pkg.Extracted) error {
	env := rp.envDir(t.env)
	opts, err := rp.linkOptions(t.env)
	if err != nil {
		return err
	}
	j, err := prefix.Begin(state.Dir(rp.prefix), env, false)
	if err != nil {
		return err
	}
	if err := rp.relinkIn(ctx, j, t, src, x, opts); err != nil {
		if rerr := j.Rollback(); rerr != nil {
			return fmt.Errorf("%w (and the rollback failed: %v)", err, rerr)
		}
		return err
	}
	return j.Commit()
}

func (rp *repairer) relinkIn(ctx context.Context, j *prefix.Journal, t repairTarget, src *pkgSource, x *pkg.Extracted, opts *link.Options) error {
	env := opts.Prefix
	if err := j.TempDir(opts.TempDir); err != nil {
		return err
	}
	if err := os.MkdirAll(opts.TempDir, 0o755); err != nil {
		return fmt.Errorf("failed to create %q: %w", opts.TempDir, err)
	}
	defer rmtree.RemoveAll(opts.TempDir)
	plan, err := link.Prepare(ctx, x, opts)
	if err != nil {
		return err
	}
	plan.Archive = src.archive
	if src.scratch != "" {
		// Record where conda's cache would hold it, not the scratch copy.
		plan.ExtractedDir = src.recExtracted
		if plan.ExtractedDir == "" {
			plan.ExtractedDir = filepath.Join(rp.pkgsDir(), src.dist)
		}
	}
	rp.skipClashWinners(t, plan)
	rep := ReporterOrNop(rp.opts.Reporter)
	if err := link.Execute(ctx, []*link.Plan{plan}, opts, j, false, rep.Advance); err != nil {
		return err
	}
	if note := link.Compile(ctx, opts, plan.PycSources); note != "" {
		rp.logf("repair: %s: %s", t.dist, note)
	}
	recPath := filepath.Join(env, "conda-meta", t.dist+".json")
	requested := rp.requestedSpecs(t, x.Index.Name, recPath)
	if err := os.MkdirAll(filepath.Dir(recPath), 0o755); err != nil {
		return fmt.Errorf("failed to create %q: %w", filepath.Dir(recPath), err)
	}
	if err := j.Preserve(recPath); err != nil {
		return err
	}
	if _, err := prefix.WriteRecord(env, plan.Record(requested)); err != nil {
		return err
	}
	return rp.postLink(ctx, t, x, opts)
}

// postLink runs the package's post-link script again; a failure fails the
// re-link, as it fails an install.
func (rp *repairer) postLink(ctx context.Context, t repairTarget, x *pkg.Extracted, opts *link.Options) error {
	res, err := link.RunScript(ctx, link.Script{Action: "post-link", Prefix: opts.Prefix, RootPrefix: rp.prefix,
		Subdir: opts.Subdir, Name: x.Index.Name, Version: x.Index.Version, BuildNumber: x.Index.BuildNumber, Dist: t.dist})
	if err != nil {
		return err
	}
	if res.Skipped != "" {
		rp.logf("repair: %s", res.Skipped)
	}
	if res.Ran {
		rp.fixed(t.env, t.dist, "ran the post-link script again")
	}
	return nil
}

// linkOptions builds the link options of an env: its subdir and python.
func (rp *repairer) linkOptions(env string) (*link.Options, error) {
	dir := rp.envDir(env)
	opts := &link.Options{Prefix: dir, Subdir: rp.envSubdir(dir), TempDir: filepath.Join(dir, ".condatmp"),
		Launcher: rp.opts.WindowsLauncher}
	recs, err := envRecordHeads(dir)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.Name == "python" {
			py, err := link.NewPython(r.Version, r.PythonSitePackagesPath, opts.Subdir)
			if err != nil {
				return nil, err
			}
			opts.Python = py
		}
	}
	return opts, nil
}

// envRecordHeads reads the heads of the env's good records
// (state.ReadMetaHeads); its bad records are problems of their own, which
// repair sets aside. An env without conda-meta has none.
func envRecordHeads(dir string) ([]*prefix.Record, error) {
	m, err := state.ReadMetaHeads(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return m.Records, nil
}

// envSubdir is the subdir the env was installed for: the manifest's, else
// that of any non-noarch record, else this machine's.
func (rp *repairer) envSubdir(dir string) string {
	if rp.man != nil && rp.man.Subdir != "" {
		return rp.man.Subdir
	}
	recs, _ := envRecordHeads(dir)
	for _, r := range recs {
		if r.Subdir != "" && r.Subdir != "noarch" {
			return r.Subdir
		}
	}
	return hostSubdir()
}

// skipClashWinners leaves alone the paths of the plan that another record
// of the env also names and that verify found healthy: the other package
// won that clash at install time.
func (rp *repairer) skipClashWinners(t repairTarget, plan *link.Plan) {
	others := map[string]bool{}
	recs, _, _ := readMetaRecords(rp.envDir(t.env))
	for _, r := range recs {
		if r.Dist() == t.dist {
			continue
		}
		real := realPathFunc(r)
		for _, p := range r.PathsData.Paths {
			others[real(p.Path)] = true
		}
	}
	damaged := map[string]bool{}
	for _, p := range rp.res.Before {
		if p.Env == t.env {
			damaged[p.Path] = true
		}
	}
	for _, a := range plan.Actions {
		if others[a.Target] && !damaged[a.Target] {
			a.Skip = true
		}
	}
}

// requestedSpecs returns the specs that selected the package: from its
// old record when readable, else from the "# update specs" lines of the
// env's history, else none (a dependency).
func (rp *repairer) requestedSpecs(t repairTarget, name, recPath string) []string {
	if r, err := state.ReadRecord(recPath); err == nil && r.Dist() == t.dist {
		return r.RequestedSpecs
	}
	data, _ := os.ReadFile(prefix.HistoryPath(rp.envDir(t.env)))
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(line, "# update specs: ")
		if !ok {
			continue
		}
		for _, s := range parsePyList(rest) {
			if link.DependsName(s) == name {
				out = append(out, s)
			}
		}
	}
	return out
}

// parsePyList parses a Python list repr of strings: ['a', "b"].
func parsePyList(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if len(part) >= 2 && (part[0] == '\'' || part[0] == '"') {
			out = append(out, part[1:len(part)-1])
		}
	}
	return out
}

// runPreUnlink runs one package's pre-unlink script (uninstall).
func runPreUnlink(ctx context.Context, envDir, rootPrefix, subdir string, r *metaRecord) error {
	_, err := link.RunScript(ctx, link.Script{Action: "pre-unlink", Prefix: envDir, RootPrefix: rootPrefix,
		Subdir: subdir, Name: r.Name, Version: r.Version, Dist: r.Dist()})
	return err
}

// hostSubdir is this machine's conda subdir.
func hostSubdir() string { return platform.Detect().Subdir }

package installer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"onboard/installer/prefix"
)

// repairMetadata puts back what lies beside the packages: conda-meta/history,
// the environments.txt lines, records no package can rewrite, and the
// launchers. It returns what it could not do.
func (rp *repairer) repairMetadata(ctx context.Context, before *Report) []error {
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
			rp.logf("repair: %v", err)
		}
	}
	launchers := false
	for _, p := range before.Problems {
		if ctx.Err() != nil {
			return append(errs, ctx.Err())
		}
		switch p.Kind {
		case ProblemHistory:
			keep(rp.restoreHistory(p.Env))
		case ProblemEnvironmentsTxt:
			keep(rp.registerEnv(p.Env, p.Path))
		case ProblemUnreadableRecord:
			keep(rp.setAsideRecord(p))
		case ProblemLauncher:
			launchers = true
		}
	}
	if launchers {
		keep(rp.restoreLaunchers(ctx))
	}
	return errs
}

// restoreHistory writes conda-meta/history from the env's records, so that
// conda sees the folder as an environment again (observations G3).
func (rp *repairer) restoreHistory(env string) error {
	dir := rp.envDir(env)
	if _, err := os.Stat(prefix.HistoryPath(dir)); err == nil {
		return nil
	}
	recs, err := prefix.ReadRecords(dir)
	if err != nil {
		return fmt.Errorf("failed to rebuild conda-meta/history of %q: %w", dir, err)
	}
	e := prefix.HistoryEntry{Time: time.Now(), Command: "onboard repair --prefix " + rp.prefix, Added: []string{}}
	for _, r := range recs {
		ch := strings.TrimSuffix(strings.TrimSuffix(r.Channel, "/"), "/"+r.Subdir)
		if ch == "" {
			ch = "<unknown>"
		}
		e.Added = append(e.Added, ch+"/"+r.Subdir+"::"+r.Dist())
		e.UpdateSpecs = append(e.UpdateSpecs, r.RequestedSpecs...)
	}
	if err := os.MkdirAll(filepath.Dir(prefix.HistoryPath(dir)), 0o755); err != nil {
		return fmt.Errorf("failed to create %q: %w", filepath.Dir(prefix.HistoryPath(dir)), err)
	}
	if err := prefix.AppendHistory(dir, e); err != nil {
		return err
	}
	rp.fixed(env, "", "wrote conda-meta/history")
	return nil
}

// registerEnv adds the env to environments.txt.
func (rp *repairer) registerEnv(env, path string) error {
	added, err := prefix.RegisterEnv(path, rp.envDir(env))
	if err != nil {
		return err
	}
	if added {
		rp.fixed(env, "", "listed in "+path)
	}
	return nil
}

// setAsideRecord moves a conda-meta record that is still unreadable after
// the packages were re-linked (a package re-link rewrites its own record)
// into PREFIX/.onboard/bad-records/, where it is kept for people to read:
// conda refuses an env with an invalid record.
func (rp *repairer) setAsideRecord(p Problem) error {
	path := filepath.Join(rp.envDir(p.Env), filepath.FromSlash(p.Path))
	if _, rerr := readMetaRecord(path); rerr == nil {
		return nil
	} else if _, err := os.Lstat(path); err != nil {
		return nil
	}
	dir := filepath.Join(rp.prefix, stateRel, "bad-records", p.Env)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create %q: %w", dir, err)
	}
	dst := filepath.Join(dir, filepath.Base(path))
	if err := os.Rename(path, dst); err != nil {
		return fmt.Errorf("failed to move the unreadable record %q aside: %w", path, err)
	}
	rp.fixed(p.Env, p.Package, "moved the unreadable record to "+dst)
	return nil
}

// restoreLaunchers puts back the launchers of .onboard/launchers.json.
func (rp *repairer) restoreLaunchers(ctx context.Context) error {
	return fmt.Errorf("failed to restore the launchers: this build cannot re-create them yet; run the installer again to put them back")
}

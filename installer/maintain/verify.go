package maintain

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"onboard/installer/engine"
	"onboard/installer/state"
)

// ProblemKind names what is wrong with one path of an install. The values
// are part of the `onboard verify --json` contract.
type ProblemKind string

// The kinds of problem that Verify reports.
const (
	ProblemMissing          ProblemKind = "missing"           // a recorded file or link is gone
	ProblemAltered          ProblemKind = "altered"           // content differs from the recorded hash
	ProblemWrongSize        ProblemKind = "wrong_size"        // size differs from the recorded size
	ProblemWrongLink        ProblemKind = "wrong_link"        // a symlink points elsewhere, or is not a symlink
	ProblemMissingRecord    ProblemKind = "missing_record"    // a package of the manifest has no conda-meta record
	ProblemUnreadableRecord ProblemKind = "unreadable_record" // a conda-meta record cannot be read
	ProblemManifest         ProblemKind = "manifest"          // .onboard/manifest.json is damaged, or gone from an install that keeps its bundle; or the whole .onboard is gone (path ".onboard")
	ProblemMore             ProblemKind = "more"              // a package has more damaged paths than verify lists one by one (1,000)
	ProblemHistory          ProblemKind = "history"           // conda-meta/history is missing: conda no longer sees an env
	ProblemEnvironmentsTxt  ProblemKind = "environments_txt"  // ~/.conda/environments.txt does not list the env
	ProblemLauncher         ProblemKind = "launcher"          // a recorded launcher is missing or points elsewhere
	ProblemNonAdmin         ProblemKind = "nonadmin"          // conda's .nonadmin says another "for whom" than the manifest
	ProblemSettings         ProblemKind = "settings"          // the bundle's conda settings (condarc.d/onboard.yml) are missing or changed, or still in the base's .condarc
	ProblemApp              ProblemKind = "maintenance_app"   // the maintenance app .onboard/onboard, which the launchers run, is gone, cut short or not executable
)

// BaseEnv is the name Verify gives to the base environment (the prefix itself).
const BaseEnv = state.BaseEnv

// Problem is one thing Verify found wrong.
type Problem struct {
	Env     string      `json:"env"`     // "base" or the name of PREFIX/envs/<name>
	Package string      `json:"package"` // the dist name-version-build; "" for env-wide problems
	Path    string      `json:"path"`    // relative to the env, with "/"; absolute outside the prefix
	Kind    ProblemKind `json:"kind"`
	Detail  string      `json:"detail,omitempty"` // for people, e.g. "1234 bytes, want 1240"
}

// VerifyOptions configures Verify.
type VerifyOptions struct {
	// Workers is the number of files hashed at once; 0 = runtime.NumCPU().
	Workers int
	// EnvironmentsTxt is the conda registry to check; "" = the user's
	// ~/.conda/environments.txt; "-" = do not check it.
	EnvironmentsTxt string
	// SkipLaunchers leaves the launchers of .onboard/launchers.json unchecked.
	SkipLaunchers bool
	// Env limits the check to one environment: BaseEnv ("base") or the
	// name of PREFIX/envs/<name>; "" checks the whole install. An unknown
	// name is a *UsageError. The launchers belong to the whole install:
	// a check of one env leaves them unchecked (and says so in Notes).
	Env      string
	Reporter engine.Reporter
	Logf     engine.Logf
}

// Report is what Verify found. Problems is sorted by env, package, path.
type Report struct {
	Prefix string `json:"prefix"`
	// Env is the one environment checked (VerifyOptions.Env); "" = the
	// whole install.
	Env      string        `json:"env,omitempty"`
	Healthy  bool          `json:"healthy"`
	Envs     []string      `json:"envs"`     // "base" first, then PREFIX/envs/<name> by name
	Packages int           `json:"packages"` // records checked
	Files    int           `json:"files"`    // paths checked
	Bytes    int64         `json:"bytes"`    // bytes hashed
	Elapsed  time.Duration `json:"elapsed_ns"`
	Problems []Problem     `json:"problems"`
	Notes    []string      `json:"notes,omitempty"` // things not checked, and why
	// Removed are the bundle's envs the user removed with conda
	// (prefix.EnvRemovedWithConda): the user's change, not damage, and
	// not checked. A check of that env alone (Env) calls it damage.
	Removed []string `json:"removed_envs,omitempty"`
	// Remade are the bundle's envs the user removed and made again with
	// conda under the same name (prefix.EnvMadeWithConda): the user's
	// envs, not checked, also in a check of that env alone, so that a
	// repair never fills them with the bundle's packages.
	Remade []string `json:"remade_envs,omitempty"`
}

// Damaged lists the packages with at least one problem, as env → dists.
func (r *Report) Damaged() map[string][]string {
	seen := map[string]map[string]bool{}
	out := map[string][]string{}
	for _, p := range r.Problems {
		if p.Package == "" {
			continue
		}
		if seen[p.Env] == nil {
			seen[p.Env] = map[string]bool{}
		}
		if !seen[p.Env][p.Package] {
			seen[p.Env][p.Package] = true
			out[p.Env] = append(out[p.Env], p.Package)
		}
	}
	return out
}

// Verify checks an install against its own records: every file, link and
// entry point of every conda-meta record of the base and of each env under
// PREFIX/envs/, a record for each package of .onboard/manifest.json,
// conda-meta/history, environments.txt, the launchers and the
// maintenance app. It hashes files
// in parallel. It first recovers what an interrupted operation left
// (RecoverOutcome, logged to opts.Logf), so that it checks the install as
// it stands, not a half-made one. It returns the report and, when it found
// problems, a *DamageError (exit code 1); other errors mean the check
// could not run.
func Verify(ctx context.Context, prefix string, opts VerifyOptions) (*Report, error) {
	abs, err := filepath.Abs(prefix)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve prefix %q: %w", prefix, err)
	}
	abs = engine.FollowPrefixLink(abs)
	rec, err := engine.RecoverOutcome(ctx, abs, opts.Logf)
	if err != nil {
		return nil, err
	}
	if rec.Op == "uninstall" {
		// an uninstall killed there was just finished: nothing is left
		return nil, &engine.NotInstalledError{Path: abs, Err: errors.New("the uninstall that was interrupted there was finished"), Uninstalled: true}
	}
	// Another onboard at work there (a repair between two packages keeps
	// no journal, so the recovery did not ask for the lock): what it has
	// half done is no damage. Verify said "240 problems" and advised a
	// repair that was then refused as in use, or "Healthy" before the
	// repair ended (audit BM 3). Asked again at the end, for one that
	// began meanwhile.
	if err := engine.Busy(abs); err != nil {
		return nil, err
	}
	r, err := verify(ctx, abs, opts)
	if berr := engine.Busy(abs); berr != nil {
		return nil, berr
	}
	return r, err
}

// verify is Verify without the recovery, for Repair, which has recovered
// and holds the prefix lock; abs is absolute.
func verify(ctx context.Context, abs string, opts VerifyOptions) (*Report, error) {
	if err := engine.CheckInstalled(abs); err != nil {
		return nil, err // as repair says: no install, nothing to check
	}
	_, r, err := verifyAt(ctx, abs, opts, nil)
	return r, err
}

// verifyAt checks the install at abs, an absolute folder; set, if not
// nil, narrows the verifier first (Repair's second check). It returns the
// verifier too: Repair reuses the record heads it read.
func verifyAt(ctx context.Context, abs string, opts VerifyOptions, set func(*verifier)) (*verifier, *Report, error) {
	start := time.Now()
	v := newVerifier(abs, opts)
	if set != nil {
		set(v)
	}
	if err := v.run(ctx); err != nil {
		return v, nil, err
	}
	r := v.report
	r.Elapsed = time.Since(start)
	sortProblems(r.Problems)
	r.Healthy = len(r.Problems) == 0
	if !r.Healthy {
		return v, r, &engine.DamageError{Problems: len(r.Problems)}
	}
	return v, r, nil
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Env != b.Env {
			if a.Env == BaseEnv || b.Env == BaseEnv {
				return a.Env == BaseEnv
			}
			return a.Env < b.Env
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Kind < b.Kind
	})
}

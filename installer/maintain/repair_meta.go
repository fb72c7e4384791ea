package maintain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/internal/atomicfile"
	"onboard/internal/buildgui"
	"onboard/platform"
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
			// an env made again (conda removed it) is marked as the
			// install marked it
			keep(rp.markNonAdmin(p.Env, false))
		case ProblemEnvironmentsTxt:
			keep(rp.registerEnv(p.Env, p.Path))
		case ProblemUnreadableRecord:
			keep(rp.setAsideRecord(p))
		case ProblemLauncher:
			launchers = true
		case ProblemNonAdmin:
			keep(rp.markNonAdmin(p.Env, true))
		case ProblemSettings:
			keep(rp.restoreSettings(p.Path))
		case ProblemApp:
			// before the launchers, which run it
			keep(rp.restoreApp())
		}
	}
	if launchers {
		keep(rp.restoreLaunchers(ctx))
	}
	return errs
}

// markNonAdmin writes or removes conda's .nonadmin in env as the manifest
// says whom the install is for; say adds it to what repair fixed.
func (rp *repairer) markNonAdmin(env string, say bool) error {
	man, err := state.ReadManifest(rp.prefix)
	if err != nil {
		return err
	}
	if !slices.Contains(man.OneUserDirs(rp.prefix), rp.envDir(env)) {
		return nil
	}
	if err := state.MarkOneUser(rp.envDir(env), !man.AllUsers); err != nil || !say {
		return err
	}
	what := "wrote .nonadmin, conda's marker of an install for one user, as the installed manifest says"
	if man.AllUsers {
		what = "removed .nonadmin: the installed manifest says the install is for all users"
	}
	rp.fixed(env, "", what)
	return nil
}

// restoreSettings writes the bundle's conda settings again (rel is
// pkg.BundleCondarcFile), keeping a changed copy beside them, or deletes
// the base's .condarc (rel is pkg.CondarcFile) when it holds exactly the
// bundle's settings, as an older onboard wrote them.
func (rp *repairer) restoreSettings(rel string) error {
	man, err := state.ReadManifest(rp.prefix)
	if err != nil {
		return err
	}
	want := man.CondarcYAML()
	p := filepath.Join(rp.prefix, filepath.FromSlash(rel))
	if rel == pkg.CondarcFile {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.HasPrefix(b, []byte(bundle.CondarcHeader)) {
			return err // changed since verify: the user's now
		}
		if bytes.Equal(b, want) {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("failed to delete %q, which holds the bundle's conda settings: %w; delete it by hand", p, err)
			}
			rp.fixed(BaseEnv, "", "deleted .condarc, which held the bundle's conda settings (conda config copied them into ~/.condarc): they are in "+pkg.BundleCondarcFile)
			return nil
		}
		// the bundle's settings and the user's: theirs stay in it
		part, keys := engine.UsersSettings(b, want)
		aside, err := keepAside(p)
		if err != nil {
			return err
		}
		what := "moved .condarc, which held the bundle's conda settings with yours (conda config copied them into ~/.condarc), to " + filepath.Base(aside)
		if part != nil {
			if err := atomicfile.WriteFile(p, part, 0o644); err != nil {
				return fmt.Errorf("failed to keep your own conda settings in %q: %w; they are in %q", p, err, aside)
			}
			what += "; your own settings (" + strings.Join(keys, ", ") + ") stay in .condarc"
		}
		rp.fixed(BaseEnv, "", what)
		return nil
	}
	if want == nil {
		return nil
	}
	what := "wrote the bundle's conda settings (" + pkg.BundleCondarcFile + ")"
	if b, err := os.ReadFile(p); err == nil && !bytes.Equal(b, want) {
		aside, err := keepAside(p)
		if err != nil {
			return err
		}
		what += "; your changed copy is kept as " + path.Join(pkg.CondarcFolder, filepath.Base(aside))
	}
	if err := prefix.WriteCondarc(rp.prefix, want); err != nil {
		return err
	}
	rp.fixed(BaseEnv, "", what)
	return nil
}

// keepAside renames the file at p to p.changed, or the next of
// p.changed-2, -3… that is free: a copy an earlier repair kept stays (a
// second repair renamed over it).
func keepAside(p string) (string, error) {
	aside := p + ".changed"
	for n := 2; ; n++ {
		if _, err := os.Lstat(aside); errors.Is(err, fs.ErrNotExist) {
			break
		}
		aside = fmt.Sprintf("%s.changed-%d", p, n)
	}
	if err := os.Rename(p, aside); err != nil {
		return "", fmt.Errorf("failed to keep the changed %q aside: %w", p, err)
	}
	return aside, nil
}

// restoreHistory writes conda-meta/history from the env's records, so that
// conda sees the folder as an environment again (observations G3).
func (rp *repairer) restoreHistory(env string) error {
	dir := rp.envDir(env)
	hp := prefix.HistoryPath(dir)
	if fi, err := os.Stat(hp); err == nil && fi.Mode().IsRegular() {
		return nil
	} else if err == nil {
		// A folder (or other) where conda's file must be: kept for the
		// user beside it, as conda would refuse the env.
		aside := fmt.Sprintf("%s.not-a-file-%d", hp, time.Now().UnixNano())
		if err := os.Rename(hp, aside); err != nil {
			return fmt.Errorf("failed to move %q, which is no file, out of the way: %w", hp, err)
		}
		rp.logf("repair: moved %q, which is no file, to %q", hp, aside)
	}
	// the good records: a bad one is a problem of its own, set aside
	m, err := state.ReadMeta(dir)
	if err != nil {
		return fmt.Errorf("failed to rebuild conda-meta/history of %q: %w", dir, err)
	}
	recs := m.Records
	e := prefix.HistoryEntry{Time: time.Now(), Command: "onboard repair --prefix " + rp.prefix, Added: []string{}}
	for _, r := range recs {
		// named as the install and conda name it (prefix.CanonicalChannel)
		d := r.DistString()
		if prefix.CanonicalChannel(r.Channel, r.Subdir) == "" {
			d = "<unknown>/" + r.Subdir + "::" + r.Dist()
		}
		e.Added = append(e.Added, d)
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

// writeHistory appends to the history of each env where packages were
// re-linked, when the env's records now differ from the state the history
// tells, an entry: the head with "# cmd: onboard repair --prefix PREFIX",
// then the "-"/"+" lines of the difference, and no "# update specs" line,
// so the user's requested specs stay as they were. A re-link of the same
// dists adds no entry: conda's own force-reinstall writes one without
// -/+ lines, which conda then reads as an empty state, so that its next
// command writes + lines for the whole env and loses its own - lines.
func (rp *repairer) writeHistory() []error {
	envs := make([]string, 0, len(rp.relinked))
	for e := range rp.relinked {
		envs = append(envs, e)
	}
	sort.Strings(envs)
	var errs []error
	for _, env := range envs {
		if err := rp.appendRepairHistory(env); err != nil {
			errs = append(errs, err)
			rp.logf("repair: %v", err)
		}
	}
	return errs
}

func (rp *repairer) appendRepairHistory(env string) error {
	dir := rp.envDir(env)
	hp := prefix.HistoryPath(dir)
	old, err := os.ReadFile(hp)
	if err != nil {
		return fmt.Errorf("failed to read the history %q to add the repair to it: %w", hp, err)
	}
	recs := rp.envHeads(env)
	installed := make([]string, len(recs))
	for i, r := range recs {
		installed[i] = r.DistString()
	}
	removed, added := prefix.HistoryDiff(old, installed)
	// what this repair failed to link again is damage still, not a removal
	removed = slices.DeleteFunc(removed, func(d string) bool {
		return rp.failed[env][prefix.DistName(d)]
	})
	if len(removed) == 0 && len(added) == 0 {
		// The same dists linked again: the state the history tells is the
		// env's. An entry without a -/+ line would make conda read that
		// state as empty (History.construct_states), and its next command
		// would write + lines for the whole env and lose its own - lines.
		rp.logf("repair: %s: the history already names what the env holds; no entry added", env)
		return nil
	}
	e := prefix.HistoryEntry{Time: time.Now(), Command: "onboard repair --prefix " + rp.prefix,
		CondaVersion: rp.condaVersion(recs), Removed: removed, Added: added}
	if err := prefix.AppendHistory(dir, e); err != nil {
		return err
	}
	rp.logf("repair: %s: added the repair to %s", env, hp)
	return nil
}

// condaVersion is the version of the conda package of recs or of the base
// env, else prefix.DefaultCondaVersion (as an install writes it).
func (rp *repairer) condaVersion(recs []*prefix.Record) string {
	for _, r := range recs {
		if r.Name == "conda" {
			return r.Version
		}
	}
	for _, r := range rp.envHeads(BaseEnv) {
		if r.Name == "conda" {
			return r.Version
		}
	}
	return prefix.DefaultCondaVersion
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
	if _, rerr := state.ReadRecord(path); rerr == nil {
		return nil
	} else if _, err := os.Lstat(path); err != nil {
		return nil
	}
	dir := state.BadRecordsDir(rp.prefix, p.Env)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create %q: %w", dir, err)
	}
	if !engine.IsInside(realDir(dir), realDir(state.Dir(rp.prefix))) {
		return fmt.Errorf("failed to move the unreadable record %q aside: %s leads out of the install through a symlink; remove that link and run repair again", path, dir)
	}
	dst := filepath.Join(dir, filepath.Base(path))
	if _, err := os.Lstat(dst); err == nil {
		dst = fmt.Sprintf("%s.%d", dst, time.Now().UnixNano()) // one set aside before stays
	}
	if err := os.Rename(path, dst); err != nil {
		return fmt.Errorf("failed to move the unreadable record %q aside: %w", path, err)
	}
	rp.fixed(p.Env, p.Package, "moved the unreadable record to "+dst)
	return nil
}

// recordedSize is the size in bytes the "Apps & features" entry of rec
// says (EstimatedSize, KiB); 0 when it has none.
func recordedSize(rec platform.Record) int64 {
	for _, e := range rec.Registry {
		if e.Label != "" {
			continue
		}
		if v, ok := e.Value("EstimatedSize"); ok && v.DWord > 0 {
			return int64(v.DWord) * 1024
		}
	}
	return 0
}

// restoreLaunchers makes again the launchers that .onboard/launchers.json
// records: the launchers of the manifest (and the maintenance launcher)
// that had files in the record, for the same users, and the shell blocks.
func (rp *repairer) restoreLaunchers(ctx context.Context) error {
	path := state.LaunchersPath(rp.prefix)
	if rp.man == nil {
		return fmt.Errorf("failed to restore the launchers: %s is unreadable; run the installer again", state.ManifestPath(rp.prefix))
	}
	t, env := platform.HostTarget(), platform.HostEnv()
	app := engine.AppInfo(&rp.man.Manifest, rp.prefix)
	if pl := rp.man.Platforms[rp.man.Subdir]; pl != nil {
		app.Size = pl.DiskEstimate(0, 0, false) // the estimate an install writes, near enough
	}
	if b, err := rp.bundle(); err == nil && b != nil {
		app.Icon = b.Icon()
	}
	if app.Icon == nil {
		app.Icon = rp.opts.LauncherIcon
	}
	rec, err := platform.LoadRecord(path)
	if size := recordedSize(rec); err == nil && size > 0 {
		// what the install wrote into Apps & features (its plan's figure,
		// the maintenance app counted): the same again, where the bundle's
		// estimate alone was 17 times smaller
		app.Size = size
	}
	spelled := rp.prefix
	if err == nil && engine.SamePath(rec.Prefix, rp.prefix) {
		// made through another spelling of this folder: made again with
		// it, so that they and the shell block stay the ones it has
		spelled, app.Prefix = rec.Prefix, rec.Prefix
	}
	var items []platform.LauncherSpec
	allUsers := false
	switch {
	case errors.Is(err, fs.ErrNotExist) && rp.man.KeepsLauncherRecord():
		// Lost: what the manifest says the install made is made again, and
		// recorded, for the users it was made for.
		rec, items, allUsers = rp.madeRecord(t, env), rp.madeLaunchers(), rp.man.AllUsers
	case err != nil:
		// Damaged: kept for people to read, and the launchers a default
		// install makes are made again, with a new record (the shell set-up
		// only where a block of this install is still there).
		bad := filepath.Join(state.BadRecordsDir(rp.prefix, BaseEnv), filepath.Base(path))
		if merr := os.MkdirAll(filepath.Dir(bad), 0o755); merr == nil && os.Rename(path, bad) == nil {
			rp.logf("repair: moved the unreadable launcher record to %q", bad)
		}
		rec = platform.Record{Menus: true}
		for _, f := range platform.ShellFiles(t, env) {
			if b, rerr := os.ReadFile(f); rerr == nil && platform.HasShellBlock(b, rp.prefix) {
				rec.Shell = append(rec.Shell, platform.ShellEdit{Path: f})
			}
		}
		items, allUsers = rp.launcherCandidates(), rp.man.AllUsers
	default:
		// The install made its launchers for the users it was made for:
		// the manifest says which (a guess from the record's paths took a
		// home spelled otherwise for all users, and dropped them).
		allUsers = rp.man.AllUsers || recordIsAllUsers(rec) && !recordInHome(rec)
		items = launchersInRecord(t, env, app, rp.launcherCandidates(), rec, allUsers)
	}
	out := platform.Record{Schema: 1, Target: t, Prefix: spelled}
	if len(items) > 0 {
		plan, err := platform.Launchers(t, env, app, items, allUsers)
		if err == nil {
			out, err = platform.Apply(plan, platform.Logf(rp.logf))
		}
		if err != nil {
			return fmt.Errorf("failed to restore the launchers: %w", err)
		}
	}
	if len(rec.Shell) > 0 {
		var files []string
		created := map[string]bool{}
		for _, s := range rec.Shell {
			if !platform.IsShellFile(t, env, s.Path) {
				rp.logf("repair: left %s alone: it is not a shell start-up file of yours, which is all that shell set-up edits (the launcher record may have been changed)", s.Path)
				continue
			}
			files, created[s.Path] = append(files, s.Path), s.Created
		}
		sh, err := platform.SetupShell(files, spelled, engine.ShellBin(spelled))
		if err != nil {
			return fmt.Errorf("failed to restore the shell set-up: %w", err)
		}
		for i := range sh.Shell {
			// A file the install created stays one to delete when the
			// uninstall leaves it empty.
			sh.Shell[i].Created = sh.Shell[i].Created || created[sh.Shell[i].Path]
		}
		out.Merge(sh)
	}
	if rec.Menus {
		// The packages' menu shortcuts, made again from their menu files
		// (a package conda removed has none left, and gets none).
		var envs []string
		if p := rp.man.Platforms[rp.man.Subdir]; p != nil {
			envs = p.EnvNames()
		}
		menus, notes := engine.MakeMenus(ctx, rp.prefix, envs, rp.man.MenuPackages, allUsers, rp.logf)
		out.Merge(menus)
		for _, n := range notes {
			rp.logf("repair: %s", n)
		}
	}
	out.KeepMade(rec) // the folders the install made, which Apply found there
	if err := platform.SaveRecord(path, out); err != nil {
		return err
	}
	rp.fixed(BaseEnv, "", "restored the launchers")
	return nil
}

// madeRecord is the record of what the manifest says the install made
// beside the prefix (state.Made), before the launchers are made again:
// the packages' menu shortcuts, and the shell set-up in this user's
// start-up files, as the install made it.
func (rp *repairer) madeRecord(t platform.Target, env platform.Env) platform.Record {
	rec := platform.Record{Menus: rp.man.Made.Menus}
	if rp.man.Made.Shell {
		for _, f := range platform.ShellFiles(t, env) {
			rec.Shell = append(rec.Shell, platform.ShellEdit{Path: f})
		}
	}
	return rec
}

// madeLaunchers are the launchers the manifest says the install made.
func (rp *repairer) madeLaunchers() []platform.LauncherSpec {
	return slices.DeleteFunc(rp.launcherCandidates(), func(s platform.LauncherSpec) bool {
		return !slices.Contains(rp.man.Made.Launchers, s.Name)
	})
}

// launcherCandidates are every launcher an install of the manifest can have.
func (rp *repairer) launcherCandidates() []platform.LauncherSpec {
	return launcherCandidatesOf(&rp.man.Manifest)
}

// launcherCandidatesOf are every launcher an install of m can have.
func launcherCandidatesOf(m *bundle.Manifest) []platform.LauncherSpec {
	var items []platform.LauncherSpec
	for _, l := range m.Launchers {
		items = append(items, platform.LauncherSpec{Name: l.Name, Env: l.Env})
	}
	return append(items, platform.MaintenanceSpec(m.Name, buildgui.HasWindow))
}

// madeOf is what the launcher record of the install says it made beside
// the prefix, for a manifest of m written again (state.Made, as the
// install wrote it): nil when there is no readable record of this
// install, or it names no launcher and no shell set-up.
func (rp *repairer) madeOf(m *bundle.Manifest, allUsers bool) *state.Made {
	rec, err := platform.LoadRecord(state.LaunchersPath(rp.prefix))
	if err != nil || !engine.SamePath(rec.Prefix, rp.prefix) {
		return nil
	}
	t, env := platform.HostTarget(), platform.HostEnv()
	made := &state.Made{Shell: len(rec.Shell) > 0, Menus: rec.Menus}
	app := engine.AppInfo(m, rec.Prefix) // the spelling the launchers were made with
	for _, s := range launchersInRecord(t, env, app, launcherCandidatesOf(m), rec, allUsers) {
		made.Launchers = append(made.Launchers, s.Name)
	}
	if len(made.Launchers) == 0 && !made.Shell {
		return nil
	}
	return made
}

// launchersInRecord keeps the candidates whose launcher files the record
// names: the ones the install created.
func launchersInRecord(t platform.Target, env platform.Env, app platform.AppInfo, cands []platform.LauncherSpec,
	rec platform.Record, allUsers bool) []platform.LauncherSpec {
	had, hadName := map[string]bool{}, map[string]bool{}
	for _, f := range rec.Files {
		had[f.Path] = true
		hadName[lastElem(f.Path)] = true
	}
	for _, b := range rec.Bundles {
		had[b] = true
	}
	var out []platform.LauncherSpec
	for _, c := range cands {
		plan, err := platform.Launchers(t, env, app, []platform.LauncherSpec{c}, allUsers)
		if err != nil {
			continue
		}
		// its menu entry: a .desktop file, a macOS .app, a Windows
		// Start Menu shortcut
		made := slices.ContainsFunc(plan.Files, func(f platform.File) bool { return had[f.Path] && f.Kind == platform.KindEntry }) ||
			slices.ContainsFunc(plan.Bundles, func(b string) bool { return had[b] }) ||
			// a shortcut by its name: alone it is planned in the Start
			// Menu itself, with the others in the install's folder there
			slices.ContainsFunc(plan.Shortcuts, func(s platform.Shortcut) bool { return hadName[lastElem(s.Path)] })
		if made {
			out = append(out, c)
		}
	}
	return out
}

// lastElem is the last element of a path of any system ("\\" or "/").
func lastElem(p string) string { return p[strings.LastIndexAny(p, `\/`)+1:] }

// recordIsAllUsers guesses whether the launchers were made for all users:
// a machine-wide registry root or files outside the user's home.
func recordIsAllUsers(rec platform.Record) bool {
	for _, e := range rec.Registry {
		if strings.HasPrefix(strings.ToUpper(e.Root), "HKLM") {
			return true
		}
	}
	home, _ := os.UserHomeDir()
	for _, f := range rec.Files {
		if home != "" && !strings.HasPrefix(f.Path, home) {
			return true
		}
	}
	return false
}

// realDir is dir with its symlinks resolved (dir itself when that fails).
func realDir(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return r
	}
	return dir
}

// recordInHome tells whether a launcher of rec is in this user's home.
func recordInHome(rec platform.Record) bool {
	home, _ := os.UserHomeDir()
	for _, f := range rec.Files {
		if home != "" && strings.HasPrefix(f.Path, home+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

package installer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	condaprefix "onboard/installer/prefix"
	"onboard/installer/state"
)

// fakeEnv stands in for InstallEnv: it writes a conda-meta record per
// package and the history, so that Install's own logic (choice, swap,
// rollback, re-run) is tested without the linking engine.
func fakeEnv(fail string) func(context.Context, EnvRequest) (*EnvResult, error) {
	return func(ctx context.Context, req EnvRequest) (*EnvResult, error) {
		if fail != "" && strings.HasSuffix(req.Prefix, fail) {
			return nil, errors.New("planned failure")
		}
		meta := filepath.Join(req.Prefix, "conda-meta")
		if err := os.MkdirAll(meta, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(meta, "history"), []byte("==> 2026-12-01 00:00:00 <==\n# cmd: onboard test\n"), 0o644); err != nil {
			return nil, err
		}
		res := &EnvResult{Prefix: req.Prefix}
		for _, p := range req.Packages {
			if p.Open != nil { // read in place in the bundle
				if _, n, _, err := p.Open(); err != nil || n != p.Size {
					return nil, fmt.Errorf("archive not readable in the bundle: %d bytes, %v", n, err)
				}
			} else if _, err := os.Stat(p.Path); err != nil {
				return nil, fmt.Errorf("archive missing: %w", err)
			}
			dist := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(p.Path), ".conda"), ".tar.bz2")
			if err := os.WriteFile(filepath.Join(meta, dist+".json"), []byte("{}"), 0o644); err != nil {
				return nil, err
			}
			res.Packages = append(res.Packages, dist)
		}
		if req.Condarc != nil { // as InstallEnv's metadata step
			if err := condaprefix.WriteCondarc(req.Prefix, req.Condarc); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
}

func withEnv(t *testing.T, f func(context.Context, EnvRequest) (*EnvResult, error)) {
	old := installEnv
	installEnv = f
	t.Cleanup(func() { installEnv = old })
	t.Setenv("HOME", t.TempDir())
}

func installed(t *testing.T, prefix string) string {
	m, err := state.ReadManifest(prefix)
	if err != nil {
		return "none"
	}
	return m.Version + "/" + m.Subdir
}

func TestInstallUpgradeRerunDowngrade(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	steps := []struct {
		version string
		force   bool
		changed bool
		errCode int
		want    string
	}{
		{"2026.11.0", false, true, 0, "2026.11.0/linux-64"},
		{"2026.11.0", false, false, 0, "2026.11.0/linux-64"},
		{"2026.12.0", false, true, 0, "2026.12.0/linux-64"},
		{"2026.11.0", false, false, ExitTarget, "2026.12.0/linux-64"},
		{"2026.11.0", true, true, 0, "2026.11.0/linux-64"},
	}
	for i, s := range steps {
		res, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, s.version), Subdir: "linux-64", Force: s.force})
		if got := ExitCode(err); got != s.errCode {
			t.Fatalf("step %d (%s): exit %d (%v); want %d", i, s.version, got, err, s.errCode)
		}
		if err == nil && res.Changed != s.changed {
			t.Errorf("step %d: changed = %v; want %v", i, res.Changed, s.changed)
		}
		if got := installed(t, prefix); got != s.want {
			t.Errorf("step %d: installed %s; want %s", i, got, s.want)
		}
	}
	for _, p := range []string{".onboard/onboard", "envs/team/conda-meta", "condarc.d/onboard.yml", ".onboard/install.log"} {
		if _, err := os.Stat(filepath.Join(prefix, p)); err != nil {
			t.Errorf("%s missing after install: %v", p, err)
		}
	}
	// Packages are read in place from the bundle: no package cache.
	if _, err := os.Stat(filepath.Join(prefix, "pkgs")); err == nil {
		t.Error("pkgs/ was written without KeepPackageCache")
	}
	if left, _ := filepath.Glob(prefix + ".onboard-old-*"); len(left) != 0 {
		t.Errorf("old prefixes left behind: %v", left)
	}
	log, _ := os.ReadFile(filepath.Join(prefix, ".onboard", "install.log"))
	if n := strings.Count(string(log), "install T "); n != 5 {
		t.Errorf("install.log has %d install lines; want 5 (kept across upgrades)", n)
	}
}

func TestInstallFailureRestoresOld(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	withEnv(t, fakeEnv("team"))
	_, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"})
	if err == nil {
		t.Fatal("upgrade with a failing env succeeded")
	}
	if got := installed(t, prefix); got != "2026.11.0/linux-64" {
		t.Errorf("after a failed upgrade the prefix holds %s; want the old 2026.11.0 back", got)
	}
	// and the error says so: what is installed is what IT asks next
	if !strings.Contains(err.Error(), "the upgrade was undone, and T 2026.11.0 is installed as before") {
		t.Errorf("the failed upgrade's error %q does not say the old version is back", err)
	}
	// The log of the install put back says what was tried, and why it
	// failed: the new install's log went with it.
	if log, _ := os.ReadFile(state.LogPath(prefix)); !strings.Contains(string(log), "2026.12.0 failed and was rolled back") || !strings.Contains(string(log), "failed: "+errors.Unwrap(err).Error()) {
		t.Errorf("the log of the install put back does not tell of the failed upgrade:\n%s", log)
	}
	fresh := filepath.Join(t.TempDir(), "new")
	home := t.TempDir() // a new user: no ~/.conda yet
	t.Setenv("HOME", home)
	failTeam := fakeEnv("team")
	installEnv = func(ctx context.Context, req EnvRequest) (*EnvResult, error) {
		res, err := failTeam(ctx, req)
		if err == nil { // as InstallEnv registers each env it made
			condaprefix.RegisterEnv(filepath.Join(home, ".conda", "environments.txt"), req.Prefix)
		}
		return res, err
	}
	if _, err := Install(context.Background(), Options{Prefix: fresh, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err == nil {
		t.Fatal("fresh install with a failing env succeeded")
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed fresh install left %q behind", fresh)
	}
	if _, err := os.Stat(filepath.Join(home, ".conda")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed fresh install left ~/.conda, which it made (%v)", err)
	}
}

func TestInstallRefusals(t *testing.T) {
	withEnv(t, fakeEnv(""))
	b := testkit.SmallBundle(t, "2026.11.0")
	notEmpty := t.TempDir()
	os.WriteFile(filepath.Join(notEmpty, "x"), nil, 0o644)
	tests := []struct {
		name string
		opts Options
		code int
	}{
		{"subdir missing", Options{Prefix: filepath.Join(t.TempDir(), "p"), Bundle: b, Subdir: "win-64"}, ExitPlatform},
		{"relative prefix", Options{Prefix: "rel/p", Bundle: b, Subdir: "linux-64"}, ExitUsage},
		{"not empty", Options{Prefix: notEmpty, Bundle: b, Subdir: "linux-64"}, ExitTarget},
		{"no bundle", Options{Prefix: t.TempDir()}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Install(context.Background(), tt.opts)
			if got := ExitCode(err); got != tt.code {
				t.Fatalf("exit %d (%v); want %d", got, err, tt.code)
			}
		})
	}
}

func TestInstallRefusedWhileAnotherHoldsTheLock(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	unlock, err := engine.LockPrefix(prefix)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"})
	var le *LockedError
	if !errors.As(err, &le) || ExitCode(err) != ExitTarget {
		t.Fatalf("got %v (exit %d); want a *LockedError, exit %d", err, ExitCode(err), ExitTarget)
	}
	if got := installed(t, prefix); got != "2026.11.0/linux-64" {
		t.Fatalf("installed %s; want the untouched 2026.11.0/linux-64", got)
	}
	unlock()
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}); err != nil {
		t.Fatalf("after the lock was released: %v", err)
	}
}

// An upgrade keeps the environments the user made with conda in envs/
// (moved into the new install, at the same path), and says so before
// (the plan) and after (the result); the packages conda added to the
// bundle's env are not kept, and both say that too.
func TestUpgradeKeepsTheUsersEnvironments(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(prefix, "envs", "mine")
	os.MkdirAll(filepath.Join(mine, "conda-meta"), 0o755)
	os.WriteFile(filepath.Join(mine, "conda-meta", "history"), []byte("==> 2026-12-01 10:00:00 <==\n"), 0o644)
	os.WriteFile(filepath.Join(mine, "analysis.py"), []byte("print(1)\n"), 0o644)
	os.WriteFile(filepath.Join(prefix, "envs", ".conda_envs_dir_test"), nil, 0o644)              // conda's, written to test the folder
	os.WriteFile(filepath.Join(prefix, "notes.txt"), []byte("mine\n"), 0o644)                    // the user's own, in the folder itself
	os.WriteFile(filepath.Join(prefix, "envs", "team", "analysis.ipynb"), []byte("{}\n"), 0o644) // and in the bundle's env
	os.WriteFile(filepath.Join(prefix, "envs", "team", "conda-meta", "extra-1.0-0.json"), []byte(`{"name":"extra","version":"1.0","build":"0"}`), 0o644)
	newer := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}
	plan, err := Plan(t.Context(), newer)
	if err != nil || plan.Kind != PlanUpgrade {
		t.Fatalf("plan: %v, %v", plan.Kind, err)
	}
	notes := strings.Join(plan.Notes, "\n")
	if !strings.Contains(notes, "is kept: envs/mine, envs/team/analysis.ipynb, notes.txt\n") || !strings.Contains(notes, "conda added extra-1.0-0 to team") {
		t.Errorf("the plan's notes do not say what is kept and what is not:\n%s", notes)
	}
	res, err := Install(t.Context(), newer)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(mine, "analysis.py")); string(b) != "print(1)\n" {
		t.Fatalf("the user's env after the upgrade: analysis.py = %q, %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(prefix, "notes.txt")); string(b) != "mine\n" {
		t.Fatalf("the user's file after the upgrade: notes.txt = %q, %v", b, err)
	}
	notes = strings.Join(res.Notes, "\n")
	if b, err := os.ReadFile(filepath.Join(prefix, "envs", "team", "analysis.ipynb")); string(b) != "{}\n" {
		t.Fatalf("the user's file in the bundle's env after the upgrade: analysis.ipynb = %q, %v", b, err)
	}
	if strings.Count(notes, "envs/mine") != 1 || strings.Count(notes, "conda added extra-1.0-0") != 1 {
		t.Errorf("the result says a thing twice:\n%s", notes)
	}
	if !strings.Contains(notes, "your own files): envs/mine, envs/team/analysis.ipynb, notes.txt") || !strings.Contains(notes, "conda added extra-1.0-0 to team") {
		t.Errorf("the result's notes do not say what was kept and what was not:\n%s", notes)
	}
	if left, _ := filepath.Glob(prefix + ".onboard-old-*"); len(left) != 0 {
		t.Errorf("old prefixes left behind: %v", left)
	}
	if got := installed(t, prefix); got != "2026.12.0/linux-64" {
		t.Errorf("installed %s", got)
	}
}

// An env of the bundle's name that the user removed and made again with
// conda is theirs (verify and repair leave it): an upgrade leaves it in
// the old install's folder, kept, and the plan and the result say so and
// how to keep it; it was replaced with the bundle's without a word
// (audit AK 1).
func TestUpgradeLeavesAnEnvTheUserMadeAgainWithConda(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	team := filepath.Join(prefix, "envs", "team")
	if err := os.RemoveAll(team); err != nil {
		t.Fatal(err)
	}
	testkit.MustWrite(t, filepath.Join(team, "conda-meta", "history"), "==> 2026-12-01 10:00:00 <==\n# cmd: "+filepath.Join(prefix, "bin", "conda")+" create -n team --offline six\n# conda version: 26.7.0\n")
	testkit.MustWrite(t, filepath.Join(team, "mine.py"), "print(1)\n")
	newer := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}
	plan, err := Plan(t.Context(), newer)
	if err != nil || plan.Kind != PlanUpgrade {
		t.Fatalf("plan: %v, %v", plan.Kind, err)
	}
	if notes := strings.Join(plan.Notes, "\n"); !strings.Contains(notes, "envs/team") || !strings.Contains(notes, "conda rename") || strings.Contains(notes, "conda added") {
		t.Errorf("the plan does not say the user's team stays behind:\n%s", notes)
	}
	res, err := Install(t.Context(), newer)
	if err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(prefix + ".onboard-old-*")
	if len(aside) != 1 {
		t.Fatalf("old installs kept: %q; want the one holding the user's team", aside)
	}
	if b, err := os.ReadFile(filepath.Join(aside[0], "envs", "team", "mine.py")); string(b) != "print(1)\n" {
		t.Errorf("the user's team in the old install's folder: mine.py = %q, %v", b, err)
	}
	if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "envs/team") || !strings.Contains(notes, aside[0]) {
		t.Errorf("the result does not name the user's team and where it is:\n%s", notes)
	}
	// and as a warning, which a silent run prints too (audit AV 3: exit 0
	// and not a word)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "envs/team") || !strings.Contains(res.Warnings[0], aside[0]) {
		t.Errorf("warnings %q; want one naming envs/team and %s", res.Warnings, aside[0])
	}
	if _, err := os.Stat(filepath.Join(team, "mine.py")); err == nil {
		t.Error("the new version's team holds the user's file")
	}
}

// An upgrade keeps the settings the user made with conda in the bundle's
// environments: an env's .condarc (conda config --env), its variables
// (conda env config vars: conda-meta/state) and its pins
// (conda-meta/pinned), and in the base its .condarc (conda config
// --system) and what they put in its condarc.d. Where the new version
// writes the file itself (condarc.d/onboard.yml, the bundle's settings)
// and the user changed the old one, theirs is kept beside it, named. The
// plan and the result say so. They used to be lost without a word.
func TestUpgradeKeepsTheUsersCondaSettings(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(prefix, ".condarc")); err == nil {
		t.Fatal("the install wrote the base's .condarc, which conda config copies into ~/.condarc")
	}
	team := filepath.Join(prefix, "envs", "team")
	mine := map[string]string{
		filepath.Join(team, ".condarc"):                     "always_yes: true\n",
		filepath.Join(team, "conda-meta", "state"):          `{"env_vars": {"MYVAR": "hello"}}`,
		filepath.Join(team, "conda-meta", "pinned"):         "numpy 1.*\n",
		filepath.Join(prefix, "conda-meta", "pinned"):       "python 3.11.*\n",
		filepath.Join(prefix, ".condarc"):                   "report_errors: false\n",
		filepath.Join(prefix, "condarc.d", "mine.yml"):      "changeps1: false\n",
		filepath.Join(prefix, "condarc.d", "more", "x.yml"): "always_yes: true\n", // a folder of the user's
	}
	for p, s := range mine {
		testkit.MustWrite(t, p, s)
	}
	// and a link to settings kept elsewhere
	shared := filepath.Join(t.TempDir(), "team.yml")
	testkit.MustWrite(t, shared, "channel_priority: strict\n")
	if err := os.Symlink(shared, filepath.Join(prefix, "condarc.d", "team.yml")); err != nil {
		t.Fatal(err)
	}
	ours := filepath.Join(prefix, "condarc.d", "onboard.yml")
	rc, err := os.ReadFile(ours)
	if err != nil {
		t.Fatal(err)
	}
	changedRC := string(rc) + "channel_priority: strict\n"
	testkit.MustWrite(t, ours, changedRC)

	newer := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}
	plan, err := Plan(t.Context(), newer)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(plan.Notes, "\n")
	if !strings.Contains(notes, ".condarc, conda-meta/pinned, condarc.d/mine.yml, condarc.d/more, condarc.d/team.yml, envs/team/.condarc, envs/team/conda-meta/pinned, envs/team/conda-meta/state") ||
		!strings.Contains(notes, "condarc.d/onboard.yml is kept as condarc.d/onboard.yml.from-2026.11.0, beside the new version's own") {
		t.Errorf("the plan does not say what of the user's conda settings is kept:\n%s", notes)
	}
	res, err := Install(t.Context(), newer)
	if err != nil {
		t.Fatal(err)
	}
	for p, s := range mine {
		if b, err := os.ReadFile(p); string(b) != s {
			t.Errorf("after the upgrade %s = %q, %v; want %q", p, b, err, s)
		}
	}
	if l, err := os.Readlink(filepath.Join(prefix, "condarc.d", "team.yml")); err != nil || l != shared {
		t.Errorf("the link in condarc.d after the upgrade: %q, %v", l, err)
	}
	if b, _ := os.ReadFile(ours + ".from-2026.11.0"); string(b) != changedRC {
		t.Errorf("the user's changed onboard.yml is not kept beside the new one: %q", b)
	}
	if b, _ := os.ReadFile(ours); string(b) != string(rc) {
		t.Errorf("the new version's condarc.d/onboard.yml was not written: %q", b)
	}
	if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "envs/team/conda-meta/state") || !strings.Contains(notes, "onboard.yml.from-2026.11.0") {
		t.Errorf("the result does not say what of the user's conda settings was kept:\n%s", notes)
	}
	// an unchanged onboard.yml is the old bundle's: nothing kept of it
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2027.1.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(ours + ".from-2026.12.0"); len(left) != 0 {
		t.Errorf("an unchanged onboard.yml was kept: %v", left)
	}
}

// An install from before condarc.d/onboard.yml has the bundle's settings
// in the base's .condarc, the file conda config copies into ~/.condarc
// (audit U 2). The upgrade drops that file when it is the old bundle's,
// and keeps it aside, renamed so that conda no longer reads it, when the
// user changed it: it holds the old bundle's settings too.
func TestUpgradeMovesTheBundlesSettingsOutOfCondarc(t *testing.T) {
	withEnv(t, fakeEnv(""))
	for _, changed := range []bool{false, true} {
		prefix := filepath.Join(t.TempDir(), "acme")
		if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
			t.Fatal(err)
		}
		// as the version before wrote it
		ours := filepath.Join(prefix, "condarc.d", "onboard.yml")
		rc, err := os.ReadFile(ours)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Dir(ours)); err != nil {
			t.Fatal(err)
		}
		if changed {
			// conda config --system added the user's own (a setting, a
			// list), and -n team --set copied the file into the env's
			rc = append(rc, "changeps1: false\nenvs_dirs:\n  - /data/envs\n"...)
			testkit.MustWrite(t, filepath.Join(prefix, "envs", "team", ".condarc"), string(rc))
		}
		testkit.MustWrite(t, filepath.Join(prefix, ".condarc"), string(rc))

		res, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"})
		if err != nil {
			t.Fatal(err)
		}
		// the user's own settings stay where they were, without the old
		// bundle's (audit W1 5: the whole file went aside, and with it the
		// user's conda config --system settings)
		own := ""
		if changed {
			own = "changeps1: false\nenvs_dirs:\n  - /data/envs\n"
		}
		for _, p := range []string{filepath.Join(prefix, ".condarc"), filepath.Join(prefix, "envs", "team", ".condarc")} {
			if b, _ := os.ReadFile(p); string(b) != own {
				t.Errorf("changed %v: %s after the upgrade = %q; want %q", changed, p, b, own)
			}
		}
		if _, err := os.Stat(ours); err != nil {
			t.Errorf("changed %v: the new version's settings: %v", changed, err)
		}
		aside, err := os.ReadFile(filepath.Join(prefix, ".condarc.from-2026.11.0"))
		notes := strings.Join(res.Notes, "\n")
		if !changed {
			if err == nil || strings.Contains(notes, ".condarc") {
				t.Errorf("the old bundle's own .condarc is kept: %v\n%s", err, notes)
			}
			continue
		}
		if string(aside) != string(rc) || !strings.Contains(notes, "kept your changed .condarc as .condarc.from-2026.11.0 (the new version's settings are in condarc.d/onboard.yml): your own settings in it (changeps1, envs_dirs) stay in .condarc") {
			t.Errorf("the user's changed .condarc: %q, %v\n%s", aside, err, notes)
		}
		team := filepath.Join(prefix, "envs", "team")
		if b, _ := os.ReadFile(filepath.Join(team, ".condarc.from-2026.11.0")); string(b) != string(rc) ||
			!strings.Contains(notes, "kept your changed envs/team/.condarc as envs/team/.condarc.from-2026.11.0 (it held the old version's settings") {
			t.Errorf("the env's copy: %q\n%s", b, notes)
		}
	}
}

// An upgrade keeps conda's package cache (audit Q 3): the install kept one
// (--keep-package-cache), so the new version keeps one too, though the
// installer is run again without the flag; and what conda put into pkgs/
// itself (a package from a channel that may be gone), and the old
// bundle's packages that an environment the upgrade keeps uses, are
// carried into it. Offline they are the only copies conda clones from.
func TestUpgradeKeepsThePackageCache(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	head := func(v string) string { return fmt.Sprintf("name = \"T\"\nid = \"org.t\"\nversion = %q\n", v) }
	tail := "[condarc]\nchannels = [\"https://x.invalid\"]\noffline = true\n"
	oldBundle := testkit.BundleOfSpecs(t, head("2026.11.0"), tail, testkit.Program("python", "1.0"), testkit.Program("tool", "1.0"), testkit.Program("extra", "1.0"))
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: oldBundle, Subdir: "linux-64", KeepPackageCache: true}); err != nil {
		t.Fatal(err)
	}
	pkgs := filepath.Join(prefix, "pkgs")
	// conda's own download, archive and extracted copy
	os.WriteFile(filepath.Join(pkgs, "tinypy-1.0-0.tar.bz2"), []byte("archive"), 0o644)
	os.MkdirAll(filepath.Join(pkgs, "tinypy-1.0-0", "info"), 0o755)
	os.WriteFile(filepath.Join(pkgs, "tinypy-1.0-0", "info", "index.json"), []byte("{}"), 0o644)
	// a clone of team, made with conda, which uses one of the old bundle's packages
	var teamPkg bundle.Package
	for _, p := range oldBundle.Manifest.Platforms["linux-64"].Envs["team"] {
		if p.Name == "tool" {
			teamPkg = p
		}
	}
	mine := filepath.Join(prefix, "envs", "mine")
	os.MkdirAll(filepath.Join(mine, "conda-meta"), 0o755)
	os.WriteFile(filepath.Join(mine, "conda-meta", "history"), []byte("==> 2026-12-01 10:00:00 <==\n"), 0o644)
	os.WriteFile(filepath.Join(mine, "conda-meta", teamPkg.Dist()+".json"), []byte("{}"), 0o644)
	newBundle := testkit.BundleOfSpecs(t, head("2026.12.0"), tail, testkit.Program("python", "1.0"), testkit.Program("tool", "2.0"))
	stays := func(p bundle.Package) bool {
		for _, q := range newBundle.Manifest.Platforms["linux-64"].All() {
			if q.Dist() == p.Dist() {
				return true
			}
		}
		return false
	}
	var goes []string // old bundle packages no kept env uses and the new version does not have
	for _, p := range oldBundle.Manifest.Platforms["linux-64"].All() {
		if p.Dist() != teamPkg.Dist() && !stays(p) {
			goes = append(goes, p.Fn)
		}
	}
	if len(goes) == 0 {
		t.Fatal("every package of the old bundle is kept: the test shows nothing of what goes")
	}
	newer := Options{Prefix: prefix, Bundle: newBundle, Subdir: "linux-64"}
	plan, err := Plan(t.Context(), newer)
	if err != nil || plan.Kind != PlanUpgrade || !plan.KeepPackageCache {
		t.Fatalf("plan: %v, keep_package_cache %v, %v; want an upgrade that keeps the cache", plan.Kind, plan.KeepPackageCache, err)
	}
	res, err := Install(t.Context(), newer)
	if err != nil {
		t.Fatal(err)
	}
	if !KeepsPackageCache(prefix) {
		t.Error("the new manifest says the install keeps no package cache")
	}
	for _, p := range newBundle.Manifest.Platforms["linux-64"].All() {
		if _, err := os.Stat(filepath.Join(pkgs, p.Fn)); err != nil {
			t.Errorf("the new version's package cache lacks %s: %v", p.Fn, err)
		}
	}
	for _, name := range []string{"tinypy-1.0-0.tar.bz2", "tinypy-1.0-0/info/index.json", teamPkg.Fn} {
		if _, err := os.Stat(filepath.Join(pkgs, filepath.FromSlash(name))); err != nil {
			t.Errorf("pkgs/%s was not kept: %v", name, err)
		}
	}
	for _, d := range goes {
		if _, err := os.Stat(filepath.Join(pkgs, d)); err == nil {
			t.Errorf("pkgs/%s, the old bundle's and used by no kept env, was carried", d)
		}
	}
	if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "kept conda's copies of the packages") || !strings.Contains(notes, "pkgs/tinypy-1.0-0") {
		t.Errorf("the result does not say what of pkgs/ was kept:\n%s", notes)
	}
	if left, _ := filepath.Glob(prefix + ".onboard-old-*"); len(left) != 0 {
		t.Errorf("old prefixes left behind: %v", left)
	}
}

// What the user removed with conda and the new version has comes back with
// an upgrade, which installs the new version's environments whole: the
// plan and the result say so, where they said nothing (audit Q 2): a
// package conda removed from an env, and a whole env removed with conda.
func TestUpgradeSaysWhatCondaRemovedComesBack(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	prefix := filepath.Join(t.TempDir(), "acme")
	if res, err := Install(t.Context(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil || res.Replaced != nil {
		t.Fatalf("a new install: %v, replaced %+v", err, res)
	}
	team := filepath.Join(prefix, "envs", "team")
	// conda remove -n team tool
	os.Remove(filepath.Join(team, "conda-meta", "tool-1.0-0.json"))
	os.Remove(filepath.Join(team, "bin", "tool"))
	f, _ := os.OpenFile(filepath.Join(team, "conda-meta", "history"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("==> 2026-12-01 10:00:00 <==\n# cmd: conda remove -n team tool\n# conda version: 26.7.2\n-https://x.invalid/linux-64::tool-1.0-0\n")
	f.Close()
	newer := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}
	plan, err := Plan(t.Context(), newer)
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(plan.Notes, "\n"); !strings.Contains(notes, "conda removed tool from team since the install") {
		t.Errorf("the plan does not say the removed package comes back:\n%s", notes)
	}
	res, err := Install(t.Context(), newer)
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "conda removed tool from team since the install") {
		t.Errorf("the result does not say the removed package came back:\n%s", notes)
	}
	// and names the install it replaced, for the Finish step's "upgraded from"
	if r := res.Replaced; r == nil || r.Version != "2026.11.0" || r.Subdir != "linux-64" {
		t.Errorf("the upgrade's result names the install it replaced as %+v", r)
	}
	// conda env remove -n team: the folder and its line go
	os.RemoveAll(team)
	list := filepath.Join(home, ".conda", "environments.txt")
	if _, err := condaprefix.Unregister(list, team); err != nil {
		t.Fatal(err)
	}
	newest := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2027.1.0"), Subdir: "linux-64"}
	plan, err = Plan(t.Context(), newest)
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(plan.Notes, "\n"); !strings.Contains(notes, "the environments team were removed with conda since the install") {
		t.Errorf("the plan does not say the removed env comes back:\n%s", notes)
	}
	// a package never removed says nothing
	if notes := strings.Join(plan.Notes, "\n"); strings.Contains(notes, "conda removed") {
		t.Errorf("the plan names a removed package where none was removed:\n%s", notes)
	}
}

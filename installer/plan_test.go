package installer

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	prefix_ "onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/platform"
)

// planOf plans o and checks what every plan must hold: Err and the
// returned error agree, and so do ExitCode, Code and Proceed.
func planOf(t *testing.T, o Options) *InstallPlan {
	t.Helper()
	p, err := Plan(context.Background(), o)
	if p == nil {
		t.Fatal("Plan returned no plan")
	}
	if p.Err != err || p.ExitCode != ExitCode(err) || p.Code != ErrorCode(err) {
		t.Fatalf("plan %+v disagrees with its error %v", p, err)
	}
	if p.Proceed != (err == nil && p.Kind != PlanNothingToDo && p.Kind != PlanNone) {
		t.Fatalf("plan %s, error %v, yet proceed = %v", p.Kind, err, p.Proceed)
	}
	return p
}

// unchanged plans o and fails when the plan changed anything under dir.
func unchanged(t *testing.T, dir string, o Options) *InstallPlan {
	t.Helper()
	before := treeOf(t, dir)
	p := planOf(t, o)
	if after := treeOf(t, dir); after != before {
		t.Fatalf("Plan changed %s:\n%s\n---\n%s", dir, before, after)
	}
	return p
}

// installTree is treeOf without what every Install run touches in an
// existing install, even one that changes nothing: its log and its lock
// (and so the mtime of the folder that holds them).
func installTree(t *testing.T, dir string) string {
	var keep []string
	for _, l := range strings.Split(treeOf(t, dir), "\n") {
		p, _, _ := strings.Cut(l, " ")
		if b := filepath.Base(p); b == state.LogName || b == state.LockName || b == state.DirName {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

func targetCode(err error) string {
	var te *TargetError
	if errors.As(err, &te) {
		return te.Code
	}
	return ""
}

// The verdicts on real temp prefixes, each one checked against what
// Install then does: the same exit code, and Install changes the folder
// exactly when the plan says it would proceed.
func TestPlanVerdictsMatchInstall(t *testing.T) {
	withEnv(t, fakeEnv(""))
	t.Setenv("XDG_DATA_HOME", filepath.Join(t.TempDir(), "share"))
	root := t.TempDir()
	prefix := filepath.Join(root, "acme")
	v1, v2 := testkit.SmallBundle(t, "2026.11.0"), testkit.SmallBundle(t, "2026.12.0")
	opts := func(b *bundle.Bundle, force bool) Options {
		return Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", Force: force, MaintenanceLauncher: true}
	}
	steps := []struct {
		name      string
		o         Options
		kind      PlanKind
		installed string // the version the plan finds, "" = none
		code      string
	}{
		{"fresh", opts(v1, false), PlanFresh, "", ""},
		{"same version", opts(v1, false), PlanNothingToDo, "2026.11.0", ""},
		{"upgrade", opts(v2, false), PlanUpgrade, "2026.11.0", ""},
		{"refused downgrade", opts(v1, false), PlanDowngrade, "2026.12.0", TargetDowngrade},
		{"forced downgrade", opts(v1, true), PlanDowngrade, "2026.12.0", ""},
	}
	for _, s := range steps {
		p := unchanged(t, root, s.o)
		got := ""
		if p.Installed != nil {
			got = p.Installed.Version
		}
		if p.Kind != s.kind || got != s.installed || targetCode(p.Err) != s.code {
			t.Fatalf("%s: plan %s of installed %q, error %v; want %s of %q, code %q", s.name, p.Kind, got, p.Err, s.kind, s.installed, s.code)
		}
		if p.Subdir != "linux-64" || len(p.Envs) != 2 || p.Envs[0].Name != state.BaseEnv || p.Envs[1].Prefix != filepath.Join(prefix, "envs", "team") {
			t.Fatalf("%s: subdir %q, envs %+v", s.name, p.Subdir, p.Envs)
		}
		before := installTree(t, prefix)
		res, err := Install(context.Background(), s.o)
		if ExitCode(err) != p.ExitCode {
			t.Fatalf("%s: Install exit %d (%v), the plan said %d", s.name, ExitCode(err), err, p.ExitCode)
		}
		changed := installTree(t, prefix) != before
		if changed != p.Proceed || (err == nil && res.Changed != p.Proceed) {
			t.Fatalf("%s: Install changed the prefix: %v (result %+v); the plan said proceed = %v", s.name, changed, res, p.Proceed)
		}
	}
}

// A fresh plan says what the install takes: space by the one formula,
// free space, the envs, the launchers and their files (which Install
// then writes), and nothing is created.
// A bundle file on another file system than the prefix is copied for
// repairs, so the plan counts it in full.
func TestPlanCountsACopiedBundle(t *testing.T) {
	withEnv(t, fakeEnv(""))
	other := "/dev/shm"
	if st, err := os.Stat(other); err != nil || !st.IsDir() || platform.SameFileSystem(other, t.TempDir()) {
		t.Skip("no second file system (/dev/shm) here")
	}
	b := testkit.SmallBundle(t, "2026.11.0")
	dir, err := os.MkdirTemp(other, "onboard-plan-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	data, err := os.ReadFile(b.Path)
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(dir, "bundle.zip")
	if err := os.WriteFile(moved, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mb, err := bundle.Open(moved)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	p := planOf(t, Options{Prefix: filepath.Join(t.TempDir(), "acme"), Bundle: mb, Subdir: "linux-64"})
	pl := mb.Platform("linux-64")
	want := pl.DiskEstimate(MaintenanceAppBytes(), 0, false) - pl.CarriedBytes() + (int64(len(data))+4095)/4096*4096
	if p.NeedBytes != want || p.SharedBytes != 0 {
		t.Fatalf("need %d bytes (%d shared) with the bundle on another file system; want %d (DiskEstimate, the whole file for the archives), none shared", p.NeedBytes, p.SharedBytes, want)
	}
	// the whole file is copied: every platform's archives, and what is
	// not an archive (here 8 MiB before the zip); and so it is counted
	padded := filepath.Join(dir, "padded.zip")
	if err := os.WriteFile(padded, append(make([]byte, 8<<20), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	pb, err := bundle.Open(padded)
	if err != nil {
		t.Skipf("a zip with 8 MiB after it: %v", err)
	}
	defer pb.Close()
	if p2 := planOf(t, Options{Prefix: filepath.Join(t.TempDir(), "acme"), Bundle: pb, Subdir: "linux-64"}); p2.NeedBytes < p.NeedBytes+8<<20 {
		t.Fatalf("need %d bytes for a bundle file 8 MiB larger; %d before", p2.NeedBytes, p.NeedBytes)
	}
}

func TestPlanFreshSaysWhatItWouldWrite(t *testing.T) {
	withEnv(t, fakeEnv(""))
	share := filepath.Join(t.TempDir(), "share")
	t.Setenv("XDG_DATA_HOME", share)
	root := t.TempDir()
	prefix := filepath.Join(root, "acme")
	b := testkit.SmallBundle(t, "2026.11.0")
	o := Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", MaintenanceLauncher: true}
	p := unchanged(t, root, o)
	if !p.Proceed || p.Kind != PlanFresh || p.Installed != nil || p.Recover != "" {
		t.Fatalf("plan %+v", p)
	}
	// the bundle file is on the prefix's file system: its copy for repairs
	// is a hard link, which takes no space
	pl := b.Platform("linux-64")
	if want := pl.DiskEstimate(MaintenanceAppBytes(), 0, false) - pl.CarriedBytes(); pl.CarriedBytes() <= 0 || p.NeedBytes != want || p.NeedBytes <= p.Envs[0].Bytes+p.Envs[1].Bytes {
		t.Fatalf("need %d bytes; DiskEstimate less the linked bundle says %d, the archives alone %d", p.NeedBytes, want, p.Envs[0].Bytes+p.Envs[1].Bytes)
	}
	// it saves the whole file, as du counts it (Welcome's figure counts
	// it so: audit BJ 3), not only this platform's archives
	st, err := os.Stat(b.Path)
	if err != nil {
		t.Fatal(err)
	}
	if whole := (st.Size() + 4095) / 4096 * 4096; p.SharedBytes != whole || whole < pl.CarriedBytes() {
		t.Fatalf("shared %d bytes; the linked bundle file takes %d (its archives %d)", p.SharedBytes, whole, pl.CarriedBytes())
	}
	keep := planOf(t, Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", KeepPackageCache: true})
	if want := pl.DiskEstimate(MaintenanceAppBytes(), 0, true) - pl.CarriedBytes(); keep.NeedBytes != want || !keep.KeepPackageCache {
		t.Fatalf("with a package cache: need %d bytes; DiskEstimate says %d", keep.NeedBytes, want)
	}
	if p.FreeBytes <= 0 || p.PathLimit != 0 || p.Platform != platform.HostTarget().String() {
		t.Fatalf("free %d, path limit %d, platform %q", p.FreeBytes, p.PathLimit, p.Platform)
	}
	if len(p.Launchers) != 1 || p.Launchers[0].Name != "T Maintenance" || len(p.LauncherFiles) == 0 {
		t.Fatalf("launchers %+v, files %q", p.Launchers, p.LauncherFiles)
	}
	for _, f := range p.LauncherFiles {
		if !strings.HasPrefix(f, share) {
			t.Fatalf("launcher file %q is not under XDG_DATA_HOME %q", f, share)
		}
	}
	if _, err := os.Stat(share); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the plan created %s", share)
	}
	if _, err := Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, f := range p.LauncherFiles {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("the plan named %s, which Install did not write: %v", f, err)
		}
	}
	// Installed and healthy, with its launcher record: nothing to write.
	again := planOf(t, o)
	if again.Kind != PlanNothingToDo || len(again.LauncherFiles) != 0 {
		t.Fatalf("plan after the install: %s, launcher files %q", again.Kind, again.LauncherFiles)
	}
	// Without the record (an install finished by a recovery) the
	// launchers are made again, and the plan says so.
	os.Remove(state.LaunchersPath(prefix))
	if again := planOf(t, o); again.Kind != PlanNothingToDo || len(again.LauncherFiles) == 0 {
		t.Fatalf("plan without a launcher record: %s, launcher files %q", again.Kind, again.LauncherFiles)
	}
}

func TestPlanReinstallOtherBundleDamaged(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "acme")
	b := testkit.SmallBundle(t, "2026.11.0")
	o := Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}
	if _, err := Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	// --force on the complete install: a reinstall only because it asks
	forced := o
	forced.Force = true
	if p := planOf(t, forced); p.Kind != PlanReinstall || !p.Forced || !p.Proceed {
		t.Fatalf("forced over the complete install: %s, forced %v, %v", p.Kind, p.Forced, p.Err)
	}
	// a record gone: the same version is installed again
	os.Remove(filepath.Join(prefix, "envs", "team", "conda-meta", "tool-1.0-0.json"))
	if p := planOf(t, o); p.Kind != PlanReinstall || p.Forced || !p.Proceed {
		t.Fatalf("incomplete install: %s, forced %v, %v", p.Kind, p.Forced, p.Err)
	}
	if p := planOf(t, forced); p.Kind != PlanReinstall || p.Forced {
		t.Fatalf("forced over the incomplete install: %s, forced %v", p.Kind, p.Forced)
	}
	manifest := state.ManifestPath(prefix)
	data, _ := os.ReadFile(manifest)
	var m map[string]any
	json.Unmarshal(data, &m)
	m["id"], m["name"] = "org.other", "Other"
	data, _ = json.Marshal(m)
	os.WriteFile(manifest, data, 0o644)
	p := planOf(t, o)
	if p.Kind != PlanOtherBundle || targetCode(p.Err) != TargetOtherBundle || p.ExitCode != ExitTarget || p.Installed.Name != "Other" {
		t.Fatalf("another bundle's install: %+v", p)
	}
	if p := planOf(t, Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", Force: true}); p.Kind != PlanOtherBundle || !p.Proceed {
		t.Fatalf("forced over another bundle: %s, %v", p.Kind, p.Err)
	}
	os.WriteFile(manifest, []byte("{not json"), 0o644)
	if p := planOf(t, o); p.Kind != PlanDamaged || targetCode(p.Err) != TargetDamaged || !strings.Contains(p.Hint, "--force") {
		t.Fatalf("damaged manifest: %+v", p)
	}
}

func TestPlanRefusesBadInput(t *testing.T) {
	withEnv(t, fakeEnv(""))
	b := testkit.SmallBundle(t, "2026.11.0")
	notEmpty := t.TempDir()
	os.WriteFile(filepath.Join(notEmpty, "x"), nil, 0o644)
	tests := []struct {
		name string
		o    Options
		kind PlanKind
		exit int
		code string
	}{
		{"no bundle", Options{Prefix: t.TempDir()}, PlanNone, ExitUsage, "usage"},
		{"relative folder", Options{Prefix: "rel/p", Bundle: b, Subdir: "linux-64"}, PlanNone, ExitUsage, "usage"},
		{"platform not in the bundle", Options{Prefix: filepath.Join(t.TempDir(), "p"), Bundle: b, Subdir: "win-64"}, PlanNone, ExitPlatform, "platform"},
		{"not empty", Options{Prefix: notEmpty, Bundle: b, Subdir: "linux-64"}, PlanFresh, ExitTarget, platform.ProblemNotEmpty},
		{"control characters", Options{Prefix: filepath.Join(t.TempDir(), "a\nb"), Bundle: b, Subdir: "linux-64"}, PlanNone, ExitTarget, platform.ProblemControlChars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planOf(t, tt.o)
			if p.Kind != tt.kind || p.ExitCode != tt.exit || p.Code != tt.code || p.Proceed {
				t.Fatalf("plan %s, exit %d, code %q (%v); want %s, %d, %q", p.Kind, p.ExitCode, p.Code, p.Err, tt.kind, tt.exit, tt.code)
			}
			if _, err := Install(context.Background(), tt.o); ExitCode(err) != tt.exit {
				t.Fatalf("Install: exit %d (%v), the plan said %d", ExitCode(err), err, tt.exit)
			}
		})
	}
}

// A folder whose path goes through a loop of symlinks is no folder, not a
// damaged install to repair or --force over (audit BA 2), whether the loop
// is on the way or the folder itself.
func TestPlanRefusesASymlinkLoop(t *testing.T) {
	withEnv(t, fakeEnv(""))
	b := testkit.SmallBundle(t, "2026.11.0")
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "b"), filepath.Join(dir, "a")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "b"))
	for _, prefix := range []string{filepath.Join(dir, "a", "x"), filepath.Join(dir, "a")} {
		for _, force := range []bool{false, true} {
			o := Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", Force: force}
			p := planOf(t, o)
			if p.ExitCode != ExitTarget || p.Proceed || !strings.Contains(fmt.Sprint(p.Err), "a loop") || strings.Contains(fmt.Sprint(p.Err), "damaged") {
				t.Errorf("plan of %s (force %v): exit %d, %v; want exit %d, a loop", prefix, force, p.ExitCode, p.Err, ExitTarget)
			}
			if _, err := Install(context.Background(), o); ExitCode(err) != ExitTarget || strings.Contains(HintFor(err), "repair") {
				t.Errorf("Install into %s (force %v): exit %d, %v (%s)", prefix, force, ExitCode(err), err, HintFor(err))
			}
		}
	}
}

// The folder may change between the plan and the install: Install checks
// again.
func TestInstallChecksAgainAfterThePlan(t *testing.T) {
	withEnv(t, fakeEnv(""))
	dir := t.TempDir()
	o := Options{Prefix: dir, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}
	if p := planOf(t, o); !p.Proceed {
		t.Fatalf("an empty folder: %v", p.Err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	_, err := Install(context.Background(), o)
	if targetCode(err) != platform.ProblemNotEmpty {
		t.Fatalf("Install into a folder that is no longer empty: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("the refused install left %d entries", len(ents))
	}
}

// A Windows prefix whose longest file path passes MAX_PATH is refused by
// the plan, as it would be at Install, and by how much is said.
func TestPlanWindowsPathTooLong(t *testing.T) {
	k := bundle.Package{Name: "tool", Version: "1.0", Build: "0", Fn: "tool-1.0-0.conda", Size: 10, LongestPath: 150}
	b := &bundle.Bundle{Manifest: bundle.Manifest{Name: "Acme", ID: "com.acme.python", Version: "1",
		Platforms: map[string]*bundle.Platform{"win-64": {Base: []bundle.Package{k}, Envs: map[string][]bundle.Package{"team": {k}}}}}}
	win := platform.Target{OS: "windows", Arch: "amd64"}
	host := func(longPaths bool) planHost {
		return planHost{target: win, env: platform.Env{Home: `C:\Users\ann`},
			facts: func(string) platform.PrefixFacts {
				return platform.PrefixFacts{Writable: true, FreeBytes: 1 << 40, LongPathsEnabled: longPaths}
			}}
	}
	long := `C:\Users\ann\AppData\Local\Programs\Some Department\Data Science Platform`
	p, err := planWith(context.Background(), Options{Prefix: long, Bundle: b, Subdir: "win-64"}, host(false))
	if targetCode(err) != platform.ProblemTooLong || ExitCode(err) != ExitTarget || p.PathLimit != 259 || p.LongestPath <= p.PathLimit {
		t.Fatalf("long prefix: %v; longest path %d of %d", err, p.LongestPath, p.PathLimit)
	}
	if want := len(long) + 1 + maxRelPath(b.Platform("win-64"), false); p.LongestPath != want {
		t.Fatalf("longest path %d; want %d", p.LongestPath, want)
	}
	if p, err := planWith(context.Background(), Options{Prefix: long, Bundle: b, Subdir: "win-64"}, host(true)); err != nil || len(p.Warnings()) == 0 {
		t.Fatalf("with long paths enabled: %v, warnings %q; want a warning only", err, p.Warnings())
	}
	// a name Windows refuses is said to be one, not a damaged install
	if _, err := planWith(context.Background(), Options{Prefix: `C:\Tools|x`, Bundle: b, Subdir: "win-64"}, host(false)); targetCode(err) != platform.ProblemBadName || ExitCode(err) != ExitTarget {
		t.Fatalf("a name with |: %v", err)
	}
	if p, err := planWith(context.Background(), Options{Prefix: `C:\acme`, Bundle: b, Subdir: "win-64"}, host(false)); err != nil || p.Kind != PlanFresh || p.LongestPath > p.PathLimit {
		t.Fatalf("short prefix: %v (%d of %d)", err, p.LongestPath, p.PathLimit)
	}
	// a shell set-up asked for on Windows says that it changes nothing
	p, err = planWith(context.Background(), Options{Prefix: `C:\acme`, Bundle: b, Subdir: "win-64", ShellSetup: true}, host(false))
	if err != nil || len(p.ShellFiles) != 0 || !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "shell set-up changes nothing on Windows") }) {
		t.Fatalf("shell set-up on Windows: %v, files %q, notes %q", err, p.ShellFiles, p.Notes)
	}
}

func TestPlanNoSpace(t *testing.T) {
	b := testkit.SmallBundle(t, "2026.11.0")
	h := hostPlanner()
	h.facts = func(prefix string) platform.PrefixFacts {
		f := platform.HostPrefixFacts(prefix)
		f.FreeBytes = 1000
		return f
	}
	p, err := planWith(context.Background(), Options{Prefix: filepath.Join(t.TempDir(), "acme"), Bundle: b, Subdir: "linux-64"}, h)
	if targetCode(err) != platform.ProblemNoSpace || p.FreeBytes != 1000 || p.NeedBytes <= 1000 {
		t.Fatalf("%v: need %d, free %d", err, p.NeedBytes, p.FreeBytes)
	}
}

// An install for all users that this user may not change is refused
// before anything is touched.
func TestPlanSharedInstallNeedsAnAdmin(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "shared")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64", AllUsers: true}); err != nil {
		t.Fatal(err)
	}
	asOtherUser(t)
	o := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}
	p := unchanged(t, filepath.Dir(prefix), o)
	var ae *AdminRequiredError
	if !errors.As(p.Err, &ae) || p.Code != "admin-required" || p.ExitCode != ExitTarget || !strings.Contains(p.Hint, "install for yourself") {
		t.Fatalf("plan %+v", p)
	}
	before := installTree(t, filepath.Dir(prefix))
	if _, err := Install(context.Background(), o); !errors.As(err, &ae) {
		t.Fatalf("Install: %v", err)
	}
	if installTree(t, filepath.Dir(prefix)) != before {
		t.Fatal("the refused install changed the shared install")
	}
	// the same version, healthy: nothing to do, nothing to refuse
	if p := planOf(t, Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); p.Kind != PlanNothingToDo || p.Err != nil {
		t.Fatalf("same version: %s, %v", p.Kind, p.Err)
	}
}

// Another user's install that is not for all users (root's, made without
// --all-users) is refused by the same rule as repair and uninstall (who
// owns the folder), in its own words; the plan went ahead, and the install
// then failed on the first file it could not write.
func TestPlanAnotherUsersInstallIsRefused(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "theirs")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	asOtherUser(t)
	p := unchanged(t, filepath.Dir(prefix), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"})
	var ae *AdminRequiredError
	if !errors.As(p.Err, &ae) || p.ExitCode != ExitTarget || !strings.Contains(p.Err.Error(), "it is another user's") {
		t.Fatalf("plan %+v", p)
	}
}

// An interrupted fresh install leaves a half-made folder: the plan sees
// it as the recovery will leave it (empty: a fresh install) and changes
// nothing; Install then rolls it back and installs.
func TestPlanAfterAnInterruptedFreshInstall(t *testing.T) {
	withEnv(t, fakeEnv(""))
	root := t.TempDir()
	prefix := filepath.Join(root, "acme")
	for _, d := range []string{".onboard", ".condatmp/pkgs", "conda-meta"} {
		os.MkdirAll(filepath.Join(prefix, d), 0o755)
	}
	os.WriteFile(filepath.Join(prefix, "conda-meta", "history"), nil, 0o644)
	o := Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}
	if p := planOf(t, o); p.Err == nil {
		t.Fatal("a half-made folder without a journal was not refused")
	}
	head, _ := json.Marshal(engine.OpHead{Op: "install", Prefix: prefix, Created: prefix, PID: 1, Started: "2026-12-02T00:00:00Z"})
	os.WriteFile(state.OpJournalPath(prefix), append(head, '\n'), 0o644)
	p := unchanged(t, root, o)
	if p.Err != nil || p.Kind != PlanFresh || p.Recover != "install" || !strings.Contains(strings.Join(p.Notes, "\n"), "rolls it back") {
		t.Fatalf("plan %+v", p)
	}
	res, err := Install(context.Background(), o)
	if err != nil || !res.Changed || installed(t, prefix) != "2026.11.0/linux-64" {
		t.Fatalf("Install after the plan: %v, %+v", err, res)
	}
}

// An upgrade killed after it moved the old install aside: the plan is of
// the old install, which the recovery puts back.
func TestPlanAfterAnInterruptedUpgrade(t *testing.T) {
	withEnv(t, fakeEnv(""))
	root := t.TempDir()
	prefix := filepath.Join(root, "acme")
	v1, v2 := testkit.SmallBundle(t, "2026.11.0"), testkit.SmallBundle(t, "2026.12.0")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: v1, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	aside := prefix + ".onboard-old-1"
	ents, _ := os.ReadDir(prefix)
	var before []string
	for _, e := range ents {
		before = append(before, e.Name())
	}
	if err := os.Rename(prefix, aside); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: v2, Subdir: "linux-64"}); err != nil {
		t.Fatal(err) // the half-made new install, here complete but not yet committed
	}
	head, _ := json.Marshal(engine.OpHead{Op: "install", Prefix: prefix, Before: before, PID: 1, Started: "2026-12-02T00:00:00Z"})
	line, _ := json.Marshal(engine.OpLine{Aside: aside})
	os.WriteFile(state.OpJournalPath(prefix), append(append(head, '\n'), append(line, '\n')...), 0o644)

	if p := unchanged(t, root, Options{Prefix: prefix, Bundle: v1, Subdir: "linux-64"}); p.Kind != PlanNothingToDo || p.Recover != "install" {
		t.Fatalf("v1 over the interrupted upgrade: %s (recover %q), %v", p.Kind, p.Recover, p.Err)
	}
	o := Options{Prefix: prefix, Bundle: v2, Subdir: "linux-64"}
	p := unchanged(t, root, o)
	if p.Kind != PlanUpgrade || p.Installed == nil || p.Installed.Version != "2026.11.0" {
		t.Fatalf("v2 over the interrupted upgrade: %+v", p)
	}
	res, err := Install(context.Background(), o)
	if err != nil || !res.Changed || installed(t, prefix) != "2026.12.0/linux-64" {
		t.Fatalf("Install: %v %+v", err, res)
	}
	if _, err := os.Stat(aside); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the old install is still aside: %v", err)
	}
}

func TestPlanKindText(t *testing.T) {
	for k := PlanNone; k <= PlanDamaged; k++ {
		b, _ := k.MarshalText()
		if s := string(b); s == "" || strings.HasPrefix(s, "PlanKind(") || s != k.String() {
			t.Errorf("kind %d reads %q", int(k), s)
		}
	}
	if s := PlanKind(99).String(); s != "PlanKind(99)" {
		t.Errorf("an unknown kind reads %q", s)
	}
}

// A re-run of the same installer on an install where the user removed a
// bundle package with conda (conda-meta/history says so) is the healthy
// install verify calls it: nothing to do, and Install changes nothing. It
// used to plan a reinstall, which undid the removal and dropped every
// package, revision and setting the user had made with conda.
func TestPlanSameVersionAfterCondaRemove(t *testing.T) {
	_, root, o := installedForAUser(t)
	prefix := o.Prefix
	team := filepath.Join(prefix, "envs", "team")
	dist := "tool-1.0-0"
	os.Remove(filepath.Join(team, "bin", "tool"))
	os.Remove(filepath.Join(team, "conda-meta", dist+".json"))
	f, err := os.OpenFile(filepath.Join(team, "conda-meta", "history"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("==> 2026-12-04 10:00:00 <==\n# cmd: conda remove -y tool\n# conda version: 26.7.2\n-https://x.invalid/linux-64::" + dist + "\n# remove specs: ['tool']\n")
	f.Close()
	if p := unchanged(t, root, o); p.Kind != PlanNothingToDo {
		t.Fatalf("plan after conda remove: %s (%v)", p.Kind, p.Err)
	}
	before := installTree(t, prefix)
	if res, err := Install(context.Background(), o); err != nil || res.Changed {
		t.Fatalf("Install after conda remove: %v, %+v", err, res)
	}
	if installTree(t, prefix) != before {
		t.Fatal("the re-run changed the install")
	}
	// the same loss without a history line is damage: the re-run reinstalls
	os.Remove(filepath.Join(prefix, "conda-meta", "python-1.0-0.json"))
	if p := planOf(t, o); p.Kind != PlanReinstall {
		t.Fatalf("plan after a lost record: %s", p.Kind)
	}
}

// `conda env remove -n team` (the folder gone, and conda's environment
// list no longer naming it) is the user's change: verify is healthy and
// says so, a repair of the whole install leaves it, the same installer run
// again changes nothing; 'repair --env team' puts it back. A folder deleted
// by other means (its line kept) is damage.
func TestEnvRemovedWithCondaIsTheUsersChange(t *testing.T) {
	home, root, o := installedForAUser(t)
	prefix := o.Prefix
	team := filepath.Join(prefix, "envs", "team")
	list := filepath.Join(home, ".conda", "environments.txt")
	if data, _ := os.ReadFile(list); !prefix_.HasEnv(data, team) {
		t.Fatalf("the install did not register %s in %s", team, list)
	}
	// what conda env remove does
	os.RemoveAll(team)
	if n, err := prefix_.Unregister(list, team); n != 1 || err != nil {
		t.Fatalf("unregister: %d, %v", n, err)
	}
	r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{})
	if err != nil || !r.Healthy || !slices.Equal(r.Removed, []string{"team"}) ||
		!strings.Contains(strings.Join(r.Notes, "\n"), "the environment team was removed with conda") {
		t.Fatalf("verify: %v, %+v", err, r)
	}
	if res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil || len(res.Fixed) != 0 {
		t.Fatalf("repair of the whole install: %v, %+v", err, res)
	}
	if _, err := os.Stat(team); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("repair put the removed env back: %v", err)
	}
	if p := unchanged(t, root, o); p.Kind != PlanNothingToDo {
		t.Fatalf("plan after conda env remove: %s (%v)", p.Kind, p.Err)
	}
	if res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{Env: "team"}); err != nil || len(res.Fixed) == 0 {
		t.Fatalf("repair --env team: %v, %+v", err, res)
	}
	if r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{}); err != nil || !r.Healthy || len(r.Removed) != 0 {
		t.Fatalf("verify after repair --env team: %v, %+v", err, r)
	}
	// deleted by other means: its line is there, and it is damage
	os.RemoveAll(team)
	if r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{}); err == nil || r.Healthy || len(r.Removed) != 0 {
		t.Fatalf("verify of an env deleted by hand: %v, %+v", err, r)
	}
	// and where the list never named the install (another user's, or an
	// install for all users verified by another administrator), an env
	// gone is damage too
	other := filepath.Join(t.TempDir(), "environments.txt")
	os.WriteFile(other, []byte("/somewhere/else\n"), 0o644)
	if r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{EnvironmentsTxt: other}); err == nil || r.Healthy || len(r.Removed) != 0 {
		t.Fatalf("verify with a list that never named the install: %v, %+v", err, r)
	}
	if p := planOf(t, o); p.Kind != PlanReinstall {
		t.Fatalf("plan after an env deleted by hand: %s", p.Kind)
	}
}

// An env of the bundle's name that the user removed and made again with
// conda (its history starts with conda's command) is the user's: verify
// leaves it alone with a note, also when asked for that env alone, repair
// puts none of the bundle's packages into it, and the installer run again
// has nothing to do. Before, verify called its records missing, repair
// linked the bundle's packages into the user's env (two records of one
// name), and a re-run replaced the env.
func TestEnvMadeAgainWithCondaIsTheUsers(t *testing.T) {
	home, root, o := installedForAUser(t)
	prefix := o.Prefix
	team := filepath.Join(prefix, "envs", "team")
	list := filepath.Join(home, ".conda", "environments.txt")
	// conda env remove -n team, then conda create -n team with one package
	os.RemoveAll(team)
	prefix_.Unregister(list, team)
	os.MkdirAll(filepath.Join(team, "conda-meta"), 0o755)
	os.WriteFile(filepath.Join(team, "conda-meta", "history"), []byte("==> 2026-12-04 10:00:00 <==\n# cmd: "+
		filepath.Join(prefix, "bin", "conda")+" create -n team mine\n# conda version: 26.7.2\n+local::mine-1.0-0\n# update specs: ['mine']\n"), 0o644)
	os.MkdirAll(filepath.Join(team, "share"), 0o755)
	os.WriteFile(filepath.Join(team, "share", "mine.txt"), []byte("mine\n"), 0o644)
	sum := sha256.Sum256([]byte("mine\n"))
	os.WriteFile(filepath.Join(team, "conda-meta", "mine-1.0-0.json"), []byte(fmt.Sprintf(`{"name": "mine", "version": "1.0", "build": "0", "build_number": 0, "files": ["share/mine.txt"], "paths_data": {"paths": [{"_path": "share/mine.txt", "path_type": "hardlink", "sha256": "%x", "size_in_bytes": 5}], "paths_version": 1}}`, sum)), 0o644)
	prefix_.RegisterEnv(list, team)
	before, _ := os.ReadDir(filepath.Join(team, "conda-meta"))
	for _, env := range []string{"", "team"} {
		r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{Env: env})
		if err != nil || !r.Healthy || !slices.Equal(r.Remade, []string{"team"}) ||
			!strings.Contains(strings.Join(r.Notes, "\n"), "the environment team was made with conda") {
			t.Fatalf("verify (env %q): %v, %+v", env, err, r)
		}
		if _, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{Env: env}); err != nil {
			t.Fatalf("repair (env %q): %v", env, err)
		}
		if after, _ := os.ReadDir(filepath.Join(team, "conda-meta")); len(after) != len(before) {
			t.Fatalf("repair (env %q) changed the user's env: %d entries in conda-meta, %d before", env, len(after), len(before))
		}
	}
	if p := unchanged(t, root, o); p.Kind != PlanNothingToDo {
		t.Fatalf("plan with the user's env of that name: %s (%v)", p.Kind, p.Err)
	}
	// it is checked against its own records, as any env made with conda
	// (audit U 6: not at all, and damage there went unreported)
	os.Remove(filepath.Join(team, "share", "mine.txt"))
	r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{})
	if err == nil || !slices.ContainsFunc(r.Problems, func(p maintain.Problem) bool { return p.Env == "team" && p.Path == "share/mine.txt" }) {
		t.Fatalf("verify of a file gone from the user's env: %v, %+v", err, r.Problems)
	}
}

// installedForAUser installs the small bundle into ROOT/acme for a user of
// a fresh home, and returns the home, ROOT and the install's options.
func installedForAUser(t *testing.T) (home, root string, o Options) {
	t.Helper()
	home = t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(t.TempDir(), "share"))
	root = t.TempDir()
	o = Options{Prefix: filepath.Join(root, "acme"), Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}
	if _, err := Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return home, root, o
}

// An install for all users by someone who may not make one is refused up
// front (exit 4, admin-required), by the plan and the install alike, with
// nothing written. It went ahead with exit 0 without the launchers and
// modes only an administrator can make, and verify then called it damaged.
func TestAllUsersNeedsAnAdministrator(t *testing.T) {
	old := canInstallForAllUsers
	canInstallForAllUsers = func() bool { return false }
	defer func() { canInstallForAllUsers = old }()
	root := t.TempDir()
	o := Options{Prefix: filepath.Join(root, "acme"), Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64", AllUsers: true}
	var ae *AdminRequiredError
	if p := planOf(t, o); !errors.As(p.Err, &ae) || p.ExitCode != ExitTarget || ErrorCode(p.Err) != "admin-required" {
		t.Fatalf("plan: %v (exit %d); want admin-required, exit 4", p.Err, p.ExitCode)
	}
	_, err := Install(context.Background(), o)
	if !errors.As(err, &ae) || ExitCode(err) != ExitTarget || !strings.Contains(err.Error(), "for all users") || HintFor(err) == "" {
		t.Fatalf("install: %v (exit %d, hint %q); want admin-required, exit 4", err, ExitCode(err), HintFor(err))
	}
	if left, _ := os.ReadDir(root); len(left) != 0 {
		t.Fatalf("the refused install left %v", left)
	}
}

// An env renamed with conda (`conda rename -n team team2`: a clone, then
// the source deleted, its line left in environments.txt) is the user's
// change, as a removal is: verify says so, healthy; repair of the whole
// install does not make team again beside team2; the installer run again
// has nothing to do (audit U 5: 63 problems, and repair made a second env).
func TestEnvRenamedWithCondaIsTheUsersChange(t *testing.T) {
	home, root, o := installedForAUser(t)
	prefix := o.Prefix
	team, team2 := filepath.Join(prefix, "envs", "team"), filepath.Join(prefix, "envs", "team2")
	list := filepath.Join(home, ".conda", "environments.txt")
	// what conda rename does: clone (a new history that begins with the
	// rename), delete the source, register the clone, keep the old line
	if err := os.Rename(team, team2); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(team2, "conda-meta", "history"), []byte("==> 2026-12-05 10:00:00 <==\n# cmd: "+filepath.Join(prefix, "bin", "conda")+" rename -n team team2\n# conda version: 26.7.2\n"), 0o644)
	f, _ := os.OpenFile(list, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(team2 + "\n")
	f.Close()
	if data, _ := os.ReadFile(list); !prefix_.HasEnv(data, team) {
		t.Fatal("the test needs team's line kept, as conda rename keeps it")
	}
	r, err := maintain.Verify(context.Background(), prefix, maintain.VerifyOptions{})
	if err != nil || !r.Healthy || !slices.Equal(r.Removed, []string{"team"}) ||
		!strings.Contains(strings.Join(r.Notes, "\n"), "the environment team was renamed to team2 with conda") {
		t.Fatalf("verify: %v, %+v", err, r)
	}
	if res, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{}); err != nil || len(res.Fixed) != 0 {
		t.Fatalf("repair of the whole install: %v, %+v", err, res)
	}
	if _, err := os.Stat(team); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("repair made team again beside team2: %v", err)
	}
	if p := unchanged(t, root, o); p.Kind != PlanNothingToDo {
		t.Fatalf("plan after conda rename: %s (%v)", p.Kind, p.Err)
	}
	// a rename of another env says nothing of team
	if prefix_.RenamedTo(filepath.Join(prefix, "envs", "other"), prefix) != "" {
		t.Error("a rename of team is taken for one of another env")
	}
}

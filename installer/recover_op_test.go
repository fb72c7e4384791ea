package installer

// Kill tests of whole operations (issue #17): an install, an upgrade and an
// uninstall are run in a child process (this test binary re-executed) that
// SIGKILLs itself, in effect, at a point chosen by stage and bytes or by a
// named step (seam.Crash); then the same command is run again and must end
// healthy, with nothing left beside the prefix, and an upgrade rolled back
// must have put the old install back byte for byte.

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/internal/seam"
	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/installer/state"
	"onboard/installer/uninstall"
	"onboard/internal/condatest"
	"onboard/internal/fixtures"
	"onboard/platform"
)

// opKill is where the child stops: at the Nth start (1-based) of Stage,
// after Bytes units of it (0 = at its start), or at the seam.Crash Point.
type opKill struct {
	Stage Stage
	N     int
	Bytes int64
	Point string
	keep  bool // (tests only) with --keep-package-cache
}

func (k opKill) String() string {
	if k.Point != "" {
		return k.Point
	}
	return fmt.Sprintf("%s#%d+%d", k.Stage, k.N, k.Bytes)
}

// opRequest is what the child runs.
type opRequest struct {
	Op      string // install, uninstall
	Prefix  string
	Bundle  string
	Maint   string // the file copied as the maintenance app
	FailEnv string // an env whose install fails (to reach the swap back)
	Keep    bool   // --keep-package-cache
	Shell   bool   // --shell-setup
	Kill    opKill
}

// killReporter stops the process (prints STOP and blocks, the parent then
// kills it -9) at k; with k zero it records the stages and their totals.
type killReporter struct {
	k      opKill
	mu     sync.Mutex
	seen   map[Stage]int
	cur    Stage
	n      int
	done   int64
	stages []stageSeen
}

type stageSeen struct {
	s     Stage
	n     int
	total int64
}

func stop() {
	fmt.Println("STOP")
	os.Stdout.Sync()
	select {}
}

func (r *killReporter) Stage(s Stage, total int64) {
	r.mu.Lock()
	if r.seen == nil {
		r.seen = map[Stage]int{}
	}
	r.seen[s]++
	r.cur, r.n, r.done = s, r.seen[s], 0
	r.stages = append(r.stages, stageSeen{s, r.n, total})
	hit := r.k.Stage == s && r.k.N == r.n && r.k.Bytes == 0
	r.mu.Unlock()
	if hit {
		stop()
	}
}

func (r *killReporter) Advance(n int64) {
	r.mu.Lock()
	r.done += n
	hit := r.k.Stage != "" && r.k.Stage == r.cur && r.k.N == r.n && r.k.Bytes > 0 && r.done >= r.k.Bytes
	r.mu.Unlock()
	if hit {
		stop()
	}
}

func (r *killReporter) Item(string) {}

func (o opRequest) options(rep Reporter) Options {
	return Options{Prefix: o.Prefix, Subdir: "linux-64", MaintenanceLauncher: true, KeepPackageCache: o.Keep, ShellSetup: o.Shell, Reporter: rep}
}

// TestHelperOp is not a test: the kill tests run the test binary again in
// this mode, as a child they can kill -9.
func TestHelperOp(t *testing.T) {
	raw := os.Getenv("ONBOARD_OP_REQUEST")
	if raw == "" {
		t.Skip("helper process for the kill tests of whole operations")
	}
	var o opRequest
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		t.Fatal(err)
	}
	maintenanceSource = func() (string, error) { return o.Maint, nil }
	seam.Crash = func(p string) {
		if p == o.Kill.Point {
			stop()
		}
	}
	if o.FailEnv != "" {
		installEnv = func(ctx context.Context, req EnvRequest) (*EnvResult, error) {
			if filepath.Base(req.Prefix) == o.FailEnv {
				return nil, errors.New("planned failure")
			}
			return InstallEnv(ctx, req)
		}
	}
	rep := &killReporter{k: o.Kill}
	var err error
	switch o.Op {
	case "install":
		var b *bundle.Bundle
		if b, err = bundle.Open(o.Bundle); err == nil {
			opts := o.options(rep)
			opts.Bundle = b
			_, err = Install(context.Background(), opts)
		}
	case "uninstall":
		err = uninstall.Run(context.Background(), o.Prefix, uninstall.Options{Reporter: rep})
	case "repair":
		_, err = maintain.Repair(context.Background(), o.Prefix, maintain.RepairOptions{BundlePath: o.Bundle, Reporter: rep})
	}
	fmt.Printf("DONE %v\n", err)
}

// opFixture is a bundle in two versions, an install folder alone in its
// parent, and a fake maintenance app.
type opFixture struct {
	root, prefix, maint string
	bundles             map[string]string // by version
}

// newOpFixture builds the bundles: the real fixture packages (link
// scripts, noarch: python, placeholders, symlinks) and one package of 4 MB
// in 128 files, so that the extract and link stages take measurable time
// and have bytes to stop in.
func newOpFixture(t *testing.T) *opFixture {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	root := t.TempDir()
	f := &opFixture{root: root, prefix: filepath.Join(root, "inst", "acme"), maint: filepath.Join(root, "onboard-app"),
		bundles: map[string]string{}}
	os.WriteFile(f.maint, []byte("#!/bin/sh\necho maintenance app\n"), 0o755)
	var files []condatest.File
	block := make([]byte, 32<<10)
	for i := range 128 {
		for j := range block {
			block[j] = byte(i*31 + j*7 + j>>9)
		}
		files = append(files, condatest.File{Path: fmt.Sprintf("share/big/f%03d.dat", i), Data: append([]byte(nil), block...)})
	}
	big, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "bigdata", Version: "1.0", Build: "0", Subdir: "linux-64", Files: files})
	if err != nil {
		t.Fatal(err)
	}
	fx := fixtures.Dir(t)
	src := map[string]string{filepath.Base(big): big}
	plat := &bundle.Platform{Envs: map[string][]bundle.Package{}}
	for _, env := range []string{state.BaseEnv, "py"} {
		var pkgs []bundle.Package
		for _, rel := range testkit.TestEnvs[env] {
			p := filepath.Join(fx, filepath.FromSlash(rel))
			src[filepath.Base(p)] = p
			pkgs = append(pkgs, testkit.BundlePackage(t, p))
		}
		if env == state.BaseEnv {
			plat.Base = append(pkgs, testkit.BundlePackage(t, big))
		} else {
			plat.Envs[env] = pkgs
		}
	}
	// The newer version has one env more, which a rolled-back upgrade
	// must take out of environments.txt again.
	plat2 := &bundle.Platform{Base: plat.Base, Envs: map[string][]bundle.Package{"more": plat.Base[:1]}}
	for n, e := range plat.Envs {
		plat2.Envs[n] = e
	}
	for v, pl := range map[string]*bundle.Platform{"2026.11.0": plat, "2026.12.0": plat2} {
		m := bundle.Manifest{Schema: bundle.SchemaVersion, Name: "Acme", ID: "org.example.acme", Version: v,
			Created: "2026-11-24T00:00:00Z", Platforms: map[string]*bundle.Platform{"linux-64": pl}}
		out := filepath.Join(root, "bundle-"+v+".zip")
		writeBundleZip(t, out, m, src)
		f.bundles[v] = out
	}
	return f
}

func writeBundleZip(t *testing.T, out string, m bundle.Manifest, src map[string]string) {
	t.Helper()
	zf, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	data, _ := json.Marshal(m)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: bundle.ManifestName, Method: zip.Store})
	w.Write(data)
	seen := map[string]bool{}
	for _, p := range m.Platforms["linux-64"].All() {
		if seen[p.ZipPath()] {
			continue
		}
		seen[p.ZipPath()] = true
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: p.ZipPath(), Method: zip.Store})
		r, err := os.Open(src[p.Fn])
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, r)
		r.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()
}

func (f *opFixture) request(op, version string, k opKill) opRequest {
	return opRequest{Op: op, Prefix: f.prefix, Bundle: f.bundles[version], Maint: f.maint, Kill: k}
}

// install runs Install in this process, as the user's next run would.
func (f *opFixture) install(t *testing.T, version string, rep Reporter) *Result {
	t.Helper()
	b, err := bundle.Open(f.bundles[version])
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	old := maintenanceSource
	maintenanceSource = func() (string, error) { return f.maint, nil }
	defer func() { maintenanceSource = old }()
	opts := f.request("install", version, opKill{}).options(rep)
	opts.Bundle = b
	res, err := Install(context.Background(), opts)
	if err != nil {
		t.Fatalf("install %s: %v", version, err)
	}
	return res
}

// installKeep installs with --keep-package-cache.
func (f *opFixture) installKeep(t *testing.T, rep Reporter) {
	t.Helper()
	b, err := bundle.Open(f.bundles["2026.11.0"])
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	old := maintenanceSource
	maintenanceSource = func() (string, error) { return f.maint, nil }
	defer func() { maintenanceSource = old }()
	o := f.request("install", "2026.11.0", opKill{})
	o.Keep = true
	opts := o.options(rep)
	opts.Bundle = b
	if _, err := Install(context.Background(), opts); err != nil {
		t.Fatalf("install --keep-package-cache: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.prefix, "pkgs")); err != nil {
		t.Fatalf("no pkgs/ with --keep-package-cache: %v", err)
	}
}

// killOp runs o in a child and kills it -9 where o.Kill says.
func killOp(t *testing.T, o opRequest) {
	t.Helper()
	raw, _ := json.Marshal(o)
	killHelper(t, "^TestHelperOp$", "ONBOARD_OP_REQUEST="+string(raw))
}

// healthy checks that the prefix holds version, verifies clean, and that
// nothing is left beside it.
func (f *opFixture) healthy(t *testing.T, version string) {
	t.Helper()
	f.check(t, version, true)
}

// check is healthy; launchers says the launchers must have been made.
// A recovery that finished an install killed before its launchers were
// made leaves the record of those it was to make (audit T 2: none, and
// verify said healthy): verify reports them missing, and repair makes
// them.
func (f *opFixture) check(t *testing.T, version string, launchers bool) {
	t.Helper()
	if got := installed(t, f.prefix); got != version+"/linux-64" {
		t.Fatalf("installed %s; want %s", got, version)
	}
	r, err := maintain.Verify(context.Background(), f.prefix, maintain.VerifyOptions{})
	if err != nil && !launchers && len(r.Problems) > 0 && !slices.ContainsFunc(r.Problems, func(p maintain.Problem) bool { return p.Kind != maintain.ProblemLauncher }) {
		if _, rerr := maintain.Repair(context.Background(), f.prefix, maintain.RepairOptions{}); rerr != nil {
			t.Fatalf("repair of the launchers the recovery left unmade: %v", rerr)
		}
		r, err = maintain.Verify(context.Background(), f.prefix, maintain.VerifyOptions{})
		launchers = true
	}
	if err != nil {
		t.Fatalf("verify found %v: %v", kinds(r.Problems), err)
	}
	// The maintenance launcher was made (verify checks what this records).
	if _, err := os.Stat(state.LaunchersPath(f.prefix)); err != nil && launchers {
		t.Fatalf("no launcher record: %v", err)
	}
	f.nothingBeside(t, filepath.Base(f.prefix))
}

// nothingBeside checks that the prefix's folder holds only want.
func (f *opFixture) nothingBeside(t *testing.T, want ...string) {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Dir(f.prefix))
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("beside the prefix: %v; want %v", got, want)
	}
}

// treeHash hashes every path, type, mode, link target and content under
// root. Only .onboard/lock is left out: taking the lock writes its
// holder into it.
func treeHash(t *testing.T, root string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if filepath.ToSlash(rel) == ".onboard/lock" {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %v", rel, fi.Mode())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			tg, _ := os.Readlink(p)
			line += " -> " + tg
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(data)
			line += " " + hex.EncodeToString(s[:])
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatalf("hash %q: %v", root, err)
	}
	sort.Strings(lines)
	s := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(s[:])
}

// killPoints are the kills to try: every stage a reference run reports, at
// its start and half-way through its bytes when it counts some, plus the
// named points.
func killPoints(stages []stageSeen, points ...string) []opKill {
	var out []opKill
	for _, s := range stages {
		if s.s == StageRollback {
			continue
		}
		out = append(out, opKill{Stage: s.s, N: s.n})
		if s.total > 1 && (s.s == StageExtract || s.s == StageLink) {
			out = append(out, opKill{Stage: s.s, N: s.n, Bytes: s.total / 2})
		}
	}
	for _, p := range points {
		out = append(out, opKill{Point: p})
	}
	return out
}

// TestKilledFreshInstallRunsAgain kills a fresh install at every stage and
// named step; the same install run again must say the last one was
// interrupted (unless it was killed before it changed anything), and end
// healthy with nothing beside the prefix. A folder that existed empty
// before stays, as it was, after the rollback.
func TestKilledFreshInstallRunsAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per stage")
	}
	f := newOpFixture(t)
	ref := &killReporter{}
	f.install(t, "2026.11.0", ref)
	f.healthy(t, "2026.11.0")
	points := killPoints(ref.stages, "begun", "finish", "commit")
	// With --keep-package-cache the archives are first copied to pkgs/
	// (the first extract stage counts their bytes).
	keep := &killReporter{}
	os.RemoveAll(filepath.Dir(f.prefix))
	f.installKeep(t, keep)
	nKeep := 0
	for _, s := range keep.stages {
		if s.s == StageExtract && s.n == 1 {
			points = append(points, opKill{Stage: s.s, N: 1, Bytes: s.total / 2, keep: true})
			nKeep++
		}
	}
	if nKeep != 1 {
		t.Fatalf("stages with --keep-package-cache: %v; want an extract stage first", keep.stages)
	}
	for i, k := range points {
		name := k.String()
		if k.keep {
			name += "-keep-package-cache"
		}
		t.Run(name, func(t *testing.T) {
			os.RemoveAll(filepath.Dir(f.prefix))
			emptyBefore := i%2 == 1 // half the runs install into an existing empty folder
			if emptyBefore {
				os.MkdirAll(f.prefix, 0o755)
			}
			o := f.request("install", "2026.11.0", k)
			o.Keep = k.keep
			killOp(t, o)
			if k.keep {
				if _, err := os.Stat(filepath.Join(f.prefix, "pkgs")); err != nil {
					t.Fatalf("killed before pkgs/ was made: %v", err)
				}
			}
			rec, err := RecoverOutcome(context.Background(), f.prefix, t.Logf)
			if err != nil {
				t.Fatalf("recover: %v", err)
			}
			switch {
			case rec.Op != "install":
				t.Fatalf("recovered %+v; want the install", rec)
			case rec.Finished:
				f.check(t, "2026.11.0", false)
			case emptyBefore:
				if ents, err := os.ReadDir(f.prefix); err != nil || len(ents) != 0 {
					t.Fatalf("the empty folder is not as it was after the rollback: %v, %v", ents, err)
				}
				f.nothingBeside(t, "acme")
			default:
				f.nothingBeside(t)
			}
			res := f.install(t, "2026.11.0", nil)
			if rec.Finished == res.Changed {
				t.Errorf("re-run changed = %v after a recovery that finished = %v", res.Changed, rec.Finished)
			}
			f.healthy(t, "2026.11.0")
		})
	}
}

// TestKilledInstallSaysSoOnTheNextRun: the next install itself (no
// explicit recover) rolls back and says so in its notes.
func TestKilledInstallSaysSoOnTheNextRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	f := newOpFixture(t)
	killOp(t, f.request("install", "2026.11.0", opKill{Stage: StageLink, N: 1}))
	if _, err := os.Stat(filepath.Join(f.prefix, ".onboard", "journal.json")); err != nil {
		t.Fatalf("the kill came before the env journal: %v", err)
	}
	res := f.install(t, "2026.11.0", nil)
	if !strings.Contains(strings.Join(res.Notes, "\n"), "the last install was interrupted; what it had done was undone") {
		t.Errorf("notes %q do not say that the last install was rolled back", res.Notes)
	}
	f.healthy(t, "2026.11.0")
}

// TestKilledUpgradeRunsAgain kills an upgrade at every stage, just before
// and after the move-aside, at the finish, and during the swap back after a
// failure. Recovery must put the old install back byte for byte (or finish
// the new one when it was complete) with no -old folder left; the same
// upgrade run again must end healthy at the new version.
func TestKilledUpgradeRunsAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per stage")
	}
	f := newOpFixture(t)
	const v1, v2 = "2026.11.0", "2026.12.0"
	f.install(t, v1, nil)
	ref := &killReporter{}
	f.install(t, v2, ref)
	f.healthy(t, v2)
	type kill struct {
		opKill
		failEnv string
	}
	var kills []kill
	for _, k := range killPoints(ref.stages, "begun", "aside-before", "aside-after", "finish", "commit") {
		if k.Bytes > 0 && k.N > 1 {
			continue // half-way through the bytes: the base env's stages are enough here
		}
		kills = append(kills, kill{opKill: k})
	}
	for _, p := range []string{"swapback-before", "swapback-after"} {
		kills = append(kills, kill{opKill: opKill{Point: p}, failEnv: "py"})
	}
	for _, k := range kills {
		t.Run(k.String(), func(t *testing.T) {
			os.RemoveAll(f.prefix)
			f.install(t, v1, nil)
			// an environment the user made with conda, which the upgrade
			// carries into the new install, or the rollback keeps
			mine := filepath.Join(f.prefix, "envs", "mine")
			os.MkdirAll(filepath.Join(mine, "conda-meta"), 0o755)
			os.WriteFile(filepath.Join(mine, "conda-meta", "history"), []byte("==> 2026-12-01 10:00:00 <==\n"), 0o644)
			os.WriteFile(filepath.Join(mine, "notes.txt"), []byte("mine\n"), 0o644)
			envsTxt := filepath.Join(os.Getenv("HOME"), ".conda", "environments.txt")
			if txt, _ := os.ReadFile(envsTxt); !strings.Contains(string(txt), mine+"\n") {
				os.WriteFile(envsTxt, append(txt, mine+"\n"...), 0o644) // as conda create registers it
			}
			old := treeHash(t, f.prefix)
			o := f.request("install", v2, k.opKill)
			o.FailEnv = k.failEnv
			killOp(t, o)
			rec, err := RecoverOutcome(context.Background(), f.prefix, t.Logf)
			if err != nil {
				t.Fatalf("recover: %v", err)
			}
			if rec.Op != "install" {
				t.Fatalf("recovered %+v; want the install", rec)
			}
			if rec.Finished {
				f.check(t, v2, false)
			} else {
				if h := treeHash(t, f.prefix); h != old {
					t.Fatal("the old install is not back byte for byte")
				}
				txt, _ := os.ReadFile(filepath.Join(os.Getenv("HOME"), ".conda", "environments.txt"))
				if strings.Contains(string(txt), filepath.Join(f.prefix, "envs", "more")) {
					t.Fatalf("environments.txt still lists the new version's env after the rollback:\n%s", txt)
				}
				f.healthy(t, v1)
			}
			if b, err := os.ReadFile(filepath.Join(mine, "notes.txt")); string(b) != "mine\n" {
				t.Fatalf("after the recovery the user's env: notes.txt = %q, %v", b, err)
			}
			f.install(t, v2, nil)
			f.healthy(t, v2)
			if b, err := os.ReadFile(filepath.Join(mine, "notes.txt")); string(b) != "mine\n" {
				t.Fatalf("after the upgrade the user's env: notes.txt = %q, %v", b, err)
			}
			if left, _ := filepath.Glob(f.prefix + ".onboard-old-*"); len(left) != 0 {
				t.Errorf("old prefixes left behind: %v", left)
			}
		})
	}
}

// An upgrade killed once it is complete ("finish") but before its
// launchers and shell block are made: the recovery finishes it and removes
// the old ones, and the record saved before "finish" names the new ones,
// so verify reports them missing and repair makes them (audit T 2: no
// record, verify said healthy and repair had nothing to do).
func TestKilledAtFinishLeavesTheLaunchersToRepair(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	f := newOpFixture(t)
	b, err := bundle.Open(f.bundles["2026.11.0"])
	if err != nil {
		t.Fatal(err)
	}
	old := maintenanceSource
	maintenanceSource = func() (string, error) { return f.maint, nil }
	defer func() { maintenanceSource = old }()
	o := f.request("install", "2026.11.0", opKill{})
	o.Shell = true
	opts := o.options(nil)
	opts.Bundle = b
	_, err = Install(context.Background(), opts)
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(os.Getenv("HOME"), ".bashrc")
	if data, _ := os.ReadFile(rc); !platform.HasShellBlock(data, f.prefix) {
		t.Fatalf("no shell block after the install:\n%s", data)
	}
	up := f.request("install", "2026.12.0", opKill{Point: "finish"})
	up.Shell = true
	killOp(t, up)
	if rec, err := RecoverOutcome(context.Background(), f.prefix, t.Logf); err != nil || !rec.Finished {
		t.Fatalf("recover: %+v, %v; want the upgrade finished", rec, err)
	}
	r, err := maintain.Verify(context.Background(), f.prefix, maintain.VerifyOptions{})
	if err == nil || len(r.Problems) == 0 || slices.ContainsFunc(r.Problems, func(p maintain.Problem) bool { return p.Kind != maintain.ProblemLauncher }) {
		t.Fatalf("verify after the recovery: %v, %v; want the launchers and the shell block missing", kinds(r.Problems), err)
	}
	if !slices.ContainsFunc(r.Problems, func(p maintain.Problem) bool { return p.Path == rc }) {
		t.Errorf("verify does not name the shell block in %s: %+v", rc, r.Problems)
	}
	if _, err := maintain.Repair(context.Background(), f.prefix, maintain.RepairOptions{}); err != nil {
		t.Fatal(err)
	}
	f.healthy(t, "2026.12.0")
	if data, _ := os.ReadFile(rc); !platform.HasShellBlock(data, f.prefix) {
		t.Fatalf("repair did not make the shell block:\n%s", data)
	}
}

// TestKilledUninstallRunsAgain kills an uninstall at each of its stages
// and as it starts deleting the prefix (then deletes part of it, as a
// killed os.RemoveAll would have, manifest included); the same uninstall
// run again must remove everything.
func TestKilledUninstallRunsAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per stage")
	}
	f := newOpFixture(t)
	kills := []opKill{{Stage: StageScripts, N: 1}, {Stage: StageLaunchers, N: 1}, {Stage: StageMetadata, N: 1}, {Point: "removing"}}
	for _, k := range kills {
		t.Run(k.String(), func(t *testing.T) {
			os.RemoveAll(filepath.Dir(f.prefix))
			f.install(t, "2026.11.0", nil)
			killOp(t, f.request("uninstall", "", k))
			if k.Point == "removing" {
				os.RemoveAll(filepath.Join(f.prefix, ".onboard"))
				os.RemoveAll(filepath.Join(f.prefix, "envs"))
			}
			if err := uninstall.Run(context.Background(), f.prefix, uninstall.Options{}); err != nil {
				t.Fatalf("uninstall again: %v", err)
			}
			f.nothingBeside(t)
			if txt, _ := os.ReadFile(filepath.Join(os.Getenv("HOME"), ".conda", "environments.txt")); strings.Contains(string(txt), f.prefix) {
				t.Errorf("environments.txt still names the prefix:\n%s", txt)
			}
			if left, _ := filepath.Glob(filepath.Join(os.Getenv("HOME"), ".local", "share", "applications", "*.desktop")); len(left) > 0 {
				t.Errorf("launchers left: %v", left)
			}
		})
	}
	// Killed as it starts (the launchers gone, the install there): any
	// next command finishes it, as README says of a started uninstall.
	t.Run("then verify", func(t *testing.T) {
		os.RemoveAll(filepath.Dir(f.prefix))
		f.install(t, "2026.11.0", nil)
		killOp(t, f.request("uninstall", "", opKill{Stage: StageLaunchers, N: 1}))
		_, err := maintain.Verify(context.Background(), f.prefix, maintain.VerifyOptions{})
		if ExitCode(err) != ExitTarget || !strings.Contains(err.Error(), "was finished") || strings.Contains(HintFor(err), "nothing was changed") {
			t.Fatalf("verify after a killed uninstall: %v (hint %q); want it finished, and said so", err, HintFor(err))
		}
		f.nothingBeside(t)
		if left, _ := filepath.Glob(filepath.Join(os.Getenv("HOME"), ".local", "share", "applications", "*.desktop")); len(left) > 0 {
			t.Errorf("launchers left: %v", left)
		}
	})
}

// TestKilledRepairRunsAgain kills a repair of a damaged install at the
// start and half-way through the bytes of each of its stages (verify, the
// re-links, verify again); the same repair run again must end with the
// tree of the install as it was before the damage.
func TestKilledRepairRunsAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per stage")
	}
	f := newOpFixture(t)
	f.install(t, "2026.11.0", nil)
	before := testkit.Snapshot(t, f.prefix)
	damage := func() {
		os.Remove(filepath.Join(f.prefix, "share", "big", "f007.dat"))
		testkit.ReplaceFile(t, filepath.Join(f.prefix, "share", "big", "f100.dat"), "damaged")
		os.Remove(filepath.Join(f.prefix, "envs", "py", "bin", "conda-index-pkg-a"))
	}
	damage()
	ref := &killReporter{}
	if _, err := maintain.Repair(context.Background(), f.prefix, maintain.RepairOptions{BundlePath: f.bundles["2026.11.0"], Reporter: ref}); err != nil {
		t.Fatalf("reference repair: %v", err)
	}
	var points []opKill
	for _, s := range ref.stages {
		points = append(points, opKill{Stage: s.s, N: s.n})
		if s.total > 1 {
			points = append(points, opKill{Stage: s.s, N: s.n, Bytes: s.total / 2})
		}
	}
	if len(points) < 4 {
		t.Fatalf("the repair reported stages %v; want verify, link, verify", ref.stages)
	}
	for _, k := range points {
		t.Run(k.String(), func(t *testing.T) {
			damage()
			killOp(t, f.request("repair", "2026.11.0", k))
			if _, err := maintain.Repair(context.Background(), f.prefix, maintain.RepairOptions{BundlePath: f.bundles["2026.11.0"]}); err != nil {
				t.Fatalf("repair again: %v", err)
			}
			if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, f.prefix)); len(d) > 0 {
				t.Fatalf("after the killed repair and a new one the tree differs: %v", d)
			}
			f.healthy(t, "2026.11.0")
		})
	}
}

package wizard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/maintain"
	"onboard/installer/pkg"
	"onboard/installer/state"
)

func manifest() *bundle.Manifest {
	return &bundle.Manifest{Name: "Acme", Version: "2026.11.0", Demo: true,
		Platforms: map[string]*bundle.Platform{"linux-64": {
			Base: []bundle.Package{{Fn: "py.conda", Size: 1000}},
			Envs: map[string][]bundle.Package{"team": {{Fn: "a.conda", Size: 2000}, {Fn: "b.conda", Size: 3000}}, "aaa": {{Fn: "c.conda", Size: 1}}},
		}},
		Launchers: []bundle.Launcher{{Name: "Jupyter Lab", Env: "team", Command: []string{"jupyter", "lab"}}},
	}
}

func TestSummarize(t *testing.T) {
	old := MaintenanceAppBytes
	MaintenanceAppBytes = func() int64 { return 999 }
	defer func() { MaintenanceAppBytes = old }()
	s := Summarize(&bundle.Bundle{Manifest: *manifest()}, "linux-64")
	if len(s.Envs) != 3 || s.Envs[0].Name != "base" || s.Envs[1].Name != "aaa" || s.Envs[2].Packages != 2 {
		t.Fatalf("envs %+v", s.Envs)
	}
	if s.ArchiveBytes != 6001 || s.DiskBytes != 4*6001+999 { // no size facts: 4 × the archives, and the app
		t.Fatalf("bytes %+v", s)
	}
	// a package in two envs (python) is one file of the installer: the
	// total counts it once, as bundle inspect does
	shared := manifest()
	shared.Platforms["linux-64"].Envs["team"] = append(shared.Platforms["linux-64"].Envs["team"], bundle.Package{Fn: "py.conda", Size: 1000})
	if s := Summarize(&bundle.Bundle{Manifest: *shared}, "linux-64"); s.Files != 4 || s.ArchiveBytes != 6001 || s.Envs[2].Packages != 3 {
		t.Fatalf("shared package: %d files, %d bytes, team %d packages", s.Files, s.ArchiveBytes, s.Envs[2].Packages)
	}
	joined := strings.Join(s.Lines(), "\n")
	for _, w := range []string{"demo bundle", "• base: 1 package, 1.0 kB in the installer\n", "\n• team: 2 packages, 5.0 kB in the installer", "Space needed on disk: about 25.0 kB (for 64-bit Linux)."} {
		if !strings.Contains(joined, w) {
			t.Fatalf("lines lack %q:\n%s", w, joined)
		}
	}
	// a base is said to have conda when it has; Miniconda is never assumed
	m := manifest()
	m.Platforms["linux-64"].Base = append(m.Platforms["linux-64"].Base, bundle.Package{Name: "conda", Fn: "conda.conda"})
	if got := Summarize(&bundle.Bundle{Manifest: *m}, "linux-64").Envs[0].Title(); got != "base, with conda" {
		t.Fatalf("a base with conda is titled %q", got)
	}
	// what the environments are for, in words (audit Y2)
	if got, want := s.EnvsNote(), "Python and its packages go into separate environments: you will work in the aaa or team environment; base holds the tools that manage them."; got != want {
		t.Errorf("EnvsNote %q; want %q", got, want)
	}
	if !strings.Contains(joined, s.EnvsNote()) {
		t.Errorf("the console's lines lack the note:\n%s", joined)
	}
	one := manifest()
	delete(one.Platforms["linux-64"].Envs, "aaa")
	one.Platforms["linux-64"].Base = m.Platforms["linux-64"].Base
	if got, want := Summarize(&bundle.Bundle{Manifest: *one}, "linux-64").EnvsNote(), "Python and its packages go into separate environments: you will work in the team environment; base holds conda, which manages them."; got != want {
		t.Errorf("EnvsNote %q; want %q", got, want)
	}
	// once installed, in the present tense (the maintenance window)
	if got, want := Summarize(&bundle.Bundle{Manifest: *one}, "linux-64").WorkNote(), "You work in the team environment; base holds conda, which manages them."; got != want {
		t.Errorf("WorkNote %q; want %q", got, want)
	}
	none := manifest()
	none.Platforms["linux-64"].Envs = nil
	if got := Summarize(&bundle.Bundle{Manifest: *none}, "linux-64").WorkNote(); got != "" {
		t.Errorf("a bundle of the base alone: WorkNote %q; want none", got)
	}
	if got := Summarize(&bundle.Bundle{Manifest: *none}, "linux-64").EnvsNote(); got != "" {
		t.Errorf("a bundle of the base alone: EnvsNote %q; want none", got)
	}
}

func TestChooseSubdirAndJupyterEnv(t *testing.T) {
	m := manifest()
	if s, err := ChooseSubdir(m, []string{"linux-aarch64", "linux-64"}); err != nil || s != "linux-64" {
		t.Fatalf("%q %v", s, err)
	}
	_, err := ChooseSubdir(m, []string{"win-64"})
	if installer.ExitCode(err) != installer.ExitPlatform {
		t.Fatalf("err %v", err)
	}
	if e := JupyterEnv(m, "linux-64"); e != "team" {
		t.Fatalf("jupyter env %q", e)
	}
	// the start window names Jupyter as the menu does (audit BO 2)
	if n := JupyterName(m, "team"); n != m.Launchers[0].Name || n == "" {
		t.Fatalf("jupyter name %q; want the launcher's %q", n, m.Launchers[0].Name)
	}
	m.Launchers = nil
	if e := JupyterEnv(m, "linux-64"); e != "aaa" {
		t.Fatalf("fallback env %q", e)
	}
	if n := JupyterName(m, "team"); n != "Jupyter" {
		t.Fatalf("jupyter name without a launcher %q", n)
	}
}

func TestFlowValidates(t *testing.T) {
	st := &State{Bundle: &bundle.Bundle{Manifest: *manifest()}, Subdir: "linux-64"}
	f := NewFlow(nil, st)
	if err := f.Next(context.Background()); err != nil || f.Current().ID != StepLicence {
		t.Fatalf("welcome → %v %v", f.Current().Title, err)
	}
	if err := f.Next(context.Background()); !errors.Is(err, ErrLicenceRefused) || f.Current().ID != StepLicence {
		t.Fatalf("refused licence: %v at %s", err, f.Current().Title)
	}
	// with the packages' messages, the refusal names what the box accepts
	st.Messages = []bundle.Package{{Name: "mkl", PrelinkMessages: []pkg.Message{{File: "licence.txt", Text: "terms"}}}}
	if err := f.Next(context.Background()); !errors.Is(err, ErrLicenceRefused) || err.Error() != "you need to accept the licence and the packages' messages to install" {
		t.Fatalf("refused licence and messages: %v", err)
	}
	st.Messages = nil
	st.LicenceAccepted = true
	f.Next(context.Background())
	if err := f.Next(context.Background()); err == nil || f.Current().ID != StepLocation {
		t.Fatalf("empty prefix: %v", err)
	}
	f.Back()
	if f.Current().ID != StepLicence {
		t.Fatal("Back")
	}
	o := st.Options(nil, nil)
	if o.Subdir != "linux-64" || o.AllUsers {
		t.Fatalf("options %+v", o)
	}
}

func TestTracker(t *testing.T) {
	now := time.Unix(0, 0)
	var got []Progress
	tr := &Tracker{Now: func() time.Time { return now }, OnChange: func(p Progress) { got = append(got, p) }}
	tr.Stage(installer.StageVerify, 1000)
	now = now.Add(2 * time.Second)
	tr.Advance(500)
	p := tr.Snapshot()
	if p.Line() != "Verifying files... 50% (500 B of 1.0 kB, 250 B/s, a few seconds left)" || p.BytesPerSec != 250 || !p.LeftKnown {
		t.Fatalf("%+v %q", p, p.Line())
	}
	if p.Num != 0 || p.Count != 0 {
		t.Fatalf("an operation without a plan has numbered steps: %+v", p)
	}
	now = now.Add(10 * time.Millisecond)
	tr.Advance(1) // the same percent, within the interval: no notification
	if len(got) != 2 {
		t.Fatalf("%d notifications", len(got))
	}
	tr.Advance(9) // 51%
	if len(got) != 3 || got[2].Percent != 51 {
		t.Fatalf("a new percent was not reported: %+v", got)
	}
	now = now.Add(2 * time.Second) // nothing reported for a while: the speed falls
	tr.Tick()
	if p := tr.Snapshot(); p.BytesPerSec >= 250 || got[len(got)-1].BytesPerSec != p.BytesPerSec {
		t.Fatalf("after a quiet while: %+v", p)
	}
	tr.Stage(installer.StageLink, 0) // the next stage of a repair starts its own bar
	if p := tr.Snapshot(); p.Percent != 0 || p.Label != "Installing packages" || p.BytesDone != 0 {
		t.Fatalf("%+v", p)
	}
	tr.Finish("Repaired")
	if p := tr.Snapshot(); p.Percent != 100 || !p.Done || p.Title() != "Repaired" {
		t.Fatalf("%+v", p)
	}
}

func TestTrackerNumbersEveryStepOfAnInstall(t *testing.T) {
	for _, copyStep := range []bool{false, true} {
		plan := PlanInstall(manifest(), "linux-64")
		plan.Copy = copyStep // --keep-package-cache: the archives are copied into pkgs/ first
		first := 1
		if copyStep {
			first = 2
		}
		if plan.Steps() != 2+first || plan.Bytes != 6001 || plan.Envs[1].Name != "aaa" {
			t.Fatalf("plan %+v", plan)
		}
		tr := &Tracker{Plan: plan}
		var nums []int
		var pcts []int
		var labels []string
		stage := func(s installer.Stage, total int64) {
			tr.Stage(s, total)
			tr.Advance(total)
			p := tr.Snapshot()
			nums = append(nums, p.Num)
			pcts = append(pcts, p.Percent)
			labels = append(labels, p.Title())
		}
		if copyStep {
			stage(installer.StageExtract, 6001)
		}
		for _, e := range plan.Envs {
			stage(installer.StageExtract, e.Bytes)
			stage(installer.StageLink, 2*e.Bytes)
			if e.Name != "aaa" { // an env without Python compiles nothing
				stage(installer.StageCompile, 3)
			}
			stage(installer.StageMetadata, 2)
		}
		stage(installer.StageLaunchers, 0)
		want := []int{1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}
		if copyStep {
			want = []int{1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4}
			if labels[0] != "[1/4] Copying packages" || labels[1] != "[2/4] base: Unpacking packages" {
				t.Fatalf("titles %q", labels)
			}
		}
		if len(nums) != len(want) || fmt.Sprint(nums) != fmt.Sprint(want) {
			t.Fatalf("copy %v: steps %v, want %v (%q)", copyStep, nums, want, labels)
		}
		for i := 1; i < len(pcts); i++ {
			if pcts[i] < pcts[i-1] {
				t.Fatalf("percent went back: %v", pcts)
			}
		}
		if last := pcts[len(pcts)-1]; last != 99 {
			t.Fatalf("after the last stage %d%%, want 99%% until Finish: %v", last, pcts)
		}
		if last := labels[len(labels)-1]; !strings.HasSuffix(last, "] Creating shortcuts") {
			t.Fatalf("the shortcuts' stage is titled %q; want no env in it (audit BO 7)", last)
		}
		tr.Stage(installer.StageCheck, 10) // a stage out of order never moves the bar back
		if p := tr.Snapshot(); p.Percent != 99 || p.Num != plan.Steps() {
			t.Fatalf("%+v", p)
		}
	}
}

// FindWhere is the one rule of the command line and the windows for the
// install a program acts on when it is given no folder.
func TestFindWhere(t *testing.T) {
	root := t.TempDir()
	manifest := func(prefix, id string) {
		os.MkdirAll(filepath.Join(prefix, ".onboard"), 0o755)
		os.WriteFile(filepath.Join(prefix, ".onboard", "manifest.json"), []byte(`{"name":"Acme","id":"`+id+`","version":"1","subdir":"linux-64","platforms":{"linux-64":{"base":[],"envs":{"team":[]}}}}`), 0o644)
	}
	user, all := filepath.Join(root, "home", "acme"), filepath.Join(root, "opt", "acme")
	defaults := func(_ *bundle.Manifest, allUsers bool) (string, error) {
		if allUsers {
			return all, nil
		}
		return user, nil
	}
	carried := &bundle.Manifest{Name: "Acme", ID: "acme"}

	// the maintenance app: its own install, even with the manifest lost
	own := filepath.Join(root, "own")
	os.MkdirAll(filepath.Join(own, ".onboard"), 0o755)
	if w := FindWhere(filepath.Join(own, ".onboard", "onboard"), carried, defaults); w.Prefix != own || !w.Own {
		t.Fatalf("own app, manifest lost: %+v", w)
	}
	manifest(own, "acme")
	if in, err := ReadInstalled(own); err != nil || in.Subdir != "linux-64" || strings.Join(in.Envs(), ",") != "base,team" {
		t.Fatalf("%+v %v", in, err)
	}
	// the copy conda made in a clone of the base: the install it came from
	clone := filepath.Join(own, "envs", "mybase")
	manifest(clone, "acme")
	if w := FindWhere(filepath.Join(clone, ".onboard", "onboard"), carried, defaults); w.Prefix != own || w.Own || w.CloneEnv != clone {
		t.Fatalf("clone's copy: %+v", w)
	}

	// an installer: its bundle's install in the user's default folder,
	// else the one for all users; another bundle's is none
	dl := filepath.Join(root, "Downloads", "acme-installer")
	if w := FindWhere(dl, nil, defaults); w != (Where{}) {
		t.Fatalf("no bundle carried: %+v", w)
	}
	if w := FindWhere(dl, carried, defaults); w.Prefix != "" || w.Looked != user || w.Name != "Acme" {
		t.Fatalf("nothing installed: %+v", w)
	}
	manifest(all, "acme")
	if w := FindWhere(dl, carried, defaults); w.Prefix != all || w.Own {
		t.Fatalf("installed for all users: %+v", w)
	}
	manifest(user, "other")
	if w := FindWhere(dl, carried, defaults); w.Prefix != all {
		t.Fatalf("another bundle's install in the user's folder taken: %+v", w)
	}
	manifest(user, "acme")
	if w := FindWhere(dl, carried, defaults); w.Prefix != user {
		t.Fatalf("the user's own install not first: %+v", w)
	}
}

func TestExplain(t *testing.T) {
	p := Explain("The install", &installer.TargetError{Path: "/x", Reason: "not writable", Advice: "choose another folder"}, "/l.log")
	if p.Title != "The install failed" || p.Hint != "choose another folder" || !strings.Contains(p.Text(), "Log: /l.log") {
		t.Fatalf("%+v", p)
	}
	plain := Explain("The install", errors.New("boom"), "/l.log")
	if strings.Contains(plain.Hint, "Help") || !strings.Contains(plain.Hint, "log") {
		t.Fatalf("a wizard has no Help menu, yet the hint is %q", plain.Hint)
	}
	if h := plain.WithHelpMenu().Hint; !strings.Contains(h, "Report a problem in the Help menu") {
		t.Fatalf("the maintenance window's hint %q", h)
	}
	if h := p.WithHelpMenu().Hint; h != "choose another folder" {
		t.Fatalf("an engine hint was replaced: %q", h)
	}
	c := Explain("The install", context.Canceled, "")
	if !c.Cancelled || c.Message != "What it had changed was undone." {
		t.Fatalf("%+v", c)
	}
}

// The summary counts the damaged packages, not the environments they are
// in: three damaged packages in one env said "in 1 package".
func TestHealthCountsDamagedPackages(t *testing.T) {
	rep := &maintain.Report{Envs: []string{"base", "team"}, Problems: []maintain.Problem{
		{Env: "team", Package: "a-1-0", Path: "x", Kind: maintain.ProblemMissing},
		{Env: "team", Package: "b-1-0", Path: "y", Kind: maintain.ProblemMissing},
		{Env: "team", Package: "b-1-0", Path: "y2", Kind: maintain.ProblemMissing},
		{Env: "base", Package: "c-1-0", Path: "z", Kind: maintain.ProblemAltered},
	}}
	if h := HealthOfVerify(rep); h.Summary != "4 problems found in 3 packages" {
		t.Fatalf("summary %q", h.Summary)
	}
}

// A repair that found no problem but put back the copy of the bundle
// kept for repairs says what it did, not "nothing needed repair" (audit
// BM 6).
func TestHealthOfARepairThatPutTheKeptBundleBack(t *testing.T) {
	h := HealthOfRepair(&maintain.RepairResult{Fixed: []maintain.Fix{{Env: "base", Action: "put back .onboard/bundle.zip, the copy of the bundle kept for repairs, from /d/i.zip"}}})
	if !h.OK || strings.Contains(h.Summary, "nothing needed repair") || !strings.Contains(h.Summary, "put back .onboard/bundle.zip") {
		t.Fatalf("%+v", h)
	}
}

// The maintenance window's "Size on disk" is what du finds in the env's
// folder (it added up the files' sizes: 14–20% less on a real install).
func TestEnvSizeIsWhatDuFinds(t *testing.T) {
	du, err := exec.LookPath("du")
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("no du here")
	}
	prefix := t.TempDir()
	team := filepath.Join(prefix, "envs", "team")
	for i := range 30 {
		d := filepath.Join(team, "lib", fmt.Sprintf("pkg%d", i%4))
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, fmt.Sprintf("m%d.py", i)), bytes.Repeat([]byte("x"), 100+i*997), 0o644)
	}
	os.Link(filepath.Join(team, "lib", "pkg0", "m0.py"), filepath.Join(team, "twin.py")) // counted once
	got, err := EnvSize(prefix, "team")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(du, "-s", "-B1", team).Output()
	if err != nil {
		t.Skipf("du -B1: %v", err)
	}
	want, _ := strconv.ParseInt(strings.Fields(string(out))[0], 10, 64)
	if got != want {
		t.Fatalf("EnvSize %d, du %d", got, want)
	}
	// base is the prefix without envs/, pkgs/ and the state folder, which
	// MaintenanceSize counts (the app and its bundle made base read as the
	// big env: audit BC 9)
	os.MkdirAll(filepath.Join(prefix, "bin"), 0o755)
	os.WriteFile(filepath.Join(prefix, "bin", "python"), bytes.Repeat([]byte("p"), 5000), 0o755)
	os.MkdirAll(state.Dir(prefix), 0o755)
	os.WriteFile(state.AppPath(prefix), bytes.Repeat([]byte("a"), 300000), 0o755)
	duOf := func(args ...string) int64 {
		out, err := exec.Command(du, append([]string{"-s", "-B1"}, args...)...).Output()
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.ParseInt(strings.Fields(string(out))[0], 10, 64)
		return n
	}
	if got, _ := EnvSize(prefix, "base"); got != duOf("--exclude=./envs", "--exclude=./pkgs", "--exclude=./.onboard", prefix+"/.") {
		t.Errorf("base: EnvSize %d, du without envs, pkgs and .onboard %d", got, duOf("--exclude=./envs", "--exclude=./pkgs", "--exclude=./.onboard", prefix+"/."))
	}
	if got, _ := MaintenanceSize(prefix); got != duOf(state.Dir(prefix)) || got < 300000 {
		t.Errorf("MaintenanceSize %d, du %d", got, duOf(state.Dir(prefix)))
	}
}

// A file of another size is "changed" for people, with both sizes in
// words ("has the wrong size (301 bytes, want 291)" was the engine's).
func TestProblemWordsOfAWrongSize(t *testing.T) {
	got := problemWords(maintain.Problem{Env: "team", Package: "a-1-0", Path: "lib/x.py", Kind: maintain.ProblemWrongSize, Detail: "301 bytes, want 291"})
	if want := "lib/x.py was changed (301 B now, 291 B when installed), of the package a-1-0"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// The maintenance app gone is said as what it is to the person reading
// the window: the program their launchers run (audit BM 5).
func TestProblemWordsOfTheMaintenanceApp(t *testing.T) {
	got := problemWords(maintain.Problem{Env: "base", Path: ".onboard/onboard", Kind: maintain.ProblemApp, Detail: "the maintenance app is gone"})
	if !strings.HasPrefix(got, ".onboard/onboard (the maintenance app, which the launchers run) is missing or damaged") {
		t.Fatalf("got %q; want it to name the maintenance app", got)
	}
}

// Two windows opened in the same second each log to a file of their own
// (they wrote one file, their lines mixed).
func TestOpenLogTwiceInOneSecond(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.Path == b.Path {
		t.Fatalf("both logs are %s", a.Path)
	}
}

// A session log goes to a folder of logs alone, <cache>/onboard/logs: on
// Windows the cache folder is %LOCALAPPDATA%, whose onboard/ holds each
// install's state for the user (audit K).
func TestOpenLogInItsOwnFolder(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", t.TempDir())
	l, err := OpenLog("")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got := filepath.Dir(l.Path); got != filepath.Join(cache, "onboard", "logs") {
		t.Fatalf("the log is in %s", got)
	}
}

// An uninstall goes through the stages of an install, undoing them: with
// UninstallLabels its bar says so, where it read "creating launchers"
// while it removed them and "registering the packages" while it deleted
// the install (audit AX U3). A stage it leaves out keeps its label.
func TestTrackerNamesTheStagesOfAnUninstall(t *testing.T) {
	tr := &Tracker{Labels: UninstallLabels}
	for stage, want := range map[installer.Stage]string{
		installer.StageScripts:   "Running the packages' removal scripts",
		installer.StageLaunchers: "Removing the shortcuts",
		installer.StageMetadata:  "Removing the files",
		installer.StageVerify:    "Verifying files",
	} {
		tr.Stage(stage, 0)
		if got := tr.Snapshot().Label; got != want {
			t.Errorf("uninstall, stage %s: %q; want %q", stage, got, want)
		}
	}
	install := &Tracker{}
	install.Stage(installer.StageLaunchers, 0)
	if got := install.Snapshot().Label; got != "Creating shortcuts" {
		t.Errorf("install, stage %s: %q", installer.StageLaunchers, got)
	}
}

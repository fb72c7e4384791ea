package maintain

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/installer/bundle"
	"onboard/installer/internal/testkit"
	"onboard/installer/prefix"
	"onboard/installer/state"
	"onboard/platform"
)

// condaRemove does what `conda remove` does to an env: the package's files
// and record go, and conda-meta/history gets a revision with its "-" line.
func condaRemove(t *testing.T, envDir, dist string) {
	t.Helper()
	rec, err := state.ReadRecord(filepath.Join(envDir, "conda-meta", dist+".json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rec.Files {
		os.Remove(filepath.Join(envDir, filepath.FromSlash(f)))
	}
	os.Remove(filepath.Join(envDir, "conda-meta", dist+".json"))
	f, err := os.OpenFile(filepath.Join(envDir, "conda-meta", "history"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("==> 2026-12-02 01:31:43 <==\n# cmd: conda remove -y " + rec.Name + "\n# conda version: 26.7.2\n-<unknown>/noarch::" + dist + "\n# remove specs: ['" + rec.Name + "']\n")
	f.Close()
}

// A package the user removed with conda after the install is the user's
// change: verify notes it and stays healthy, and repair does not put it
// back. An env that conda made is checked and named in a note, not damage.
func TestVerifyRespectsCondaChanges(t *testing.T) {
	fi := installFixtures(t)
	py := filepath.Join(fi.Prefix, "envs", "py")
	condaRemove(t, py, sampDist)
	extra := filepath.Join(fi.Prefix, "envs", "extra", "conda-meta")
	os.MkdirAll(extra, 0o755)
	testkit.MustWrite(t, filepath.Join(extra, "history"), "==> 2026-12-02 01:31:34 <==\n# cmd: conda create -n extra\n")

	opts := VerifyOptions{EnvironmentsTxt: "-"}
	r, err := Verify(context.Background(), fi.Prefix, opts)
	if err != nil {
		t.Fatalf("verify after conda remove: %v: %v", kinds(r.Problems), err)
	}
	notes := strings.Join(r.Notes, "\n")
	if !strings.Contains(notes, sampDist+" was removed or replaced with conda") || !strings.Contains(notes, "environment extra is not from the bundle") {
		t.Fatalf("notes:\n%s", notes)
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: "-"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(py, "conda-meta", sampDist+".json")); err == nil {
		t.Fatal("repair put back a package the user removed with conda")
	}

	// the same loss without a history line is damage, and repair fixes it
	fi2 := installFixtures(t)
	os.Remove(filepath.Join(fi2.Prefix, "envs", "py", "conda-meta", sampDist+".json"))
	if r, err := Verify(context.Background(), fi2.Prefix, opts); err == nil || !strings.Contains(strings.Join(kinds(r.Problems), "\n"), "missing_record") {
		t.Fatalf("a record lost without conda: %v, %v", kinds(r.Problems), err)
	}
}

// A launcher whose command is gone from its env while no package's
// problem names it (conda removed the package that had it) starts no
// more: verify says so in a note, and stays healthy. A command a damaged
// package lost is that package's problem, not a second note.
func TestVerifyNotesALauncherWhoseCommandIsGone(t *testing.T) {
	fi := installFixtures(t)
	py := filepath.Join(fi.Prefix, "envs", "py")
	// a command a package of the fixture installs, in bin/ of some env
	var recEnv, recDir, recCmd string
	for env, dir := range map[string]string{BaseEnv: fi.Prefix, "py": py} {
		m, err := state.ReadMeta(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range m.Records {
			for _, f := range r.Files {
				if c, ok := strings.CutPrefix(f, "bin/"); ok && !strings.Contains(c, "/") {
					recEnv, recDir, recCmd = env, dir, c
				}
			}
		}
	}
	if recCmd == "" {
		t.Fatal("no package of the fixture installs a command in bin/")
	}
	fi.Man.Launchers = []bundle.Launcher{{Name: "Tool", Env: "py", Command: []string{"tool"}},
		{Name: "Packaged", Env: recEnv, Command: []string{recCmd}},
		// the demo's: its jupyter runs "lab" itself, no jupyter-lab ever there
		{Name: "Lab", Env: "py", Command: []string{"jupyter", "lab"}}}
	testkit.MustWrite(t, filepath.Join(py, "bin", "jupyter"), "#!/bin/sh\n")
	data, _ := json.Marshal(fi.Man)
	testkit.MustWrite(t, state.ManifestPath(fi.Prefix), string(data))
	if err := platform.SaveRecord(state.LaunchersPath(fi.Prefix), platform.Record{Schema: 1, Prefix: fi.Prefix}); err != nil {
		t.Fatal(err)
	}
	opts := VerifyOptions{EnvironmentsTxt: "-"}
	// a command no package of the env has, with nothing removed with
	// conda: the dispatcher runs it itself (the demo's "jupyter lab")
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil || strings.Contains(strings.Join(r.Notes, "\n"), "launcher") {
		t.Fatalf("a command never there, nothing removed: %v, notes %q", err, r.Notes)
	}
	tool := filepath.Join(py, "bin", "tool")
	testkit.MustWrite(t, tool, "#!/bin/sh\n")
	os.Chmod(tool, 0o755)
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil || strings.Contains(strings.Join(r.Notes, "\n"), "launcher") {
		t.Fatalf("with the commands there: %v, notes %q", err, r.Notes)
	}
	// as conda remove of the package that had it: the file and the
	// history's entry
	os.Remove(tool)
	if err := prefix.AppendHistory(py, prefix.HistoryEntry{Time: time.Now(), Command: "conda remove -n py tool",
		CondaVersion: "24.1.0", Removed: []string{"local/noarch::tool-1.0-0"}}); err != nil {
		t.Fatal(err)
	}
	// the executables the install made in py: the removed tool's bin/tool
	// and bin/jupyter-notebook, never a jupyter-lab
	if err := state.WriteExecutables(state.ExecutablesPath(fi.Prefix, "py"), state.Executables{"tool-1.0-0": {"bin/tool", "bin/jupyter-notebook"}}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(recDir, "bin", recCmd)) // damage: its package's record still lists it
	r, _ := Verify(context.Background(), fi.Prefix, opts)
	notes := strings.Join(r.Notes, "\n")
	if !strings.Contains(notes, `the launcher "Tool" runs bin/tool in py, which is no longer there`) {
		t.Fatalf("notes:\n%s", notes)
	}
	// a subcommand's program that no removed package is known to have had
	// is not "removed with conda", nor its env to be removed (audit BM 8)
	if strings.Contains(notes, `"Lab"`) {
		t.Fatalf("the launcher of jupyter lab, whose jupyter is there, called removed:\n%s", notes)
	}
	// one the removed package did have is: conda remove notebook
	fi.Man.Launchers = append(fi.Man.Launchers, bundle.Launcher{Name: "Notebook", Env: "py", Command: []string{"jupyter", "notebook"}})
	data, _ = json.Marshal(fi.Man)
	testkit.MustWrite(t, state.ManifestPath(fi.Prefix), string(data))
	r, _ = Verify(context.Background(), fi.Prefix, opts)
	if notes := strings.Join(r.Notes, "\n"); !strings.Contains(notes, `the launcher "Notebook" runs bin/jupyter-notebook in py, which is no longer there`) {
		t.Fatalf("the launcher of a subcommand the removed package had:\n%s", notes)
	}
	// what gets it back offline: not conda install by name, which has no
	// channel here (audit AK 3); with a package cache, its archive
	if !strings.Contains(notes, "cannot install it again offline") || !strings.Contains(notes, " env remove -p "+filepath.Join(fi.Prefix, "envs", "py")) || !strings.Contains(notes, "--env py") {
		t.Errorf("the note of an install without a package cache:\n%s", notes)
	}
	archive := filepath.Join(fi.Prefix, "pkgs", "tool-1.0-0.conda")
	testkit.MustWrite(t, archive, "PK")
	testkit.MustWrite(t, filepath.Join(fi.Prefix, "pkgs", "tool-1.0-0", "bin", "tool"), "#!/bin/sh\n")
	r, _ = Verify(context.Background(), fi.Prefix, opts)
	if notes := strings.Join(r.Notes, "\n"); !strings.Contains(notes, " install -p "+filepath.Join(fi.Prefix, "envs", "py")+" --offline "+archive) {
		t.Errorf("the note of an install with a package cache:\n%s", notes)
	}
	os.RemoveAll(filepath.Join(fi.Prefix, "pkgs"))
	r, _ = Verify(context.Background(), fi.Prefix, opts)
	notes = strings.Join(r.Notes, "\n")
	if strings.Contains(notes, `"Packaged"`) || !strings.Contains(strings.Join(kinds(r.Problems), "\n"), "bin/"+recCmd) {
		t.Fatalf("a packaged command lost: problems %v, notes:\n%s", kinds(r.Problems), notes)
	}
}

// conda remove --force of a package others need (python, under the env's
// noarch packages; platformdirs under conda) leaves an env that fails to
// start: verify calls it damaged, naming who needs it, and repair puts
// the bundle's package back (audit AW 1: "Healthy", and repair did
// nothing, while conda could not run).
func TestVerifyCallsAForcedRemovalOfANeededPackageDamage(t *testing.T) {
	fi := installFixtures(t)
	py := filepath.Join(fi.Prefix, "envs", "py")
	const pyDist = "python-3.99.99-0"
	condaRemove(t, py, pyDist)
	opts := VerifyOptions{EnvironmentsTxt: "-"}
	r, err := Verify(context.Background(), fi.Prefix, opts)
	var found *Problem
	for i := range r.Problems {
		if r.Problems[i].Package == pyDist {
			found = &r.Problems[i]
		}
	}
	if err == nil || found == nil || found.Kind != ProblemMissingRecord || !strings.Contains(found.Detail, "sample_noarch_python") || !strings.Contains(found.Detail, "need it") {
		t.Fatalf("verify after a forced removal of python: %+v, %v; want python's record missing, naming who needs it", r.Problems, err)
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: "-"}); err != nil {
		t.Fatalf("repair: %v", err)
	}
	if _, err := os.Stat(filepath.Join(py, "conda-meta", pyDist+".json")); err != nil {
		t.Fatalf("repair did not put python back: %v", err)
	}
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
		t.Fatalf("verify after repair: %v: %v", kinds(r.Problems), err)
	}
}

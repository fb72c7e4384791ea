package maintain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"onboard/installer/engine"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/prefix"
	"onboard/installer/state"
)

// lastHistoryEntry returns the last "==> … <==" block of data.
func lastHistoryEntry(data string) string {
	i := strings.LastIndex(data, "==> ")
	if i < 0 {
		return ""
	}
	return data[i:]
}

// A repair that re-links the same dists adds no history entry: the state
// the history tells is the env's. It wrote what conda's own
// force-reinstall writes, a head without "-"/"+" lines, which conda reads
// as an empty state: its next command then wrote + lines for the whole
// env and lost its own - lines, and a revision rollback to the repair
// planned to remove every package.
func TestRepairWritesHistoryEntry(t *testing.T) {
	fi := installFixtures(t)
	testkit.ReplaceFile(t, filepath.Join(fi.Prefix, "include", "zconf.h"), "garbage")
	os.Remove(filepath.Join(fi.Prefix, "conda-meta", cphDist+".json"))
	hp := prefix.HistoryPath(fi.Prefix)
	old, err := os.ReadFile(hp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	data, err := os.ReadFile(hp)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(old) {
		t.Errorf("repair of the same dists changed the history; it added\n%s", strings.TrimPrefix(string(data), string(old)))
	}
	// Only the env that had damage gets an entry.
	pyHist, _ := os.ReadFile(prefix.HistoryPath(filepath.Join(fi.Prefix, "envs", "py")))
	if strings.Contains(string(pyHist), "onboard repair") {
		t.Errorf("the undamaged env py got a repair entry:\n%s", pyHist)
	}
}

// When the history does not list a package that repair puts back (its
// record was lost and the history tells another state), the entry adds it,
// so that conda's next command does not write a "+" line for it.
func TestRepairHistoryAddsWhatTheHistoryLacks(t *testing.T) {
	fi := installFixtures(t)
	hp := prefix.HistoryPath(fi.Prefix)
	old, err := os.ReadFile(hp)
	if err != nil {
		t.Fatal(err)
	}
	var cphLine string
	var kept []string
	for _, l := range strings.SplitAfter(string(old), "\n") {
		if strings.HasPrefix(l, "+") && strings.HasSuffix(strings.TrimSpace(l), "::"+cphDist) {
			cphLine = strings.TrimSpace(l)
			continue
		}
		kept = append(kept, l)
	}
	if cphLine == "" {
		t.Fatalf("the install's history has no + line for %s:\n%s", cphDist, old)
	}
	testkit.MustWrite(t, hp, strings.Join(kept, ""))
	os.Remove(filepath.Join(fi.Prefix, "conda-meta", cphDist+".json"))
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	data, _ := os.ReadFile(hp)
	entry := lastHistoryEntry(string(data))
	if !strings.Contains(entry, "# cmd: onboard repair --prefix "+fi.Prefix+"\n") || !strings.HasSuffix(entry, "\n"+cphLine+"\n") {
		t.Errorf("repair's history entry is\n%s\nwant it to end with %q", entry, cphLine)
	}
	// The history's state is now exactly the env's records.
	m, err := state.ReadMetaHeads(fi.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	recs := m.Records
	installed := make([]string, len(recs))
	for i, r := range recs {
		installed[i] = r.DistString()
	}
	if rm, add := prefix.HistoryDiff(data, installed); len(rm)+len(add) > 0 {
		t.Errorf("after repair the history differs from the records: -%v +%v", rm, add)
	}
}

// conda-meta/history replaced by a folder: conda refuses the env
// (DirectoryNotACondaEnvironmentError), so verify reports it, and repair
// moves the folder aside (kept) and writes the file again.
func TestHistoryThatIsAFolder(t *testing.T) {
	fi := installFixtures(t)
	hp := prefix.HistoryPath(fi.Prefix)
	os.Remove(hp)
	testkit.MustWrite(t, filepath.Join(hp, "x"), "mine")
	r, _ := Verify(context.Background(), fi.Prefix, VerifyOptions{EnvironmentsTxt: fi.EnvTxt})
	if got := kinds(r.Problems); len(got) != 1 || !strings.Contains(got[0], "history") {
		t.Fatalf("verify: %v; want one history problem", got)
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	if st, err := os.Stat(hp); err != nil || !st.Mode().IsRegular() {
		t.Fatalf("history after repair: %v, %v; want a file", st, err)
	}
	if kept, _ := filepath.Glob(hp + ".not-a-file-*/x"); len(kept) != 1 {
		t.Errorf("the folder that was in the way is not kept beside it: %v", kept)
	}
}

// An env whose records of python and of a noarch: python package that
// sorts before it (conda-index-pkg-a) were both lost: repair links python
// first, as conda's link order does, and finishes in one run. It used to
// link the noarch package first, which failed ("the environment has no
// python package"); the repair then wrote that package's removal into the
// history and called it fixed, and verify from then on took it for the
// user's removal.
func TestRepairLinksInDependencyOrder(t *testing.T) {
	fi := installFixtures(t)
	py := filepath.Join(fi.Prefix, "envs", "py")
	for _, d := range []string{idxDist, "python-3.99.99-0"} {
		if err := os.Remove(filepath.Join(py, "conda-meta", d+".json")); err != nil {
			t.Fatal(err)
		}
	}
	histBefore, _ := os.ReadFile(prefix.HistoryPath(py))
	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if err != nil {
		t.Fatalf("Repair: %v", err)
	}
	for _, d := range []string{idxDist, "python-3.99.99-0"} {
		if _, err := os.Stat(filepath.Join(py, "conda-meta", d+".json")); err != nil {
			t.Fatalf("repair did not put back %s: %v (fixed %+v)", d, err, res.Fixed)
		}
	}
	hist, _ := os.ReadFile(prefix.HistoryPath(py))
	if added := strings.TrimPrefix(string(hist), string(histBefore)); strings.Contains(added, "-") && strings.Contains(added, "::"+idxDist) {
		t.Fatalf("repair wrote a removal:\n%s", added)
	}
	// (the fixture keeps no bundle for repairs: its launchers' checks,
	// which note that, are not this test's)
	if r, err := Verify(context.Background(), fi.Prefix, VerifyOptions{EnvironmentsTxt: fi.EnvTxt, SkipLaunchers: true}); err != nil || len(r.Notes) != 0 {
		t.Fatalf("verify after repair: %v, notes %q", err, r.Notes)
	}
}

// A package whose re-link fails is neither "fixed" in the result nor
// written into the history as removed: verify still finds it damaged, and
// the next repair still puts it back.
func TestFailedRelinkIsNoFixNorRemoval(t *testing.T) {
	fi := installFixtures(t)
	py := filepath.Join(fi.Prefix, "envs", "py")
	os.Remove(filepath.Join(py, "conda-meta", sampDist+".json"))
	os.Remove(filepath.Join(py, "conda-meta", "python-3.99.99-0.json"))
	// sample.py cannot be linked again: a folder with a file of the
	// user's is where it goes
	in := filepath.Join(py, "lib", "python3.99t", "site-packages", "sample.py")
	os.Remove(in)
	testkit.MustWrite(t, filepath.Join(in, "mine.txt"), "x")
	histBefore, _ := os.ReadFile(prefix.HistoryPath(py))
	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
	if err == nil {
		t.Fatal("repair with sample.py not linkable succeeded")
	}
	for _, f := range res.Fixed {
		if f.Env == "py" && f.Package == sampDist {
			t.Fatalf("a package not linked again is listed as fixed: %+v", f)
		}
	}
	hist, _ := os.ReadFile(prefix.HistoryPath(py))
	if e := strings.TrimPrefix(string(hist), string(histBefore)); strings.Contains(e, "::"+sampDist) {
		t.Fatalf("repair wrote a removal of what it failed to link:\n%s", e)
	}
	r, _ := Verify(context.Background(), fi.Prefix, VerifyOptions{EnvironmentsTxt: fi.EnvTxt})
	if !strings.Contains(strings.Join(kinds(r.Problems), "\n"), "missing_record") {
		t.Fatalf("verify after the failed repair: %v, notes %q", kinds(r.Problems), r.Notes)
	}
}

// A history rebuilt by repair names each package as the install's own
// history did (conda's canonical channel, prefix.CanonicalChannel), so
// conda's next command records no channel switch that never happened.
func TestRebuiltHistoryNamesChannelsAsConda(t *testing.T) {
	fi := installFixtures(t)
	py := filepath.Join(fi.Prefix, "envs", "py")
	hp := prefix.HistoryPath(py)
	plus := func(data []byte) []string {
		var out []string
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "+") {
				out = append(out, l)
			}
		}
		sort.Strings(out)
		return out
	}
	// records whose channel is the folder of archives the bundle was
	// built from, as bundle build records it: conda names it "pkgs"
	var want []string
	recs, _ := filepath.Glob(filepath.Join(py, "conda-meta", "*.json"))
	for _, rp := range recs {
		var m map[string]any
		data, _ := os.ReadFile(rp)
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		sub, _ := m["subdir"].(string)
		m["channel"] = "file:///home/builder/team/pkgs/" + sub
		data, _ = json.Marshal(m)
		os.WriteFile(rp, data, 0o644)
		want = append(want, fmt.Sprintf("+pkgs/%s::%s-%s-%s", sub, m["name"], m["version"], m["build"]))
	}
	sort.Strings(want)
	os.Remove(hp)
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatal(err)
	}
	now, _ := os.ReadFile(hp)
	if a, b := want, plus(now); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("conda names the records\n%s\nthe rebuilt history adds\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}

// A --bundle that cannot be used (not a bundle, damaged, untrusted) is
// refused before repair does anything, as a BundleError (exit 3); it used
// to end as "no bundle was found … pass --bundle FILE", exit 1, after the
// rest of the repair.
func TestRepairRefusesAnUnusableBundleUpFront(t *testing.T) {
	fi := installFixtures(t)
	os.Remove(filepath.Join(fi.Prefix, "conda-meta", cphDist+".json"))
	bad := filepath.Join(t.TempDir(), "bundle.zip")
	testkit.MustWrite(t, bad, "not a zip at all")
	before := treeSums(t, fi.Prefix)
	_, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: bad, EnvironmentsTxt: fi.EnvTxt})
	var be *engine.BundleError
	if !errors.As(err, &be) || engine.ExitCode(err) != engine.ExitBundle || !strings.Contains(err.Error(), bad) {
		t.Fatalf("repair with a bad --bundle: %v (exit %d)", err, engine.ExitCode(err))
	}
	if treeSums(t, fi.Prefix) != before {
		t.Fatal("the refused repair changed the install")
	}
}

// treeSums lists each regular file under dir with its size.
func treeSums(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.Contains(p, string(filepath.Separator)+".onboard"+string(filepath.Separator)) {
			st, _ := d.Info()
			fmt.Fprintf(&b, "%s %d\n", p, st.Size())
		}
		return nil
	})
	return b.String()
}

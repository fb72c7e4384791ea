package maintain

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
	"onboard/platform"
)

const (
	zlibDist = "zlib-1.2.11-h7b6447c_3"
	cphDist  = "cph_test_data-0.0.1-0"
	sampDist = "sample_noarch_python-1.0-py_0"
	idxDist  = "conda-index-pkg-a-1.0-pyhed9eced_1"
)

func TestVerifyAndRepairRealPackages(t *testing.T) {
	type damage func(t *testing.T, fi *testkit.Fixture)
	p := func(fi *testkit.Fixture, rel string) string { return filepath.Join(fi.Prefix, filepath.FromSlash(rel)) }
	tests := []struct {
		name   string
		damage damage
		want   []string
	}{
		{"healthy", func(*testing.T, *testkit.Fixture) {}, nil},
		{"replace", func(t *testing.T, fi *testkit.Fixture) { testkit.ReplaceFile(t, p(fi, "include/zconf.h"), "garbage") },
			[]string{"base " + zlibDist + " include/zconf.h wrong_size"}},
		{"replace same size", func(t *testing.T, fi *testkit.Fixture) {
			b, _ := os.ReadFile(p(fi, "include/zconf.h"))
			testkit.ReplaceFile(t, p(fi, "include/zconf.h"), strings.Replace(string(b), "ZCONF_H", "ZCONF_X", 1))
		}, []string{"base " + zlibDist + " include/zconf.h altered"}},
		{"truncate", func(t *testing.T, fi *testkit.Fixture) { os.Truncate(p(fi, "lib/libz.a"), 10) },
			[]string{"base " + zlibDist + " lib/libz.a wrong_size"}},
		{"delete", func(t *testing.T, fi *testkit.Fixture) { os.Remove(p(fi, "include/zlib.h")) },
			[]string{"base " + zlibDist + " include/zlib.h missing"}},
		{"placeholder file edited", func(t *testing.T, fi *testkit.Fixture) {
			b, _ := os.ReadFile(p(fi, "lib/pkgconfig/zlib.pc"))
			testkit.ReplaceFile(t, p(fi, "lib/pkgconfig/zlib.pc"), string(b)+"# corrupted\n")
		}, []string{"base " + zlibDist + " lib/pkgconfig/zlib.pc altered"}},
		{"chmod entry point", func(t *testing.T, fi *testkit.Fixture) { os.Chmod(p(fi, "envs/py/bin/conda-index-pkg-a"), 0o644) },
			[]string{"py " + idxDist + " bin/conda-index-pkg-a altered"}},
		{"program made not executable (a hard link: its package copy too)", func(t *testing.T, fi *testkit.Fixture) {
			os.Chmod(p(fi, "bin/hello-1.0"), 0o644)
		}, []string{"base " + cphDist + " bin/hello-1.0 altered"}},
		{"retarget symlink", func(t *testing.T, fi *testkit.Fixture) {
			os.Remove(p(fi, "lib/alib"))
			os.Symlink("elsewhere", p(fi, "lib/alib"))
		}, []string{"base " + cphDist + " lib/alib wrong_link"}},
		{"symlink stand-in overwritten", func(t *testing.T, fi *testkit.Fixture) { testkit.ReplaceFile(t, p(fi, "lib/libz.so"), "garbage") },
			[]string{"base " + zlibDist + " lib/libz.so wrong_size"}},
		{"delete record", func(t *testing.T, fi *testkit.Fixture) { os.Remove(p(fi, "conda-meta/"+cphDist+".json")) },
			[]string{"base " + cphDist + " conda-meta/" + cphDist + ".json missing_record"}},
		{"invalid record", func(t *testing.T, fi *testkit.Fixture) {
			testkit.MustWrite(t, p(fi, "conda-meta/"+cphDist+".json"), "{")
		},
			[]string{"base " + cphDist + " conda-meta/" + cphDist + ".json unreadable_record"}},
		{"edit in place corrupts the package copy too", func(t *testing.T, fi *testkit.Fixture) {
			testkit.EditInPlace(t, p(fi, "include/zlib.h"), "/* damaged */")
		}, []string{"base " + zlibDist + " include/zlib.h altered"}},
		{"edit in place and archive removed", func(t *testing.T, fi *testkit.Fixture) {
			testkit.EditInPlace(t, p(fi, "include/zlib.h"), "/* damaged */")
			os.Remove(p(fi, "pkgs/"+zlibDist+".tar.bz2"))
		}, []string{"base " + zlibDist + " include/zlib.h altered"}},
		{"package copy and archive removed, record deleted", func(t *testing.T, fi *testkit.Fixture) {
			os.RemoveAll(p(fi, "pkgs/"+cphDist))
			os.Remove(p(fi, "pkgs/"+cphDist+".tar.bz2"))
			os.Remove(p(fi, "conda-meta/"+cphDist+".json"))
		}, []string{"base " + cphDist + " conda-meta/" + cphDist + ".json missing_record"}},
		{"noarch python file edited (conda doctor misses it)", func(t *testing.T, fi *testkit.Fixture) {
			testkit.ReplaceFile(t, p(fi, "envs/py/lib/python3.99t/site-packages/sample.py"), "print('x')\n")
		}, []string{"py " + sampDist + " lib/python3.99t/site-packages/sample.py wrong_size"}},
		{"history and environments.txt", func(t *testing.T, fi *testkit.Fixture) {
			os.Remove(p(fi, "envs/py/conda-meta/history"))
			testkit.MustWrite(t, fi.EnvTxt, "/elsewhere\r\n"+fi.Prefix+"\n")
		}, []string{"py  ENVTXT environments_txt", "py  conda-meta/history history"}},
		{"user file is left alone", func(t *testing.T, fi *testkit.Fixture) { testkit.MustWrite(t, p(fi, "lib/mine.txt"), "mine") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi := installFixtures(t)
			before := testkit.Snapshot(t, fi.Prefix)
			tt.damage(t, fi)
			opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt}
			r, err := Verify(context.Background(), fi.Prefix, opts)
			if r == nil {
				t.Fatalf("Verify: %v", err)
			}
			want := strings.ReplaceAll(strings.Join(tt.want, "\n"), "ENVTXT", fi.EnvTxt)
			if got := strings.Join(kinds(r.Problems), "\n"); got != want {
				t.Fatalf("verify found\n%s\nwant\n%s", got, want)
			}
			res, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt})
			if err != nil {
				t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
			}
			if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
				t.Fatalf("after repair verify found %v: %v", kinds(r.Problems), err)
			}
			diff := testkit.DiffSnapshots(before, testkit.Snapshot(t, fi.Prefix))
			if tt.name == "user file is left alone" {
				if b, _ := os.ReadFile(p(fi, "lib/mine.txt")); string(b) != "mine" {
					t.Fatalf("got lib/mine.txt %q after repair; want it kept", b)
				}
				diff = dropEntry(diff, "new: lib/mine.txt")
			}
			if len(diff) > 0 {
				sort.Strings(diff)
				t.Fatalf("after repair the tree differs from the fresh install:\n%s", strings.Join(diff, "\n"))
			}
		})
	}
}

func dropEntry(ss []string, s string) []string {
	var out []string
	for _, x := range ss {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func TestRepairWithoutAnyArchiveSaysWhatIsLeft(t *testing.T) {
	fi := installFixtures(t)
	testkit.EditInPlace(t, filepath.Join(fi.Prefix, "include", "zlib.h"), "/* damaged */")
	os.Remove(filepath.Join(fi.Prefix, "pkgs", zlibDist+".tar.bz2"))
	os.Remove(state.BundlePath(fi.Prefix))
	// no --bundle, and none carried by the install: no archive anywhere
	// (an unusable --bundle is refused up front instead:
	// TestRepairRefusesAnUnusableBundleUpFront)
	res, err := Repair(context.Background(), fi.Prefix, RepairOptions{EnvironmentsTxt: fi.EnvTxt})
	var re *RepairError
	if !errors.As(err, &re) || engine.ExitCode(err) != engine.ExitFailed {
		t.Fatalf("got %v; want a RepairError (exit 1)", err)
	}
	if got := kinds(res.Left); len(got) != 1 || !strings.Contains(got[0], "include/zlib.h altered") {
		t.Fatalf("got left %v; want the one altered file", got)
	}
}

// withMaintenanceLauncher makes the maintenance launcher of the install
// fi for a user of a fresh home: the record and the home.
func withMaintenanceLauncher(t *testing.T, fi *testkit.Fixture) (platform.Record, string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	tg, env := platform.HostTarget(), platform.HostEnv()
	app := platform.AppInfo{Name: fi.Man.Name, ID: fi.Man.ID, Version: fi.Man.Version, Prefix: fi.Prefix}
	plan, err := platform.Launchers(tg, env, app, []platform.LauncherSpec{{Name: fi.Man.Name + " Maintenance"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := platform.Apply(plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rec, home
}

// entryOf is the .desktop (or other entry) file of rec; the test is
// skipped where the host's launchers have none.
func entryOf(t *testing.T, rec platform.Record) string {
	t.Helper()
	for _, f := range rec.Files {
		if f.Kind == platform.KindEntry {
			return f.Path
		}
	}
	t.Skipf("this host's launcher plan has no entry file: %+v", rec.Files)
	return ""
}

func TestRepairRestoresLaunchers(t *testing.T) {
	fi := installFixtures(t)
	rec, home := withMaintenanceLauncher(t, fi)
	// The shell set-up made ~/.bashrc; a changed record also names a file
	// of the user's, which is no start-up file.
	bashrc, decoy := filepath.Join(home, ".bashrc"), filepath.Join(home, "Documents", "thesis.tex")
	testkit.MustWrite(t, decoy, "years of work\n")
	sh, err := platform.SetupShell([]string{bashrc}, fi.Prefix, engine.ShellBin(fi.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	rec.Merge(sh)
	rec.Shell = append(rec.Shell, platform.ShellEdit{Path: decoy})
	// and a file outside the home, which made repair take the launchers
	// for all users' and drop them
	stray := filepath.Join(t.TempDir(), "stray.png")
	testkit.MustWrite(t, stray, "png")
	rec.Files = append(rec.Files, platform.RecordFile{Path: stray, Kind: platform.KindIcon})
	platform.SaveRecord(state.LaunchersPath(fi.Prefix), rec)
	entry := entryOf(t, rec)
	os.Remove(entry)
	opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt}
	r, _ := Verify(context.Background(), fi.Prefix, opts)
	if got := kinds(r.Problems); len(got) != 1 || !strings.HasSuffix(got[0], entry+" launcher") {
		t.Fatalf("got %v; want one launcher problem for %q", got, entry)
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	if _, err := os.Stat(entry); err != nil {
		t.Fatalf("the launcher %q was not restored: %v", entry, err)
	}
	if b, _ := os.ReadFile(decoy); string(b) != "years of work\n" {
		t.Errorf("repair wrote the shell block into %s, which the record named:\n%s", decoy, b)
	}
	after, err := platform.LoadRecord(state.LaunchersPath(fi.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Shell) != 1 || after.Shell[0].Path != bashrc || !after.Shell[0].Created {
		t.Errorf("the record's shell edits after repair: %+v; want ~/.bashrc, still one the install created", after.Shell)
	}
	// the folders the install made in the fresh home stay its own, for
	// uninstall to remove (audit AI 2: the rewritten record forgot them)
	if len(rec.Made) == 0 || !slices.Equal(after.Made, rec.Made) {
		t.Errorf("the folders the install made: %q before repair, %q after", rec.Made, after.Made)
	}
}

// A record something else edited may list paths outside the env: verify
// does not read them and repair does not write them.
func TestVerifyAndRepairStayInsideTheEnv(t *testing.T) {
	fi := installFixtures(t)
	rec := filepath.Join(fi.Prefix, "conda-meta", zlibDist+".json")
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	testkit.MustWrite(t, rec, strings.ReplaceAll(string(b), `"include/zconf.h"`, `"../outside.h"`))
	out := filepath.Join(filepath.Dir(fi.Prefix), "outside.h")
	testkit.MustWrite(t, out, "precious\n")
	opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt}
	r, err := Verify(context.Background(), fi.Prefix, opts)
	if r == nil {
		t.Fatalf("Verify: %v", err)
	}
	for _, k := range kinds(r.Problems) {
		if strings.Contains(k, "outside.h") {
			t.Errorf("verify reports %q, a file outside the env", k)
		}
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	if got, _ := os.ReadFile(out); string(got) != "precious\n" {
		t.Errorf("%s after repair = %q; want it untouched", out, got)
	}
}

// A damaged launcher record: repair sets it aside and makes the launchers
// again (before, it failed asking to run repair); uninstall then removes
// them. An install whose record is gone (killed before it saved it) has
// its launchers removed by uninstall too, where they name the install.
func TestDamagedLauncherRecord(t *testing.T) {
	fi := installFixtures(t)
	rec, _ := withMaintenanceLauncher(t, fi)
	entry := entryOf(t, rec)
	path := state.LaunchersPath(fi.Prefix)
	testkit.MustWrite(t, path, `{"schema": 1, "files": [`) // cut short
	os.Remove(entry)
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair of a damaged launcher record: %v", err)
	}
	if _, err := os.Stat(entry); err != nil {
		t.Fatalf("the maintenance launcher was not made again: %v", err)
	}
	if _, err := platform.LoadRecord(path); err != nil {
		t.Fatalf("the record after repair: %v", err)
	}
	// The record gone: uninstall's removal still finds the launcher.
	os.Remove(path)
	if err := engine.RemoveRecordedLaunchers(fi.Prefix, t.Logf); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entry); err == nil {
		t.Error("the launcher of an install without its record was left")
	}
}

// The hint of a repair that could not finish follows its cause: a full
// disk, a read-only one, a file that may not be changed, a missing
// archive; not the same "free disk space, or pass the installer" for all.
func TestRepairErrorHintFollowsTheCause(t *testing.T) {
	for cause, want := range map[error]string{
		&os.PathError{Op: "write", Path: "/p/x", Err: errors.New("no space left on device")}:           "free disk space",
		&os.PathError{Op: "open", Path: "/p/x", Err: errors.New("read-only file system")}:              "read-only",
		&os.PathError{Op: "rename", Path: "/p/x", Err: fs.ErrPermission}:                               "may not be changed",
		errors.New("failed to find an archive of a-1-0: pass a bundle that has it with --bundle FILE"): "--bundle",
		errors.New("something else"): "again",
	} {
		if got := (&RepairError{Left: 1, Causes: []error{cause}}).Hint(); !strings.Contains(got, want) {
			t.Errorf("cause %v: hint %q; want it to say %q", cause, got, want)
		}
	}
	if got := (&RepairError{Left: 1}).Hint(); !strings.Contains(got, "again") { // no cause: problems left all the same
		t.Errorf("hint without a cause: %q", got)
	}
	if got := (&RepairError{Left: 1, Causes: []error{errors.New("other")}}).Hint(); strings.Contains(got, "free disk space") {
		t.Errorf("hint %q blames the disk for another cause", got)
	}
	// a reinstall is said with how: the installer with --force, as a
	// plain install of the installed version does nothing (audit BM 12)
	for _, cause := range []error{errors.New("other"), errors.New("pass a bundle that has it with --bundle FILE")} {
		if got := (&RepairError{Left: 1, Causes: []error{cause}, Prefix: "/p"}).Hint(); !strings.Contains(got, "reinstall: run INSTALLER install --force --prefix /p") {
			t.Errorf("cause %v: hint %q", cause, got)
		}
	}
}

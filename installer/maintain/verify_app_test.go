package maintain

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/state"
	"onboard/platform"
)

// useAppSource makes repair copy path as the maintenance app (it copies
// this program, here the test binary).
func useAppSource(t *testing.T, path string) {
	t.Helper()
	old := appSource
	appSource = func() (string, error) { return path, nil }
	t.Cleanup(func() { appSource = old })
}

// cutProgram writes the first n bytes of this test's own program to path:
// a program copied half-way.
func cutProgram(t *testing.T, path string, n int64) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, n))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// The maintenance app, which every launcher runs, deleted, emptied, cut
// short or made not executable: verify reports it, and repair puts it
// back (audit BM 5: verify said healthy and repair "nothing to repair",
// with every launcher dead).
func TestVerifyAndRepairTheMaintenanceApp(t *testing.T) {
	src := filepath.Join(t.TempDir(), "onboard")
	testkit.MustWrite(t, src, "#!/bin/sh\necho the running onboard\n")
	useAppSource(t, src)
	cases := []struct {
		name   string
		damage func(app string)
		detail string
		want   string // the app's content after repair
	}{
		{"deleted", func(app string) { os.Remove(app) }, "is gone", "the running onboard"},
		{"emptied", func(app string) { os.WriteFile(app, nil, 0o755) }, "is empty", "the running onboard"},
		{"cut short", func(app string) { cutProgram(t, app, 64<<10) }, "is cut short", "the running onboard"},
		{"not executable", func(app string) { os.Chmod(app, 0o644) }, "not executable", "maintenance app"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "not executable" && runtime.GOOS == "windows" {
				t.Skip("no mode bits on Windows")
			}
			prefix, envTxt := fakeInstall(t)
			app := state.AppPath(prefix)
			c.damage(app)
			r, err := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: envTxt})
			if r == nil {
				t.Fatalf("Verify: %v", err)
			}
			if got := kinds(r.Problems); len(got) != 1 || got[0] != "base  .onboard/onboard maintenance_app" {
				t.Fatalf("got problems %v; want the maintenance app's alone", got)
			}
			if d := r.Problems[0].Detail; !strings.Contains(d, c.detail) {
				t.Errorf("detail %q; want it to say %q", d, c.detail)
			}
			res, err := Repair(context.Background(), prefix, RepairOptions{EnvironmentsTxt: envTxt})
			if err != nil {
				t.Fatalf("Repair: %v (fixed %+v)", err, res.Fixed)
			}
			if b, _ := os.ReadFile(app); !strings.Contains(string(b), c.want) {
				t.Errorf("the maintenance app after repair holds %q; want %q", b, c.want)
			}
			if fi, err := os.Stat(app); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm()&0o100 == 0 {
				t.Errorf("the maintenance app after repair: %v, %v; want an executable file", fi, err)
			}
			if r, err := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: envTxt}); err != nil {
				t.Errorf("verify after repair: %v %v", err, kinds(r.Problems))
			}
		})
	}
}

// withMadeLaunchers records in the manifest of the install fi that the
// install made its maintenance launcher (as Install records it), makes
// it, and saves its record.
func withMadeLaunchers(t *testing.T, fi *testkit.Fixture) (entry string) {
	t.Helper()
	rec, _ := withMaintenanceLauncher(t, fi)
	entry = entryOf(t, rec)
	if err := platform.SaveRecord(state.LaunchersPath(fi.Prefix), rec); err != nil {
		t.Fatal(err)
	}
	man, err := state.ReadManifest(fi.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	man.Made = &state.Made{Launchers: []string{fi.Man.Name + " Maintenance"}, Menus: true}
	if err := state.WriteManifest(fi.Prefix, man); err != nil {
		t.Fatal(err)
	}
	return entry
}

// The launcher record deleted, from an install whose manifest says it made
// launchers: verify reports it (audit BM 7: "healthy", and the uninstall
// that followed left the icons), and repair makes the launchers and the
// record again. An install that made none (--no-shortcuts) is healthy
// without one.
func TestLostLauncherRecord(t *testing.T) {
	fi := installFixtures(t)
	entry := withMadeLaunchers(t, fi)
	path := state.LaunchersPath(fi.Prefix)
	os.Remove(path)
	os.Remove(entry)
	opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt}
	r, _ := Verify(context.Background(), fi.Prefix, opts)
	if got := kinds(r.Problems); len(got) != 1 || got[0] != "base  .onboard/launchers.json launcher" {
		t.Fatalf("got problems %v; want the lost launcher record's alone", got)
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair: %v", err)
	}
	rec, err := platform.LoadRecord(path)
	if err != nil {
		t.Fatalf("the record after repair: %v", err)
	}
	if _, err := os.Stat(entry); err != nil {
		t.Errorf("the maintenance launcher was not made again: %v", err)
	}
	for _, f := range rec.Files {
		if strings.Contains(filepath.Base(f.Path), "Jupyter") {
			t.Errorf("repair made %s, a launcher the install did not make", f.Path)
		}
	}
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
		t.Errorf("verify after repair: %v %v", err, kinds(r.Problems))
	}

	// an install that made no launchers: no record is right
	man, _ := state.ReadManifest(fi.Prefix)
	man.Made = nil
	if err := state.WriteManifest(fi.Prefix, man); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
		t.Errorf("verify of an install that made no launchers, without a record: %v %v", err, kinds(r.Problems))
	}
}

// The whole state folder deleted from an install (audit BM 9: verify said
// healthy, and uninstall refused "not an onboard install", leaving its
// launchers): verify reports it, as the conda settings onboard wrote say
// onboard installed it, and a repair given the install's bundle writes it
// again. A plain conda prefix is no install of onboard's, and healthy.
func TestLostStateFolder(t *testing.T) {
	fi := installFixtures(t)
	src := filepath.Join(t.TempDir(), "onboard")
	testkit.MustWrite(t, src, "#!/bin/sh\necho the running onboard\n")
	useAppSource(t, src)
	condarc := filepath.Join(fi.Prefix, "condarc.d", "onboard.yml")
	os.RemoveAll(state.Dir(fi.Prefix))
	opts := VerifyOptions{EnvironmentsTxt: fi.EnvTxt}
	if r, err := Verify(context.Background(), fi.Prefix, opts); err != nil {
		t.Fatalf("a conda prefix onboard did not install: %v %v; want it healthy", err, kinds(r.Problems))
	}
	testkit.MustWrite(t, condarc, "# written by onboard from the bundle\noffline: true\n")
	r, err := Verify(context.Background(), fi.Prefix, opts)
	if r == nil {
		t.Fatalf("Verify: %v", err)
	}
	if got := kinds(r.Problems); len(got) != 1 || got[0] != "base  .onboard manifest" || err == nil {
		t.Fatalf("got problems %v (%v); want the state folder's alone", got, err)
	}
	if d := r.Problems[0].Detail; !strings.Contains(d, "state folder is gone") || !strings.Contains(d, "repair") {
		t.Errorf("detail %q; want it to say the state folder is gone and how to write it again", d)
	}
	if _, err := Repair(context.Background(), fi.Prefix, RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Repair with the install's bundle: %v", err)
	}
	for _, p := range []string{state.ManifestPath(fi.Prefix), state.AppPath(fi.Prefix)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("after repair: %v", err)
		}
	}
}

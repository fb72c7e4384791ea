package maintain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer"
	"onboard/installer/internal/testkit"
)

// The bundle's conda settings are onboard's to keep (audit U 2): verify
// finds condarc.d/onboard.yml missing or changed, and the base's .condarc
// that an older onboard wrote them to (conda config copies that file into
// ~/.condarc); repair writes them again, keeps a changed copy aside, and
// deletes the old .condarc when it is exactly the bundle's; one the user
// added settings to keeps theirs alone, the whole file kept aside.
func TestVerifyAndRepairTheBundlesSettings(t *testing.T) {
	prefix, _ := installSmall(t)
	envTxt := "-" // not this test's
	ours := filepath.Join(prefix, "condarc.d", "onboard.yml")
	want, err := os.ReadFile(ours)
	if err != nil || !strings.Contains(string(want), "offline: true\n") {
		t.Fatalf("the install's settings: %q, %v", want, err)
	}
	opts := VerifyOptions{EnvironmentsTxt: envTxt, SkipLaunchers: true}
	if r, err := Verify(context.Background(), prefix, opts); err != nil || len(r.Problems) != 0 {
		t.Fatalf("a fresh install: %v, %v", kinds(r.Problems), err)
	}
	repair := func(when string) {
		t.Helper()
		if res, err := Repair(context.Background(), prefix, RepairOptions{EnvironmentsTxt: envTxt}); err != nil {
			t.Fatalf("%s: repair: %v (left %v)", when, err, kinds(res.Left))
		}
		if r, err := Verify(context.Background(), prefix, opts); err != nil || len(r.Problems) != 0 {
			t.Fatalf("%s: verify after the repair: %v, %v", when, kinds(r.Problems), err)
		}
		if b, err := os.ReadFile(ours); string(b) != string(want) {
			t.Fatalf("%s: after the repair onboard.yml = %q, %v", when, b, err)
		}
	}
	check := func(when string, wantKinds ...string) {
		t.Helper()
		r, err := Verify(context.Background(), prefix, opts)
		if err == nil || strings.Join(kinds(r.Problems), "\n") != strings.Join(wantKinds, "\n") {
			t.Fatalf("%s: verify found %v (%v); want %v", when, kinds(r.Problems), err, wantKinds)
		}
	}

	os.Remove(ours)
	check("onboard.yml deleted", "base  condarc.d/onboard.yml settings")
	repair("onboard.yml deleted")

	testkit.MustWrite(t, ours, string(want)+"offline: false\n")
	check("onboard.yml changed", "base  condarc.d/onboard.yml settings")
	repair("onboard.yml changed")
	if b, _ := os.ReadFile(ours + ".changed"); string(b) != string(want)+"offline: false\n" {
		t.Errorf("the changed copy is not kept aside: %q", b)
	}
	// changed again: the copy kept before stays, this one beside it
	testkit.MustWrite(t, ours, string(want)+"offline: false\nsolver: classic\n")
	repair("onboard.yml changed again")
	if b, _ := os.ReadFile(ours + ".changed"); string(b) != string(want)+"offline: false\n" {
		t.Errorf("the copy the first repair kept was replaced: %q", b)
	}
	if b, _ := os.ReadFile(ours + ".changed-2"); string(b) != string(want)+"offline: false\nsolver: classic\n" {
		t.Errorf("the second changed copy is not kept as onboard.yml.changed-2: %q", b)
	}

	// as an older onboard left it
	os.RemoveAll(filepath.Dir(ours))
	testkit.MustWrite(t, filepath.Join(prefix, ".condarc"), string(want))
	check("settings in .condarc", "base  .condarc settings", "base  condarc.d/onboard.yml settings")
	repair("settings in .condarc")
	if _, err := os.Lstat(filepath.Join(prefix, ".condarc")); err == nil {
		t.Error("repair left the bundle's settings in .condarc")
	}

	// the user's settings added to it (conda config --system): repair
	// keeps theirs in it, and moves the file with the bundle's aside
	testkit.MustWrite(t, filepath.Join(prefix, ".condarc"), string(want)+"changeps1: false\n")
	check("settings and the user's in .condarc", "base  .condarc settings")
	repair("settings and the user's in .condarc")
	if b, _ := os.ReadFile(filepath.Join(prefix, ".condarc")); string(b) != "changeps1: false\n" {
		t.Errorf("the user's own settings in .condarc after the repair: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(prefix, ".condarc.changed")); string(b) != string(want)+"changeps1: false\n" {
		t.Errorf("the old .condarc is not kept aside: %q", b)
	}
}

// Copies of the bundle's settings that conda config made from an older
// onboard's .condarc, in an env's .condarc and the user's ~/.condarc
// (each starting with onboard's header), override the bundle's: verify
// names them (audit W1).
func TestVerifyNotesCopiesOfTheBundlesSettings(t *testing.T) {
	prefix, home := installSmall(t)
	copyOf := "# written by onboard from the bundle\noffline: true\nchangeps1: false\n"
	for _, p := range []string{filepath.Join(prefix, "envs", "team", ".condarc"), filepath.Join(home, ".condarc")} {
		testkit.MustWrite(t, p, copyOf)
	}
	r, err := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: "-"})
	notes := strings.Join(r.Notes, "\n")
	for _, p := range []string{filepath.Join(prefix, "envs", "team", ".condarc"), filepath.Join(home, ".condarc")} {
		if !strings.Contains(notes, p+" is a copy of the bundle's conda settings") {
			t.Errorf("verify does not name %s (%v):\n%s", p, err, notes)
		}
	}
	// the user's own settings alone are theirs: nothing said
	testkit.MustWrite(t, filepath.Join(home, ".condarc"), "changeps1: false\n")
	r, _ = Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: "-"})
	if strings.Contains(strings.Join(r.Notes, "\n"), filepath.Join(home, ".condarc")) {
		t.Errorf("a ~/.condarc of the user's own is named:\n%s", strings.Join(r.Notes, "\n"))
	}
}

// installSmall installs testkit's small bundle, whose [condarc] has
// settings, with the real installer, for a home of its own: the prefix
// and the home.
func installSmall(t *testing.T) (prefix, home string) {
	t.Helper()
	root := t.TempDir()
	home, prefix = filepath.Join(root, "home"), filepath.Join(root, "acme")
	t.Setenv("HOME", home)
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.12.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	return prefix, home
}

// A setting of the user's in the base's .condarc (conda config --system)
// that the bundle's settings set too does nothing: conda reads condarc.d
// after it. Verify says so, and where a setting of theirs wins (audit X).
func TestVerifyNotesSystemSettingsTheBundleOverrides(t *testing.T) {
	prefix, _ := installSmall(t)
	testkit.MustWrite(t, filepath.Join(prefix, ".condarc"), "offline: false\nchangeps1: false\n")
	r, err := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: "-", SkipLaunchers: true})
	if err != nil || len(r.Problems) != 0 || !strings.Contains(strings.Join(r.Notes, "\n"), ".condarc sets offline, which the bundle's settings (condarc.d/onboard.yml) set too") {
		t.Fatalf("%v, %v:\n%s", kinds(r.Problems), err, strings.Join(r.Notes, "\n"))
	}
	testkit.MustWrite(t, filepath.Join(prefix, ".condarc"), "changeps1: false\n")
	if r, _ := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: "-", SkipLaunchers: true}); strings.Contains(strings.Join(r.Notes, "\n"), ".condarc sets") {
		t.Errorf("a setting the bundle does not set is named:\n%s", strings.Join(r.Notes, "\n"))
	}
}

package wizard_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/platform"
)

// onboardBin builds the nogui onboard, the program an upgrade runs.
func onboardBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds onboard")
	}
	bin := filepath.Join(t.TempDir(), "onboard")
	cmd := exec.Command("go", "build", "-tags", "nogui", "-o", bin, ".")
	cmd.Dir = "../.."
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build onboard: %v\n%s", err, out)
	}
	return bin
}

func TestCheckForANewerInstallerAndUpgrade(t *testing.T) {
	bin := onboardBin(t)
	t.Setenv("HOME", t.TempDir())
	v1, v2 := wizardtest.BundleFileVersion(t, "2026.11.0"), wizardtest.BundleFileVersion(t, "2026.12.0")
	old := wizardtest.BundleFileVersion(t, "2026.10.0")
	b1, err := bundle.Open(v1)
	if err != nil {
		t.Fatal(err)
	}
	defer b1.Close()
	prefix := filepath.Join(t.TempDir(), "test-python")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b1, Subdir: wizardtest.Subdir()}); err != nil {
		t.Fatal(err)
	}
	in, err := wizard.ReadInstalled(prefix)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		path string
		want wizard.UpgradeVerdict
		says string
	}{
		{v2, wizard.UpgradeNewer, "carries Test Python 2026.12.0; 2026.11.0 is installed"},
		{v1, wizard.UpgradeSame, "the version installed"},
		{old, wizard.UpgradeOlder, "older than the 2026.11.0 installed"},
	} {
		f, err := wizard.ReadInstaller(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if v, msg := wizard.CompareInstaller(in, f); v != c.want || !strings.Contains(msg, c.says) {
			t.Fatalf("%s: verdict %d %q, want %d %q", c.path, v, msg, c.want, c.says)
		}
	}
	other := *in
	other.Manifest.ID = "com.example.other"
	if f, _ := wizard.ReadInstaller(v2); f != nil {
		if v, msg := wizard.CompareInstaller(&other, f); v != wizard.UpgradeOther || !strings.Contains(msg, "not Test Python") {
			t.Fatalf("another bundle: %d %q", v, msg)
		}
	}
	if _, err := wizard.ReadInstaller(filepath.Join(t.TempDir(), "missing")); err == nil || installer.ExitCode(err) != installer.ExitBundle {
		t.Fatalf("a missing file: %v", err)
	}

	f, _ := wizard.ReadInstaller(v2)
	argv := wizard.UpgradeCommand(f, bin, prefix)
	if argv[0] != bin || argv[1] != "install" || argv[2] != "--bundle" || argv[3] != v2 {
		t.Fatalf("argv %q", argv)
	}
	tr := &wizard.Tracker{Plan: wizard.PlanInstall(&f.Manifest, in.Subdir)}
	res, err := wizard.RunUpgrade(context.Background(), argv, tr, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != "2026.12.0" {
		t.Fatalf("result %+v", res)
	}
	if now, err := wizard.ReadInstalled(prefix); err != nil || now.Manifest.Version != "2026.12.0" {
		t.Fatalf("installed now: %+v %v", now, err)
	}
	if p := tr.Snapshot(); p.Num != 2 || p.Stage != installer.StageLaunchers || p.BytesDone == 0 {
		t.Fatalf("the installer's progress did not reach the window: %+v", p)
	}

	// Going back is refused by the installer; its error and hint come through.
	fOld, _ := wizard.ReadInstaller(old)
	_, err = wizard.RunUpgrade(context.Background(), wizard.UpgradeCommand(fOld, bin, prefix), nil, nil)
	var ue *wizard.UpgradeError
	if !errors.As(err, &ue) || ue.ExitCode != installer.ExitTarget || installer.HintFor(err) == "" {
		t.Fatalf("downgrade: %v (%+v)", err, ue)
	}
	// the installer's exit code is the window's too (it was 1 for all)
	if code := installer.ExitCode(err); code != installer.ExitTarget {
		t.Fatalf("downgrade: exit code %d, want the installer's %d", code, installer.ExitTarget)
	}
}

func TestUpgradeCommandOfAnInstaller(t *testing.T) {
	prefix := t.TempDir()
	f := &wizard.InstallerFile{Path: "/dl/onboard-acme-2026.12.0-linux-amd64"}
	got := strings.Join(wizard.UpgradeCommand(f, "/self", prefix), " ")
	want := "/dl/onboard-acme-2026.12.0-linux-amd64 install --prefix " + prefix + " --json --no-launcher --no-maintenance-launcher --no-shortcuts"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	// An install with launchers keeps them, and its packages' menu
	// shortcuts when it made them.
	for _, menus := range []bool{true, false} {
		if err := platform.SaveRecord(state.LaunchersPath(prefix), platform.Record{Schema: 1, Prefix: prefix, Menus: menus}); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(wizard.UpgradeCommand(f, "/self", prefix), " ")
		want := "/dl/onboard-acme-2026.12.0-linux-amd64 install --prefix " + prefix + " --json"
		if !menus {
			want += " --no-shortcuts"
		}
		if got != want {
			t.Errorf("menus %v: got %q, want %q", menus, got, want)
		}
	}
}

// The Welcome step says what the folder it offers already holds, and what
// installing there does to it (audit N: only Location and Options said
// "upgrade").
func TestWelcomeSaysWhatIsInstalled(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	prefix := filepath.Join(t.TempDir(), "test-python")
	open := func(version string) *bundle.Bundle {
		b, err := bundle.Open(wizardtest.BundleFileVersion(t, version))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	if l, _ := wizard.WelcomeInstalled(&open("2026.12.0").Manifest, prefix); l != "" {
		t.Errorf("an empty folder: %q", l)
	}
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: open("2026.11.0"), Subdir: wizardtest.Subdir()}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		version, says string
		warn          bool
	}{
		{"2026.12.0", "Test Python 2026.11.0 is installed in " + prefix + ": this upgrades it to 2026.12.0.", false},
		{"2026.11.0", "Test Python 2026.11.0 is already installed in " + prefix + ".", false},
		{"2026.10.0", "A newer Test Python, 2026.11.0, is installed in " + prefix + ": installing 2026.10.0 there would replace it with an older version.", true},
	} {
		if l, warn := wizard.WelcomeInstalled(&open(c.version).Manifest, prefix); l != c.says || warn != c.warn {
			t.Errorf("%s: %q (warn %v); want %q (warn %v)", c.version, l, warn, c.says, c.warn)
		}
	}
	other := open("2026.12.0").Manifest
	other.ID, other.Name = "org.other", "Other"
	if l, warn := wizard.WelcomeInstalled(&other, prefix); !warn || !strings.Contains(l, "holds another bundle, Test Python 2026.11.0") {
		t.Errorf("another bundle: %q (warn %v)", l, warn)
	}
}

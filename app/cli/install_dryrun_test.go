package cli

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"onboard/installer"
	"onboard/platform"
)

// dryPlan is what the tests read of `install --dry-run --json`.
type dryPlan struct {
	Event     string `json:"event"`
	Kind      string `json:"kind"`
	Proceed   bool   `json:"proceed"`
	Version   string `json:"version"`
	Installed *struct {
		Version string `json:"version"`
	} `json:"installed"`
	Prefix string `json:"prefix"`
	Subdir string `json:"subdir"`
	Envs   []struct {
		Name     string `json:"name"`
		Prefix   string `json:"prefix"`
		Packages int    `json:"packages"`
	} `json:"envs"`
	NeedBytes int64 `json:"need_bytes"`
	FreeBytes int64 `json:"free_bytes"`
	Launchers []struct {
		Name string `json:"name"`
		Env  string `json:"env"`
	} `json:"launchers"`
	LauncherFiles []string `json:"launcher_files"`
	Error         string   `json:"error"`
	Code          string   `json:"code"`
	Hint          string   `json:"hint"`
	ExitCode      int      `json:"exit_code"`
}

// snapshot lists every path under dirs with its mode, size and time.
func snapshot(t *testing.T, dirs ...string) string {
	var b strings.Builder
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			fi, _ := e.Info()
			fmt.Fprintf(&b, "%s %v %d %d\n", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
			return nil
		})
	}
	return b.String()
}

// dry runs `install --dry-run --json` and checks what every dry run
// promises: one JSON object, the exit code it names, nothing changed in
// the folder's parent or the home folder.
func dry(t *testing.T, home, bin, prefix string, args ...string) dryPlan {
	t.Helper()
	before := snapshot(t, filepath.Dir(prefix), home)
	r := run(t, home, bin, append([]string{"install", "--dry-run", "--json", "--prefix", prefix}, args...)...)
	if after := snapshot(t, filepath.Dir(prefix), home); after != before {
		t.Fatalf("the dry run changed something:\n%s---\n%s", before, after)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var p dryPlan
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &p) != nil || p.Event != "plan" {
		t.Fatalf("not one JSON plan object:\n%s\n%s", r.stdout, r.stderr)
	}
	if r.code != p.ExitCode || r.stderr != "" {
		t.Fatalf("exit %d, the plan says %d; stderr %q", r.code, p.ExitCode, r.stderr)
	}
	return p
}

// TestE2EDryRun: `install --dry-run` says what the install would do,
// changes nothing, and exits as the install then does.
func TestE2EDryRun(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, v1 := makeInstaller(t, home, "2026.11.0", nil, nil)
	_, v2 := makeInstaller(t, home, "2026.12.0", nil, nil)
	prefix := filepath.Join(t.TempDir(), "acme")
	sub := []string{"--subdir", "linux-64"}
	install := func(bin string, code int) {
		t.Helper()
		r := run(t, home, bin, append([]string{"install", "--silent", "--prefix", prefix}, sub...)...)
		if r.code != code {
			t.Fatalf("install: exit %d, the dry run said %d\n%s", r.code, code, r.stderr)
		}
	}

	p := dry(t, home, v1, prefix, sub...)
	if p.Kind != "fresh" || !p.Proceed || p.ExitCode != 0 || p.Version != "2026.11.0" || p.Installed != nil || p.Prefix != prefix || p.Subdir != "linux-64" {
		t.Fatalf("fresh: %+v", p)
	}
	if len(p.Envs) != 2 || p.Envs[0].Name != "base" || p.Envs[1].Prefix != filepath.Join(prefix, "envs", "team") || p.Envs[1].Packages != 2 {
		t.Fatalf("envs %+v", p.Envs)
	}
	if p.NeedBytes <= 0 || p.FreeBytes <= 0 {
		t.Fatalf("need %d, free %d", p.NeedBytes, p.FreeBytes)
	}
	if len(p.Launchers) != 2 || p.Launchers[0].Name != "Jupyter Lab" || p.Launchers[0].Env != "team" || p.Launchers[1].Env != "" {
		t.Fatalf("launchers %+v", p.Launchers)
	}
	for _, f := range p.LauncherFiles {
		if !strings.HasPrefix(f, filepath.Join(home, "share")) {
			t.Fatalf("launcher file %s is not in the home's XDG_DATA_HOME", f)
		}
	}
	if _, err := os.Lstat(prefix); err == nil {
		t.Fatal("the dry run created the prefix")
	}
	install(v1, p.ExitCode)
	for _, f := range p.LauncherFiles {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("the dry run named %s, which the install did not write", f)
		}
	}

	if p := dry(t, home, v1, prefix, sub...); p.Kind != "nothing-to-do" || p.Proceed || p.ExitCode != 0 || p.Installed.Version != "2026.11.0" {
		t.Fatalf("same version: %+v", p)
	}
	if p := dry(t, home, v2, prefix, sub...); p.Kind != "upgrade" || !p.Proceed || p.Installed.Version != "2026.11.0" {
		t.Fatalf("upgrade: %+v", p)
	}
	r := run(t, home, v2, append([]string{"install", "--dry-run", "--prefix", prefix}, sub...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "dry run, nothing was changed: Install will upgrade Acme Python 2026.11.0 here to 2026.12.0.") ||
		!strings.Contains(r.stdout, "env team: 2 packages into "+filepath.Join(prefix, "envs", "team")) {
		t.Fatalf("the dry run for people: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("the dry run for people:\n%s", r.stdout)
	install(v2, 0)

	p = dry(t, home, v1, prefix, sub...)
	if p.Kind != "downgrade" || p.Proceed || p.ExitCode != 4 || p.Code != "downgrade" || !strings.Contains(p.Error, "newer than this installer's 2026.11.0") || !strings.Contains(p.Hint, "--force") {
		t.Fatalf("downgrade: %+v", p)
	}
	r = run(t, home, v1, append([]string{"install", "--dry-run", "--prefix", prefix}, sub...)...)
	if r.code != 4 || !strings.Contains(r.stderr, "onboard: error: cannot install into") || !strings.Contains(r.stderr, "onboard: hint: use the newer installer") {
		t.Fatalf("the refused dry run for people: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	install(v1, p.ExitCode)
	if p := dry(t, home, v1, prefix, append(sub, "--force")...); p.Kind != "downgrade" || !p.Proceed || p.ExitCode != 0 {
		t.Fatalf("forced downgrade: %+v", p)
	}
	if p := dry(t, home, v1, prefix, "--subdir", "linux-aarch64"); p.Kind != "none" || p.ExitCode != 5 || p.Code != "platform" ||
		!strings.Contains(p.Error, "--subdir linux-aarch64 is not in the bundle") || strings.Contains(p.Hint, "pass --subdir") {
		t.Fatalf("subdir not in the bundle: %+v; want it said that --subdir asked for it, and no hint to pass --subdir", p)
	}
	if p := dry(t, home, v1, prefix, "--bundle", filepath.Join(home, "missing.zip")); p.Kind != "none" || p.ExitCode != 3 || p.Code != "bundle" {
		t.Fatalf("no bundle: %+v", p)
	}
}

// `onboard help install` documents --dry-run and the plan's JSON fields,
// every one of them.
func TestHelpInstallNamesThePlanFields(t *testing.T) {
	var out strings.Builder
	if err := Run(t.Context(), []string{"help", "install"}, Env{Stdout: &out, Stderr: &out}); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	full := &installer.InstallPlan{Installed: &installer.InstalledVersion{AllUsers: true}, Envs: []installer.PlanEnv{{}},
		Launchers: []installer.PlanLauncher{{Env: "team"}}, ShellFiles: []string{"x"}, Recover: "install",
		Problems: []platform.Problem{{Path: "x", Hint: "x"}}, Notes: []string{"x"}, Error: "x", Code: "x", Hint: "x"}
	data, _ := json.Marshal(struct {
		Event string `json:"event"`
		*installer.InstallPlan
	}{"plan", full})
	var fields map[string]any
	json.Unmarshal(data, &fields)
	if len(fields) < 25 {
		t.Fatalf("only %d fields in %s", len(fields), data)
	}
	var missing func(prefix string, v any)
	missing = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !strings.Contains(help, k) {
					t.Errorf("onboard help install does not document the field %s%s", prefix, k)
				}
				missing(prefix+k+".", x)
			}
		case []any:
			for _, x := range v {
				missing(prefix, x)
			}
		}
	}
	missing("", fields)
	for _, w := range []string{"-dry-run", "exits with the code the install would"} {
		if !strings.Contains(help, w) {
			t.Errorf("help lacks %q", w)
		}
	}
}

// A prefix written with a leading "~" (quoted, so no shell expanded it;
// or in a --config file) is the home folder's, as in the console wizard
// and the GUI: it was an install into a folder named "~" in the current
// folder.
func TestE2EPrefixWithTilde(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, v1 := makeInstaller(t, home, "2026.11.0", nil, nil)
	r := run(t, home, v1, "install", "--dry-run", "--json", "--prefix", "~/acme")
	var p dryPlan
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &p); err != nil || p.Prefix != filepath.Join(home, "acme") {
		t.Fatalf("--prefix ~/acme planned %q (%v)\n%s%s", p.Prefix, err, r.stdout, r.stderr)
	}
}

// IT's pair of commands, as the README gives them: `INSTALLER install
// --silent` and `INSTALLER uninstall --silent`, with no --prefix. The
// installer knows its bundle's default folder; verify and uninstall used
// to fail there with "no install given", exit 2, and the install stayed.
// Run again with nothing there, uninstall exits 4, as with --prefix.
func TestE2EInstallerUninstallsItsDefaultInstall(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, inst := makeInstaller(t, home, "2026.11.0", nil, nil)
	if r := run(t, home, inst, "install", "--silent", "--no-launcher", "--no-maintenance-launcher", "--subdir", "linux-64"); r.code != 0 {
		t.Fatalf("install: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, home, inst, "verify"); r.code != 0 {
		t.Fatalf("verify from the installer: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := run(t, home, inst, "uninstall", "--silent")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("uninstall from the installer: exit %d; want 0 and nothing printed, as a silent install prints nothing\n%s%s", r.code, r.stdout, r.stderr)
	}
	// run again (a deployment tool re-running it): no install there, exit 4
	// as with --prefix of that folder; it said "no install given", exit 2
	if r := run(t, home, inst, "uninstall", "--silent"); r.code != 4 || !strings.Contains(r.stderr, "default folder holds no install of") {
		t.Fatalf("uninstall again: exit %d\n%s", r.code, r.stderr)
	}
}

// The plain binary finds the install of the demo it embeds as the
// installer does its bundle's: `onboard verify` and `uninstall` after
// `onboard install`, without --prefix (audit Y3: "no install given").
func TestE2EDemoInstallIsFoundWithoutPrefix(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	if r := run(t, home, onboardBin, "install", "--silent", "--no-launcher", "--no-maintenance-launcher", "--subdir", "linux-64"); r.code != 0 {
		t.Fatalf("install: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, home, onboardBin, "verify"); r.code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, home, onboardBin, "uninstall", "--silent"); r.code != 0 {
		t.Fatalf("uninstall: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Flags are listed as the usage writes them, with two dashes, in `help
// install` and in any command's -h; the flag package writes one.
func TestFlagsAreListedWithTwoDashes(t *testing.T) {
	for _, args := range [][]string{{"help", "install"}, {"verify", "-h"}, {"repair", "-h"}} {
		var out strings.Builder
		if err := Run(t.Context(), args, Env{Stdout: &out, Stderr: &out}); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if !strings.Contains(out.String(), "\n  --json\n") || regexp.MustCompile(`(?m)^  -[a-z]`).MatchString(out.String()) {
			t.Errorf("%v lists a flag with one dash, or not --json:\n%s", args, out.String())
		}
	}
}

// conda create --clone base copies .onboard/ (the maintenance app, the
// kept bundle, the manifest) into the new env, as it copies every file no
// record names. That copy's maintenance app is no install's: it says so,
// and names the install's own, where it took the env for an install
// (verify exit 1, a repair that wrote launcher records, an uninstall that
// would delete the env).
func TestE2ECloneOfTheBaseIsNoInstall(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	_, inst := makeInstaller(t, home, "2026.11.0", nil, nil)
	prefix := filepath.Join(t.TempDir(), "acme")
	if r := run(t, home, inst, "install", "--silent", "--no-launcher", "--no-maintenance-launcher", "--prefix", prefix, "--subdir", "linux-64"); r.code != 0 {
		t.Fatalf("install: exit %d\n%s", r.code, r.stderr)
	}
	clone := filepath.Join(prefix, "envs", "mybase", ".onboard")
	os.MkdirAll(clone, 0o755)
	for _, f := range []string{"onboard", "manifest.json"} {
		data, err := os.ReadFile(filepath.Join(prefix, ".onboard", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(clone, f), data, 0o755)
	}
	for _, cmd := range []string{"verify", "repair", "uninstall"} {
		r := run(t, home, filepath.Join(clone, "onboard"), cmd, "--silent")
		if cmd != "uninstall" {
			r = run(t, home, filepath.Join(clone, "onboard"), cmd)
		}
		if r.code != 2 || !strings.Contains(r.stderr, "is a copy conda made when it cloned the base") || !strings.Contains(r.stderr, filepath.Join(prefix, ".onboard", "onboard")) {
			t.Errorf("%s from the clone's copy: exit %d\n%s%s", cmd, r.code, r.stdout, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(prefix, "envs", "mybase")); err != nil {
		t.Fatalf("the clone's copy removed the env: %v", err)
	}
}

// `help install` lists every field of the dry run's JSON object: a field
// added to the plan (shared_bytes was) is documented where IT reads.
func TestInstallHelpListsEveryPlanField(t *testing.T) {
	typ := reflect.TypeOf(installer.InstallPlan{})
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if !regexp.MustCompile(`(?m)^  (\S+, )*` + regexp.QuoteMeta(name) + `\b`).MatchString(installHelp) {
			t.Errorf("help install does not list the plan's field %q", name)
		}
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer"
)

func parseInstall(t *testing.T, args ...string) (installFlags, error) {
	t.Helper()
	var f installFlags
	env := Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	fs := installFlagSet(&f, env)
	if err := parse(fs, args); err != nil {
		t.Fatal(err)
	}
	return f, applyConfig(fs, &f)
}

func TestInstallConfigFileAndFlags(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "it.toml")
	os.WriteFile(cfg, []byte("prefix = \"/opt/acme\"\njupyter_launcher = false\nshell_setup = true\nall_users = true\nkeep_package_cache = true\nshortcuts = false\nlog = \"logs/install.log\"\n"), 0o644)

	f, err := parseInstall(t, "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if f.prefix != "/opt/acme" || !f.noLauncher || !f.shellSetup || !f.allUsers || !f.keepPackageCache || !f.noShortcuts {
		t.Errorf("config not applied: %+v", f)
	}
	if want := filepath.Join(dir, "logs", "install.log"); f.logFile != want {
		t.Errorf("log = %q; want %q (relative to the config file)", f.logFile, want)
	}

	f, err = parseInstall(t, "--config", cfg, "--prefix", "/srv/other", "--all-users=false")
	if err != nil {
		t.Fatal(err)
	}
	if f.prefix != "/srv/other" || f.allUsers {
		t.Errorf("flags given on the command line must win: prefix %q, all-users %v", f.prefix, f.allUsers)
	}
}

func TestInstallConfigRefusesUnknownKeys(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "it.toml")
	os.WriteFile(cfg, []byte("prefix = \"/opt/acme\"\ndesktop_icons = true\n"), 0o644)
	_, err := parseInstall(t, "--config", cfg)
	if installer.ExitCode(err) != installer.ExitUsage || err == nil || !strings.Contains(err.Error(), "desktop_icons") {
		t.Fatalf("got %v; want a usage error naming the unknown key", err)
	}
}

// "~" in the config is the home folder, as in --prefix and the wizard; an
// empty path, in the config or as a flag (a script's unset variable), is
// refused rather than taken for the default folder. Before, prefix =
// "~/acme" installed into a folder named "~" beside the config file, and
// --prefix "" into the default folder.
func TestInstallConfigHomeAndEmptyPaths(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "it.toml")
	os.WriteFile(cfg, []byte("prefix = \"~/acme\"\nlog = \"~/acme.log\"\n"), 0o644)
	f, err := parseInstall(t, "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if f.prefix != filepath.Join(home, "acme") || f.logFile != filepath.Join(home, "acme.log") {
		t.Errorf("prefix %q, log %q; want them in the home folder %s", f.prefix, f.logFile, home)
	}
	os.WriteFile(cfg, []byte("prefix = \"\"\n"), 0o644)
	if _, err := parseInstall(t, "--config", cfg); installer.ExitCode(err) != installer.ExitUsage || !strings.Contains(err.Error(), "prefix") {
		t.Errorf("an empty prefix in the config: %v; want a usage error", err)
	}
	for _, cmd := range []string{"install", "verify", "repair", "uninstall"} {
		err := Run(context.Background(), []string{cmd, "--prefix", ""}, Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
		if installer.ExitCode(err) != installer.ExitUsage || !strings.Contains(installer.Message(err), "--prefix is empty") {
			t.Errorf("%s --prefix \"\": %v (exit %d); want a usage error", cmd, err, installer.ExitCode(err))
		}
	}
}

// --log records how every run ends, a refusal before the bundle is open
// included (exit 3 made no log file); and a log inside the install folder,
// which a failed install rolls back and uninstall removes, is refused by
// the dry run and the install alike, with nothing written there (the
// install refused its own folder as "not empty (it.log)", the dry run said
// 0).
func TestInstallLogRecordsEveryEnd(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	run := func(args ...string) error {
		return Run(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
	}
	log := filepath.Join(dir, "it.log")
	err := run("install", "--silent", "--prefix", filepath.Join(dir, "acme"), "--bundle", filepath.Join(dir, "missing.zip"), "--log", log)
	data, _ := os.ReadFile(log)
	if installer.ExitCode(err) != installer.ExitBundle || !strings.Contains(string(data), "ended with exit code 3: bundle") || !strings.Contains(string(data), "what to do: ") {
		t.Fatalf("a missing bundle: %v; the log has:\n%s", err, data)
	}
	prefix := filepath.Join(dir, "empty")
	os.Mkdir(prefix, 0o755)
	for _, extra := range [][]string{{"--dry-run"}, {"--silent"}} {
		args := append([]string{"install", "--prefix", prefix, "--log", filepath.Join(prefix, "it.log")}, extra...)
		if err := run(args...); installer.ExitCode(err) != installer.ExitUsage || !strings.Contains(err.Error(), "inside the install folder") {
			t.Errorf("install %v with the log inside the folder: %v; want a usage error", extra, err)
		}
		if left, _ := os.ReadDir(prefix); len(left) != 0 {
			t.Fatalf("install %v wrote into the folder it refused: %v", extra, left)
		}
	}
}

// --json gets an error object on stdout for every failure, a refused
// config file, an unknown flag and a folder with no install included;
// those left stdout empty, with plain text on stderr alone.
func TestJSONErrorsAreJSON(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.toml")
	os.WriteFile(typo, []byte("prefx = \"/opt/acme\"\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"install", "--json", "--config", typo}, installer.ExitUsage},
		{[]string{"install", "--json", "--dry-run", "--config", typo}, installer.ExitUsage},
		{[]string{"install", "--json", "--config", filepath.Join(dir, "missing.toml")}, installer.ExitUsage},
		{[]string{"install", "--prefx", "x", "--json"}, installer.ExitUsage},
		{[]string{"verify", "--json", "--prefix", dir}, installer.ExitTarget},
		{[]string{"repair", "--json", "--prefix", dir}, installer.ExitTarget},
	} {
		var out, errOut bytes.Buffer
		err := Run(context.Background(), tc.args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		var ev struct {
			Event    string `json:"event"`
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &ev); jerr != nil || ev.Event != "error" || ev.ExitCode != tc.code ||
			installer.ExitCode(err) != tc.code || !IsReported(err) {
			t.Errorf("%v: stdout %q (%v), exit %d; want an error object with exit %d", tc.args, out.String(), jerr, installer.ExitCode(err), tc.code)
		}
	}
}

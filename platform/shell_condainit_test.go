package platform

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"onboard/internal/fixtures"
)

// condaInit runs conda's own `conda init bash` code (conda's source in
// ../shared/fixtures/conda-source, with Debian's python3 and its packages,
// which the Makefile installs) on the file rc, for the conda at prefix.
func condaInit(t *testing.T, rc, prefix string) { condaInitBash(t, rc, prefix, false) }

// condaInitBash runs conda's own `conda init bash` (or its --reverse) on rc.
func condaInitBash(t *testing.T, rc, prefix string, reverse bool) {
	t.Helper()
	src := filepath.Join(filepath.Dir(fixtures.Dir(t)), "conda-source", "site-packages")
	py := "/usr/bin/python3"
	script := "import sys; sys.path.insert(0, sys.argv[1])\n" +
		"from conda.core.initialize import init_sh_user\n" +
		"print(init_sh_user(sys.argv[2], sys.argv[3], 'bash', reverse=sys.argv[4] == 'reverse'))\n"
	out, err := exec.Command(py, "-c", script, src, rc, prefix, map[bool]string{true: "reverse", false: "init"}[reverse]).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("conda's initializer does not run here (%v): %s", err, out)
		}
		t.Fatalf("conda's initializer: %v\n%s", err, out)
	}
	if strings.TrimSpace(string(out)) != "modified" {
		t.Fatalf("conda's initializer did not change %s: %s", rc, out)
	}
}

// `conda init bash` comments out the line of onboard's block that sources
// conda.sh, as it takes the set-up over. The file must still parse, and the
// person's lines after the block must still run (audit Q 1: the "then"
// branch was left empty, a syntax error, and every new shell stopped
// reading ~/.bashrc there). A repair writes the block again as conda left
// it; a block of an older onboard that conda broke is found and rewritten.
func TestShellBlockSurvivesCondaInit(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no bash")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	prefix := filepath.Join(dir, "acme")
	mustWrite(t, filepath.Join(prefix, "etc", "profile.d", "conda.sh"), "conda() { echo \"conda's own\"; }\n")
	rc := filepath.Join(dir, ".bashrc")
	block, err := AddShellBlock([]byte("export BEFORE=yes\n"), prefix, filepath.Join(prefix, "condabin"))
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, rc, string(block)+"export AFTER=yes\n")
	condaInit(t, rc, prefix)
	data, _ := os.ReadFile(rc)
	if !strings.Contains(string(data), condaInitComment) || !HasShellBlock(data, prefix) {
		t.Fatalf("conda's initializer did not comment out the block's line, or the block is no longer found:\n%s", data)
	}
	run := func(what string) {
		t.Helper()
		if out, err := exec.Command("bash", "-n", rc).CombinedOutput(); err != nil {
			t.Fatalf("%s: bash -n: %v\n%s\n%s", what, err, out, data)
		}
		out, err := exec.Command("bash", "-c", `. "$1"; echo "$BEFORE $AFTER $(type -t conda)"`, "bash", rc).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "yes yes function" {
			t.Fatalf("%s: sourcing the file gave %q (%v); want the lines before and after the block run, and conda defined\n%s", what, out, err, data)
		}
	}
	run("after conda init")
	if ShellBlockBroken(data, prefix) {
		t.Error("the block conda commented out is taken for a broken one")
	}
	// repair writes the block again: conda's choice stays
	again, err := AddShellBlock(data, prefix, filepath.Join(prefix, "condabin"))
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("the block written again over conda's edit:\n%s\nwant it as conda left it:\n%s", again, data)
	}
	// an older onboard's block, without the ":" line, as conda left it
	old := strings.Replace(string(data), "\n    :\n", "\n", 1)
	if old == string(data) {
		t.Fatal("the block has no \":\" line to take out")
	}
	if !ShellBlockBroken([]byte(old), prefix) {
		t.Fatalf("an older block conda left empty is not found broken:\n%s", old)
	}
	mustWrite(t, rc, old)
	if err := exec.Command("bash", "-n", rc).Run(); err == nil {
		t.Fatal("the older block conda left empty parses; the test shows nothing")
	}
	rec := Record{Schema: 1, Target: HostTarget(), Prefix: prefix, Shell: []ShellEdit{{Path: rc}}}
	in := Inspector{ReadFile: os.ReadFile}
	probs := Check(rec, prefix, in)
	if len(probs) != 1 || probs[0].Code != ProblemBroken {
		t.Fatalf("check of the broken block: %+v; want one %q problem", probs, ProblemBroken)
	}
	fixed, err := AddShellBlock([]byte(old), prefix, filepath.Join(prefix, "condabin"))
	if err != nil {
		t.Fatal(err)
	}
	data = fixed
	mustWrite(t, rc, string(fixed))
	run("after the block was written again")
	if probs := Check(rec, prefix, in); len(probs) != 0 {
		t.Errorf("check after the block was written again: %+v", probs)
	}
}

// An uninstall takes out the block `conda init` wrote for the install's
// conda, as `conda init --reverse` does, and puts back the lines conda
// commented out; another conda's block stays (audit W1: the block was
// left, and every new shell ran a conda that was gone).
func TestRemoveCondaInitAsCondaReverses(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "acme")
	before := "export BEFORE=yes\n. /opt/miniconda3/etc/profile.d/conda.sh\nexport AFTER=yes\n"
	rc := filepath.Join(dir, ".bashrc")
	mustWrite(t, rc, before)
	condaInit(t, rc, prefix)
	data, _ := os.ReadFile(rc)
	if !strings.Contains(string(data), "# >>> conda initialize >>>") || !strings.Contains(string(data), condaInitComment) {
		t.Fatalf("conda's initializer wrote no block, or commented nothing out:\n%s", data)
	}
	for _, other := range []string{filepath.Join(dir, "other"), filepath.Join(dir, "acm"), "/srv" + prefix} {
		// /srv/tmp/…/acme holds the text of /tmp/…/acme (audit X)
		if out, found := RemoveCondaInit(bytes.ReplaceAll(data, []byte(prefix), []byte(other)), prefix); found {
			t.Fatalf("the block of the conda at %s was taken for %s's:\n%s", other, prefix, out)
		}
	}
	out, found := RemoveCondaInit(data, prefix)
	if !found || strings.TrimRight(string(out), "\n") != strings.TrimRight(before, "\n") {
		t.Fatalf("after the removal:\n%s\nwant the file as it was (but for the blank line conda leaves):\n%s", out, before)
	}
	// as conda's own reverse leaves it
	reversed := filepath.Join(dir, ".bashrc-reversed")
	mustWrite(t, reversed, string(data))
	src := filepath.Join(filepath.Dir(fixtures.Dir(t)), "conda-source", "site-packages")
	script := "import sys; sys.path.insert(0, sys.argv[1])\n" +
		"from conda.core.initialize import init_sh_user\n" +
		"init_sh_user(sys.argv[2], sys.argv[3], 'bash', reverse=True)\n"
	if msg, err := exec.Command("/usr/bin/python3", "-c", script, src, reversed, prefix).CombinedOutput(); err != nil {
		t.Fatalf("conda init --reverse: %v\n%s", err, msg)
	}
	if want, _ := os.ReadFile(reversed); string(out) != string(want) {
		t.Errorf("onboard's removal:\n%q\nconda's reverse:\n%q", out, want)
	}
}

// condaInitPy runs one of conda's own initializers (conda's source in
// ../shared/fixtures/conda-source): code is Python run with conda's
// initialize module as ini, and sys.argv[2:] = args. win makes conda
// take itself for Windows (its paths joined with backslashes, conda.exe in
// Scripts, cmd.exe's registry read from and written to stdin and stdout),
// so its Windows text is tested on Linux.
func condaInitPy(t *testing.T, win bool, stdin, code string, args ...string) string {
	t.Helper()
	src := filepath.Join(filepath.Dir(fixtures.Dir(t)), "conda-source", "site-packages")
	script := "import sys, ntpath, types\nsys.path.insert(0, sys.argv[1])\nimport conda.core.initialize as ini\n"
	if win {
		script += "ini.on_win = True; ini.join = ntpath.join; ini.BIN_DIRECTORY = 'Scripts'\n" +
			"ini.winreg = types.SimpleNamespace(REG_EXPAND_SZ=2)\n" +
			"ini._read_windows_registry = lambda p: (sys.stdin.read().strip() or None, 2)\n" +
			"ini._write_windows_registry = lambda p, v, ty: print('WROTE' + v, end='')\n"
	}
	cmd := exec.Command("/usr/bin/python3", append([]string{"-c", script + code, src}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			err = fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		if os.Getenv("CI") == "" {
			t.Skipf("conda's initializer does not run here: %v", err)
		}
		t.Fatalf("conda's initializer: %v", err)
	}
	return string(out)
}

// The block `conda init powershell` writes into a PowerShell profile, for
// a conda on Windows (Scripts\conda.exe) and for pwsh elsewhere, comes out
// as conda's reverse takes it out; another conda's block stays.
func TestRemoveCondaInitPowerShell(t *testing.T) {
	for _, c := range []struct {
		win    bool
		prefix string
		others []string
	}{
		{false, "/opt/acme", []string{"/opt/acme2", "/srv/opt/acme", "/opt/other"}},
		{true, `C:\Users\Ann Lee\AppData\Local\Acme`, []string{`C:\Users\Ann Lee\AppData\Local\Acme2`, `D:\data\C:\Users\Ann Lee\AppData\Local\Acme`, `C:\miniconda3`}},
	} {
		dir := t.TempDir()
		before := "Set-Alias ll Get-ChildItem\r\n"
		profile := filepath.Join(dir, "profile.ps1")
		mustWrite(t, profile, before)
		run := func(reverse bool) {
			code := "print(ini.init_powershell_user(sys.argv[2], sys.argv[3], reverse=" + map[bool]string{true: "True", false: "False"}[reverse] + "))\n"
			if out := condaInitPy(t, c.win, "", code, profile, c.prefix); strings.TrimSpace(out) != "modified" {
				t.Fatalf("%s: conda's initializer did not change the profile: %s", c.prefix, out)
			}
		}
		run(false)
		data, _ := os.ReadFile(profile)
		exe := map[bool]string{false: c.prefix + "/bin/conda", true: c.prefix + `\Scripts\conda.exe`}[c.win]
		if !strings.Contains(string(data), "#region conda initialize") || !strings.Contains(string(data), `"`+exe+`"`) {
			t.Fatalf("conda's initializer wrote no block for %s:\n%s", exe, data)
		}
		for _, other := range c.others {
			if out, found := RemoveCondaInit(bytes.ReplaceAll(data, []byte(c.prefix), []byte(other)), c.prefix); found {
				t.Errorf("the block of the conda at %s was taken for %s's:\n%s", other, c.prefix, out)
			}
		}
		spelled := c.prefix
		if c.win { // Windows paths in any case and with either separator
			spelled = strings.ReplaceAll(strings.ToLower(c.prefix), `\`, "/")
		}
		out, found := RemoveCondaInit(data, spelled)
		run(true)
		want, _ := os.ReadFile(profile)
		if !found || string(out) != string(want) {
			t.Errorf("%s: onboard's removal:\n%q\nconda's reverse:\n%q", c.prefix, out, want)
		}
	}
}

// The hook `conda init cmd.exe` adds to cmd.exe's AutoRun value comes out
// as conda's reverse takes it out, the value's other commands kept.
func TestRemoveCondaAutoRun(t *testing.T) {
	prefix := `C:\Users\Ann Lee\AppData\Local\Acme`
	for _, before := range []string{"", `doskey /macrofile="C:\tools\macros.txt"`, `"C:\miniconda3\condabin\conda_hook.bat" & echo hi`} {
		code := "ini.init_cmd_exe_registry('HKEY_CURRENT_USER\\\\X\\\\AutoRun', sys.argv[2], reverse=sys.argv[3] == 'reverse')\n"
		cmd := func(value, mode string) string {
			t.Helper()
			out := condaInitPy(t, true, value, code, prefix, mode)
			if !strings.HasPrefix(out, "WROTE") {
				t.Fatalf("conda's initializer (%s) did not write AutoRun for %q: %q", mode, value, out)
			}
			return strings.TrimPrefix(out, "WROTE")
		}
		value := cmd(before, "init")
		if !strings.Contains(value, prefix+`\condabin\conda_hook.bat`) {
			t.Fatalf("conda's AutoRun holds no hook: %q", value)
		}
		if _, found := RemoveCondaAutoRun(value, prefix+"2"); found {
			t.Errorf("the hook in %q was taken for that of %s2", value, prefix)
		}
		out, found := RemoveCondaAutoRun(value, strings.ToUpper(prefix))
		want := cmd(value, "reverse")
		if !found || out != want {
			t.Errorf("AutoRun %q: onboard's removal %q, conda's reverse %q", value, out, want)
		}
	}
	if out, found := RemoveCondaAutoRun("echo hi", prefix); found || out != "echo hi" {
		t.Errorf("a value without the hook: %q, %v", out, found)
	}
	// the user's own commands stay byte for byte, where conda's reverse
	// splits at every "&" (audit Z): "a && b", a quoted "R&D", an escaped ^&
	hook := `if exist "` + prefix + `\condabin\conda_hook.bat" "` + prefix + `\condabin\conda_hook.bat"`
	for _, mine := range []string{`cd /d C:\work && set A=1`, `"C:\R&D\tools\init.cmd"`, `echo a ^& b`} {
		for _, value := range []string{mine + " & " + hook, hook + " & " + mine} {
			if out, found := RemoveCondaAutoRun(value, prefix); !found || out != mine {
				t.Errorf("AutoRun %q: %q, want %q", value, out, mine)
			}
		}
	}
}

// On Windows `conda init bash` writes its block into ~/.bash_profile (Git
// Bash, Cygwin, MSYS2) naming conda as /c/Users/…/Scripts/conda.exe; the
// uninstall finds it as this install's, in any case, and leaves another
// conda's (audit Z).
func TestRemoveCondaInitGitBash(t *testing.T) {
	prefix := `C:\Users\Ann Lee\acme`
	block := condaInitPy(t, true, "", "print(ini._bashrc_content(sys.argv[2], 'bash'), end='')\n", prefix)
	if !strings.Contains(block, "'/c/Users/Ann Lee/acme/Scripts/conda.exe'") {
		t.Fatalf("conda's Git Bash block:\n%s", block)
	}
	rc := "export A=1\n" + block
	if out, found := RemoveCondaInit([]byte(rc), strings.ToLower(prefix)); !found || string(out) != "export A=1\n" {
		t.Errorf("after the removal:\n%q", out)
	}
	if _, found := RemoveCondaInit([]byte(rc), `D:\Users\Ann Lee\acme`); found {
		t.Error("the block was taken for that of the same path on another drive")
	}
}

// The start-up files conda init writes to include PowerShell's profiles:
// on Windows in the Documents folder the Shell names (redirected to
// OneDrive, say), else under the profile's Documents.
func TestCondaInitFilesPowerShell(t *testing.T) {
	win := Target{OS: "windows", Arch: "x86_64"}
	env := Env{Home: `C:\Users\ann`, Getenv: func(k string) string { return map[string]string{"USERPROFILE": `C:\Users\ann`}[k] }}
	want := []string{`C:\Users\ann\Documents\WindowsPowerShell\profile.ps1`, `C:\Users\ann\Documents\PowerShell\profile.ps1`, `C:\Users\ann\.bash_profile`}
	if got := CondaInitFiles(win, env); !slices.Equal(got, want) {
		t.Errorf("CondaInitFiles(windows) = %q, want %q", got, want)
	}
	env.Known = func(name string) string {
		return map[string]string{"Documents": `C:\Users\ann\OneDrive\Documents`}[name]
	}
	if got := CondaInitFiles(win, env); len(got) != 3 || got[0] != `C:\Users\ann\OneDrive\Documents\WindowsPowerShell\profile.ps1` {
		t.Errorf("CondaInitFiles(windows, redirected) = %q", got)
	}
	lin := Target{OS: "linux", Arch: "x86_64"}
	env = Env{Home: "/home/ann", Getenv: func(k string) string { return map[string]string{"XDG_CONFIG_HOME": "/home/ann/cfg"}[k] }}
	if got := CondaInitFiles(lin, env); !slices.Contains(got, "/home/ann/cfg/powershell/profile.ps1") || !slices.Contains(got, "/home/ann/.bashrc") {
		t.Errorf("CondaInitFiles(linux) = %q; want pwsh's profile under XDG_CONFIG_HOME", got)
	}
}

// A profile saved with a UTF-8 BOM (Windows PowerShell ISE, Notepad) whose
// first line is conda's block: the block goes and the BOM stays (audit Z:
// the block after the BOM was left).
func TestRemoveCondaInitAfterABOM(t *testing.T) {
	bom := "\xef\xbb\xbf"
	block := "#region conda initialize\r\n# !! Contents within this block are managed by 'conda init' !!\r\n" +
		"If (Test-Path \"C:\\Acme\\Scripts\\conda.exe\") {\r\n    (& \"C:\\Acme\\Scripts\\conda.exe\" \"shell.powershell\" \"hook\") | Out-String | ?{$_} | Invoke-Expression\r\n}\r\n#endregion\r\n"
	rest := "Set-Alias ll Get-ChildItem\r\n"
	out, found := RemoveCondaInit([]byte(bom+block+rest), `C:\Acme`)
	if !found || string(out) != bom+rest {
		t.Errorf("found %v, out %q; want %q", found, out, bom+rest)
	}
	if out, found := RemoveCondaInit([]byte(bom+block+rest), `C:\Other`); found || string(out) != bom+block+rest {
		t.Errorf("another conda's block: found %v, out %q; want it as it was", found, out)
	}
}

// `conda init --reverse bash` puts back the line of onboard's block that
// `conda init` commented out, without its indentation. The block is still
// onboard's: found, healthy to verify, and taken out whole by uninstall
// (audit AC: verify called it gone, repair added a second, and uninstall
// left it, with the deleted prefix's condabin on PATH).
func TestShellBlockAfterCondaInitReverse(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "acme")
	rc := filepath.Join(dir, ".bashrc")
	block, err := AddShellBlock([]byte("export BEFORE=yes\n"), prefix, filepath.Join(prefix, "condabin"))
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, rc, string(block)+"export AFTER=yes\n")
	condaInitBash(t, rc, prefix, false)
	condaInitBash(t, rc, prefix, true)
	data, _ := os.ReadFile(rc)
	if !strings.Contains(string(data), "\n. \""+filepath.Join(prefix, "etc", "profile.d", "conda.sh")) {
		t.Fatalf("conda's reverse did not put the line back unindented; the test shows nothing:\n%s", data)
	}
	if !HasShellBlock(data, prefix) || ShellBlockBroken(data, prefix) {
		t.Fatalf("the block after conda's reverse is not found, or found broken:\n%s", data)
	}
	out, found := RemoveShellBlock(data, prefix)
	if !found || strings.Contains(string(out), prefix) || !strings.Contains(string(out), "export BEFORE=yes\n") || !strings.Contains(string(out), "export AFTER=yes\n") {
		t.Errorf("removal found %v, left:\n%s\nwant the person's lines and nothing of the install", found, out)
	}
}

// A ~/.bashrc the shell set-up created, where conda init then wrote its
// block (and perhaps took it out again with --reverse, which leaves a
// blank line): uninstall takes conda's block out first, then onboard's,
// and deletes the file, which held nothing else (audit AC 2, AK 6: it was
// left holding a newline).
func TestCreatedStartUpFileGoesAfterCondaInit(t *testing.T) {
	for _, reverse := range []bool{false, true} {
		dir := t.TempDir()
		prefix := filepath.Join(dir, "acme")
		rc := filepath.Join(dir, ".bashrc")
		rec, err := SetupShell([]string{rc}, prefix, filepath.Join(prefix, "bin"))
		if err != nil || len(rec.Shell) != 1 || !rec.Shell[0].Created {
			t.Fatalf("SetupShell: %+v, %v", rec.Shell, err)
		}
		condaInit(t, rc, prefix)
		if reverse {
			condaInitBash(t, rc, prefix, true)
		}
		if _, err := removeCondaInitFrom(rc, prefix); err != nil {
			t.Fatal(err)
		}
		rec.Prefix = prefix
		if err := Remove(rec, t.Logf); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(rc); !os.IsNotExist(err) {
			t.Errorf("reverse %v: the .bashrc the install made is left: %q, %v", reverse, b, err)
		}
	}
}

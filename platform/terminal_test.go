package platform

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func lookIn(found ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		for _, f := range found {
			if f == name {
				return "/usr/bin/" + name, nil
			}
		}
		return "", exec.ErrNotFound
	}
}

func termRequest(goos string) TerminalRequest {
	return TerminalRequest{OS: goos, EnvName: "team", StateDir: "/p/.onboard",
		Vars: map[string]string{"CONDA_PREFIX": "/p/envs/team", "PATH": "/p/envs/team/bin:/usr/bin", "CONDA_DEFAULT_ENV": "team"}}
}

func TestPlanTerminalLinux(t *testing.T) {
	env := func(vars map[string]string) Env { return Env{Getenv: func(k string) string { return vars[k] }} }
	cases := []struct {
		name  string
		vars  map[string]string
		found []string
		argv  string
	}{
		{"the desktop's choice first", nil, []string{"xterm", "gnome-terminal", "x-terminal-emulator"}, "/usr/bin/x-terminal-emulator -e /p/.onboard/terminal-team.sh"},
		{"gnome-terminal takes --", nil, []string{"xterm", "gnome-terminal"}, "/usr/bin/gnome-terminal -- /p/.onboard/terminal-team.sh"},
		{"xfce takes -x", nil, []string{"xfce4-terminal"}, "/usr/bin/xfce4-terminal -x /p/.onboard/terminal-team.sh"},
		{"kitty takes the command as it is", nil, []string{"kitty", "xterm"}, "/usr/bin/kitty /p/.onboard/terminal-team.sh"},
		{"$TERMINAL wins", map[string]string{"TERMINAL": "foot"}, []string{"foot", "x-terminal-emulator"}, "/usr/bin/foot -e /p/.onboard/terminal-team.sh"},
		{"a missing $TERMINAL is skipped", map[string]string{"TERMINAL": "nope"}, []string{"xterm"}, "/usr/bin/xterm -e /p/.onboard/terminal-team.sh"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PlanTerminal(termRequest("linux"), env(c.vars), lookIn(c.found...))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(p.Argv, " "); got != c.argv {
				t.Fatalf("argv %q, want %q", got, c.argv)
			}
			if p.Script != "/p/.onboard/terminal-team.sh" || p.ScriptMode != 0o755 || p.NewConsole {
				t.Fatalf("%+v", p)
			}
		})
	}
	_, err := PlanTerminal(termRequest("solaris"), env(nil), lookIn())
	var nt *NoTerminalError
	if !errors.As(err, &nt) || !strings.Contains(err.Error(), "x-terminal-emulator, gnome-terminal") ||
		!strings.Contains(nt.Hint(), "'/p/.onboard/terminal-team.sh'") || !strings.Contains(nt.Hint(), "TERMINAL") {
		t.Fatalf("without a terminal program: %v", err)
	}
}

func TestPlanTerminalMacAndWindows(t *testing.T) {
	mac, err := PlanTerminal(termRequest("darwin"), Env{}, lookIn())
	if err != nil || strings.Join(mac.Argv, " ") != "open -a Terminal /p/.onboard/terminal-team.command" || mac.ScriptMode != 0o755 {
		t.Fatalf("macOS: %+v %v", mac, err)
	}
	r := termRequest("windows")
	r.StateDir = `C:\p\.onboard`
	r.Vars = map[string]string{"PATH": `C:\p\envs\team;C:\p\envs\team\Scripts;C:\Windows`, "CONDA_PROMPT_MODIFIER": "(team) ", "ODD": "50%"}
	win, err := PlanTerminal(r, Env{}, lookIn())
	if err != nil || !win.NewConsole || len(win.Argv) != 3 || win.Argv[0] != "cmd.exe" || win.Argv[1] != "/K" || !strings.HasSuffix(win.Argv[2], "terminal-team.bat") {
		t.Fatalf("Windows: %+v %v", win, err)
	}
	body := string(win.ScriptBody)
	for _, want := range []string{"@echo off\r\n", "set \"PATH=C:\\p\\envs\\team;C:\\p\\envs\\team\\Scripts;C:\\Windows\"\r\n", "set \"ODD=50%%\"\r\n", "prompt (team) $P$G\r\n"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the .bat lacks %q:\n%s", want, body)
		}
	}
}

// TestTerminalScriptActivates runs the script PlanTerminal writes with the
// real bash, as a terminal would: the env's variables must win over what
// ~/.bashrc sets, and the prompt must name the env.
func TestTerminalScriptActivates(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, ".bashrc"), []byte("export CONDA_PREFIX=/wrong\nexport FROM_BASHRC=yes\n"), 0o644)
	dir := t.TempDir()
	r := TerminalRequest{OS: "linux", EnvName: "team's", StateDir: dir,
		Vars: map[string]string{"CONDA_PREFIX": "/opt/it's here/envs/team", "PATH": "/opt/envs/team/bin:" + os.Getenv("PATH")}}
	p, err := PlanTerminal(r, Env{}, lookIn("xterm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.Script, p.ScriptBody, p.ScriptMode); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(p.Script)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=dumb"}
	cmd.Stdin = strings.NewReader("printf 'got:%s|%s|%s|%s\\n' \"$CONDA_PREFIX\" \"${PATH%%:*}\" \"$FROM_BASHRC\" \"$PS1\"\nexit\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "got:/opt/it's here/envs/team|/opt/envs/team/bin|yes|(team's) "
	if !strings.Contains(string(out), want) {
		t.Fatalf("the shell did not have the env activated; want %q in:\n%s", want, out)
	}
}

// TestTerminalScriptUsesCondasActivation: when the base has conda, the
// script runs conda's own activation (conda.sh, then conda activate ENV)
// instead of setting onboard's variables. A stand-in conda.sh records the
// call and activates as conda would; the real conda is run by
// internal/realbundle's end-to-end test.
func TestTerminalScriptUsesCondasActivation(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	prefix := filepath.Join(t.TempDir(), "it's conda")
	condaSh := filepath.Join(prefix, "etc", "profile.d", "conda.sh")
	os.MkdirAll(filepath.Dir(condaSh), 0o755)
	os.WriteFile(condaSh, []byte("conda() { [ \"$1\" = activate ] && export CONDA_DEFAULT_ENV=\"$2\" PS1=\"($2) $PS1\"; }\n"), 0o644)
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if got := CondaActivation(prefix, "linux", exists); got != condaSh {
		t.Fatalf("CondaActivation = %q, want %q", got, condaSh)
	}
	if got := CondaActivation(t.TempDir(), "linux", exists); got != "" {
		t.Fatalf("CondaActivation of a base without conda = %q", got)
	}
	if got := CondaActivation(`C:\acme`, "windows", func(p string) bool { return p == `C:\acme\condabin\conda.bat` }); got != `C:\acme\condabin\conda.bat` {
		t.Fatalf("CondaActivation on Windows = %q", got)
	}
	r := TerminalRequest{OS: "linux", EnvName: "team", StateDir: t.TempDir(), Conda: condaSh,
		Vars: map[string]string{"CONDA_PREFIX": "/not/used"}}
	p, err := PlanTerminal(r, Env{}, lookIn("xterm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.Script, p.ScriptBody, p.ScriptMode); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(p.Script)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TERM=dumb"}
	cmd.Stdin = strings.NewReader("printf 'got:%s|%s|%s\\n' \"$CONDA_DEFAULT_ENV\" \"${CONDA_PREFIX-unset}\" \"$PS1\"\nexit\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "got:team|unset|(team) ") {
		t.Fatalf("the shell did not use conda's activation:\n%s\nscript:\n%s", out, p.ScriptBody)
	}
	r.OS = "windows"
	r.Conda = `C:\acme\condabin\conda.bat`
	bat, _ := PlanTerminal(r, Env{}, lookIn())
	if !strings.Contains(string(bat.ScriptBody), "call \"C:\\acme\\condabin\\conda.bat\" activate \"team\"\r\n") || strings.Contains(string(bat.ScriptBody), "/not/used") {
		t.Fatalf("Windows script:\n%s", bat.ScriptBody)
	}
}

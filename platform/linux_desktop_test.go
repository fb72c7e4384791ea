package platform

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// parseDesktop reads a desktop entry the way a strict key file parser
// does: a key seen twice is an error; values are unescaped.
func parseDesktop(t *testing.T, b []byte) map[string]string {
	t.Helper()
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("line without '=': %q", line)
		}
		if _, dup := kv[k]; dup {
			t.Fatalf("key %q appears twice: injection?\n%s", k, b)
		}
		kv[k] = unescapeDesktop(v)
	}
	return kv
}

func unescapeDesktop(v string) string {
	r := strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\t`, "\t", `\r`, "\r", `\s`, " ")
	return r.Replace(v)
}

// splitExec splits an (unescaped) Exec value into argv per the spec's
// quoting rules, and un-doubles %%.
func splitExec(t *testing.T, s string) []string {
	t.Helper()
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\\' && i+1 < len(s) && strings.ContainsRune("\"`$\\", rune(s[i+1])):
			i++
			cur.WriteByte(s[i])
		case c == '"':
			inQuote, have = !inQuote, true
		case c == ' ' && !inQuote:
			if have {
				args = append(args, cur.String())
			}
			cur.Reset()
			have = false
		case !inQuote && strings.ContainsRune(execReserved, rune(c)):
			t.Fatalf("reserved %q outside quotes in Exec %q", c, s)
		case c == '%':
			if i+1 >= len(s) || s[i+1] != '%' {
				t.Fatalf("field code in Exec %q", s)
			}
			i++
			cur.WriteByte('%')
			have = true
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if inQuote {
		t.Fatalf("unterminated quote in Exec %q", s)
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}

func TestDesktopEntryRoundTrip(t *testing.T) {
	hostile := []string{
		"/home/ann/acme-python",
		"/home/ann/My Python",
		`/home/ann/a"b'c\d$e` + "`f`~g;h&i|j<k>l*m?n#o(p)q%20r",
		"/home/josé/日本/python",
	}
	for _, prefix := range hostile {
		app := AppInfo{Name: "Acme", ID: "com.acme.python", Prefix: prefix}
		it := LauncherSpec{Name: "Jupyter Lab", Env: "team x", Comment: "Legit description\nExec=/bin/sh -c 'echo pwnd'\rTryExec=x\tZ"}
		b, err := DesktopEntry(app, it, MaintenanceApp(linux, prefix), "com.acme.python")
		if err != nil {
			t.Fatal(err)
		}
		kv := parseDesktop(t, b)
		want := []string{MaintenanceApp(linux, prefix), "launch", "jupyter", "--prefix", prefix, "--env", "team x"}
		if got := splitExec(t, kv["Exec"]); !equalStrings(got, want) {
			t.Errorf("Exec %q splits into %q; want %q", kv["Exec"], got, want)
		}
		if kv["Comment"] != it.Comment {
			t.Errorf("Comment = %q; want %q", kv["Comment"], it.Comment)
		}
		if kv["TryExec"] != MaintenanceApp(linux, prefix) || kv["X-Onboard-Prefix"] != prefix {
			t.Errorf("TryExec %q, X-Onboard-Prefix %q", kv["TryExec"], kv["X-Onboard-Prefix"])
		}
		validateDesktop(t, b)
	}
}

// The maintenance app of a build without windows runs in a terminal, for
// its menu; with windows, and the Jupyter launchers, in none. macOS gets
// no launcher that needs a terminal (audit AL 1: the nogui maintenance
// launcher started the install wizard, or nothing, with no terminal).
func TestMaintenanceSpecTerminal(t *testing.T) {
	prefix := "/home/ann/acme"
	app := AppInfo{Name: "Acme", ID: "com.acme.python", Prefix: prefix}
	for _, c := range []struct {
		spec LauncherSpec
		want string
	}{
		{MaintenanceSpec("Acme", false), "true"},
		{MaintenanceSpec("Acme", true), "false"},
		{LauncherSpec{Name: "Jupyter Lab", Env: "team"}, "false"},
	} {
		b, err := DesktopEntry(app, c.spec, MaintenanceApp(linux, prefix), "")
		if err != nil {
			t.Fatal(err)
		}
		if got := parseDesktop(t, b)["Terminal"]; got != c.want {
			t.Errorf("%+v: Terminal=%s; want %s", c.spec, got, c.want)
		}
		validateDesktop(t, b)
	}
	home := t.TempDir()
	items := []LauncherSpec{{Name: "Jupyter Lab", Env: "team"}, MaintenanceSpec("Acme", false)}
	p, err := Launchers(mac, fakeEnv(home, nil), app, items, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Bundles) != 1 || !strings.Contains(p.Bundles[0], "Jupyter Lab") {
		t.Errorf("macOS launchers of a build without windows: %q; want Jupyter Lab's only", p.Bundles)
	}
	if MaintenanceSpec("Acme", false).Launchable(mac) || !MaintenanceSpec("Acme", false).Launchable(linux) || !MaintenanceSpec("Acme", true).Launchable(mac) {
		t.Error("Launchable: want false for a terminal launcher on macOS only")
	}
}

func TestExecLine(t *testing.T) {
	tests := []struct {
		argv []string
		want string
	}{
		{[]string{"/a/b", "x"}, "/a/b x"},
		{[]string{"/a b/c"}, `"/a b/c"`},
		{[]string{"/x", `say "$HOME"`}, `/x "say \"\$HOME\""`},
		{[]string{"/x", `a\b`}, `/x "a\\b"`},
		{[]string{"/x", "100%"}, "/x 100%%"},
		{[]string{"/x", ""}, `/x ""`},
		{[]string{"/x", "~/y"}, `/x "~/y"`},
	}
	for _, tt := range tests {
		if got := ExecLine(tt.argv); got != tt.want {
			t.Errorf("ExecLine(%q) = %s; want %s", tt.argv, got, tt.want)
		}
	}
	// In the file, the string escapes apply on top: a backslash becomes four.
	b, _ := DesktopEntry(AppInfo{Name: "A", ID: "a.b", Prefix: `/p\q`}, LauncherSpec{Name: "L", Env: "e"}, `/p\q/.onboard/onboard`, "")
	if !bytes.Contains(b, []byte(`Exec="/p\\\\q/.onboard/onboard"`)) {
		t.Errorf("backslash not escaped twice:\n%s", b)
	}
}

func TestEscapeDesktopValue(t *testing.T) {
	for in, want := range map[string]string{
		"a\nb":        `a\nb`,
		" lead":       `\slead`,
		`c:\x`:        `c:\\x`,
		"bell\x07end": "bellend",
		"tab\tx":      `tab\tx`,
	} {
		if got := escapeDesktopValue(in); got != want {
			t.Errorf("escapeDesktopValue(%q) = %q; want %q", in, got, want)
		}
	}
}

// validateDesktop runs desktop-file-validate (desktop-file-utils) on b.
func validateDesktop(t *testing.T, b []byte) {
	t.Helper()
	tool, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		t.Log("desktop-file-validate not installed (apt-get install desktop-file-utils): skipping validation")
		return
	}
	path := filepath.Join(t.TempDir(), "com.acme.python.JupyterLab.desktop")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, path).CombinedOutput(); err != nil || bytes.Contains(out, []byte("error")) {
		t.Errorf("desktop-file-validate: %v\n%s\n--- file:\n%s", err, out, b)
	}
}

func TestDesktopFilesValidate(t *testing.T) {
	if _, err := exec.LookPath("desktop-file-validate"); err != nil {
		t.Skip("desktop-file-validate not installed (apt-get install desktop-file-utils)")
	}
	for _, os := range []string{"linux", "solaris"} {
		for _, all := range []bool{false, true} {
			for _, f := range samplePlan(t, os, all).Files {
				if strings.HasSuffix(f.Path, ".desktop") {
					validateDesktop(t, f.Data)
				}
			}
		}
	}
}

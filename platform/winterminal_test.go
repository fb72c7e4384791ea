package platform

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// settingsJSON is a Windows Terminal settings.json as Terminal 1.x writes
// it on first start (shortened).
const settingsJSON = `{
    "$help": "https://aka.ms/terminal-documentation",
    "$schema": "https://aka.ms/terminal-profiles-schema",
    "actions": [],
    "copyFormatting": "none",
    "defaultProfile": "{61c54bbd-c2c6-5271-96e7-009a87ff44bf}",
    "profiles": 
    {
        "defaults": {},
        "list": 
        [
            {
                "commandline": "%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                "guid": "{61c54bbd-c2c6-5271-96e7-009a87ff44bf}",
                "hidden": false,
                "name": "Windows PowerShell"
            },
            {
                "commandline": "%SystemRoot%\\System32\\cmd.exe",
                "guid": "{0caa0dad-35be-5f56-a8ff-afceeeaa6101}",
                "hidden": false,
                "name": "Command Prompt"
            }
        ]
    },
    "schemes": []
}
`

var acmePrompt = TerminalProfile{Name: "Acme Prompt", CommandLine: `C:\Windows\System32\cmd.exe /K C:\Acme\Scripts\activate.bat C:\Acme`,
	Icon: `C:\Acme\Menu\acme.ico`}

// profilesOf reads the profiles' names of a settings.json, which must be
// valid JSON.
func profilesOf(t *testing.T, b []byte) []string {
	t.Helper()
	var v struct {
		Profiles struct {
			List []struct {
				Name, CommandLine, Icon string
			} `json:"list"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON any more: %v\n%s", err, b)
	}
	var out []string
	for _, p := range v.Profiles.List {
		out = append(out, p.Name)
	}
	return out
}

// A profile is added at the end of profiles.list, indented as the others,
// and every other byte stays; removing it gives the file back byte for
// byte. Adding it again replaces the one of its name.
func TestTerminalProfileRoundTrip(t *testing.T) {
	for _, tt := range []struct{ name, in string }{
		{"Terminal's own", settingsJSON},
		{"empty list", `{"profiles": {"list": []}, "x": 1}`},
		{"one profile", "{\"profiles\":{\"list\":[{\"name\":\"A\"}]}}\n"},
		{"with a byte-order mark", "\xef\xbb\xbf" + settingsJSON},
	} {
		added, err := addProfile([]byte(tt.in), acmePrompt)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		names := profilesOf(t, []byte(strings.TrimPrefix(string(added), "\xef\xbb\xbf")))
		if len(names) == 0 || names[len(names)-1] != "Acme Prompt" {
			t.Errorf("%s: profiles %q; want Acme Prompt last\n%s", tt.name, names, added)
		}
		again, err := addProfile(added, acmePrompt)
		if err != nil || string(again) != string(added) {
			t.Errorf("%s: added twice: %v\n%s", tt.name, err, again)
		}
		removed, found, err := removeProfile(added, acmePrompt.Name, acmePrompt.CommandLine)
		if err != nil || !found || string(removed) != tt.in {
			t.Errorf("%s: removed (%v, %v):\n%q\nwant\n%q", tt.name, found, err, removed, tt.in)
		}
	}
	if !strings.Contains(string(must(addProfile([]byte(settingsJSON), acmePrompt))), "            },\n            {\n                \"commandline\": ") {
		t.Errorf("the new profile is not indented as the others")
	}
	// Another install's profile of the same name (another command) stays.
	added := must(addProfile([]byte(settingsJSON), acmePrompt))
	if _, found, _ := removeProfile(added, acmePrompt.Name, `D:\Other\cmd.exe`); found {
		t.Error("removed a profile of the same name with another commandline")
	}
	// The user's own profile of the name is not replaced; this install's
	// (its commandline naming the prefix) is.
	p := acmePrompt
	p.Prefix = `C:\Acme`
	user := `{"profiles": {"list": [{"name": "Acme Prompt", "commandline": "pwsh.exe"}]}}`
	if out, err := addProfile([]byte(user), p); !errors.Is(err, errProfileTaken) {
		t.Errorf("the user's profile of the same name: %v\n%s", err, out)
	}
	older := `{"profiles": {"list": [{"name": "Acme Prompt", "commandline": "cmd.exe /K C:\\acme\\old.bat"}]}}`
	if out, err := addProfile([]byte(older), p); err != nil || !strings.Contains(string(out), "activate.bat") || strings.Contains(string(out), "old.bat") {
		t.Errorf("this install's older profile: %v\n%s", err, out)
	}
	// The first of several goes with the separator after it.
	first := `{"profiles": {"list": [{"name": "Acme Prompt", "commandline": "c"}, {"name": "B"}]}}`
	if out, found, err := removeProfile([]byte(first), "Acme Prompt", "c"); err != nil || !found || string(out) != `{"profiles": {"list": [{"name": "B"}]}}` {
		t.Errorf("removing the first: %q %v %v", out, found, err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// A settings.json that is not plain JSON (comments, which Terminal
// accepts), or of another shape, is not edited.
func TestTerminalProfileRefusesOtherFiles(t *testing.T) {
	for _, in := range []string{
		"// mine\n" + settingsJSON,
		`{"profiles": [{"name": "old style"}]}`,
		`{"profiles": {"defaults": {}}}`,
		`{"profiles": {"list": [}`,
		`[1, 2]`,
		settingsJSON + "{",
	} {
		if out, err := addProfile([]byte(in), acmePrompt); err == nil {
			t.Errorf("added to %q:\n%s", in, out)
		}
	}
}

// Apply adds the profile to every Terminal of the user (packaged, preview
// and unpackaged; one never started gets a file with the profile alone),
// Remove takes it out again: files as they were, the one onboard created
// gone. A file with comments is left as it is.
func TestTerminalProfileApplyRemove(t *testing.T) {
	lad := t.TempDir()
	stable := filepath.Join(lad, "Packages", "Microsoft.WindowsTerminal_8wekyb3d8bbwe", "LocalState", "settings.json")
	preview := filepath.Join(lad, "Packages", "Microsoft.WindowsTerminalPreview_8wekyb3d8bbwe", "LocalState", "settings.json")
	unpackaged := filepath.Join(lad, "Microsoft", "Windows Terminal", "settings.json")
	commented := filepath.Join(lad, "Packages", "Microsoft.WindowsTerminal_other", "LocalState", "settings.json")
	mustWrite(t, stable, settingsJSON)
	mustWrite(t, commented, "// mine\n"+settingsJSON)
	os.MkdirAll(filepath.Dir(preview), 0o755)
	os.MkdirAll(filepath.Dir(unpackaged), 0o755)
	os.MkdirAll(filepath.Join(lad, "Packages", "Microsoft.WindowsTerminal_nostate"), 0o755) // no LocalState: no Terminal
	p := acmePrompt
	p.LocalAppData = lad
	rec, err := Apply(Plan{Target: HostTarget(), Prefix: `C:\Acme`, Terminal: []TerminalProfile{p}}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Terminal) != 3 {
		t.Fatalf("recorded %+v; want the stable, preview and unpackaged Terminals'", rec.Terminal)
	}
	for _, f := range []string{stable, preview, unpackaged} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if names := profilesOf(t, b); names[len(names)-1] != "Acme Prompt" {
			t.Errorf("%s: profiles %q", f, names)
		}
	}
	if b, _ := os.ReadFile(commented); string(b) != "// mine\n"+settingsJSON {
		t.Errorf("the settings with comments were changed:\n%s", b)
	}
	if err := Remove(rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(stable); string(b) != settingsJSON {
		t.Errorf("the stable Terminal's settings after removal:\n%s", b)
	}
	for _, f := range []string{preview, unpackaged} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s, which onboard created, is still there: %v", f, err)
		}
	}
}

// FuzzTerminalProfile edits fuzzed settings files: what addProfile
// accepts it gives back as valid JSON whose last (or replaced) profile is
// the new one, and removing it leaves valid JSON without it.
func FuzzTerminalProfile(f *testing.F) {
	f.Add([]byte(settingsJSON))
	f.Add([]byte(`{"profiles": {"list": []}}`))
	f.Add([]byte(`{"a": [1, {"b": "]"}], "profiles": {"list": [{"name": "Acme Prompt", "commandline": "x"}, 3, "s"], "z": {}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		added, err := addProfile(b, acmePrompt)
		if err != nil {
			return
		}
		body := []byte(strings.TrimPrefix(string(added), "\xef\xbb\xbf"))
		if !json.Valid(body) {
			t.Fatalf("not JSON after adding:\n%q\n->\n%q", b, added)
		}
		_, _, names, cmds, err := profileList(added)
		at := -1
		for i, n := range names {
			if n == acmePrompt.Name && cmds[i] == acmePrompt.CommandLine {
				at = i
			}
		}
		if err != nil || at < 0 {
			t.Fatalf("the profile is not in %q: %v", added, err)
		}
		removed, found, err := removeProfile(added, acmePrompt.Name, acmePrompt.CommandLine)
		if err != nil || !found || !json.Valid([]byte(strings.TrimPrefix(string(removed), "\xef\xbb\xbf"))) {
			t.Fatalf("removing from %q: %q %v %v", added, removed, found, err)
		}
		if _, _, names, cmds, _ := profileList(removed); len(names) != len(cmds) {
			t.Fatal("names and commandlines differ in number")
		}
	})
}

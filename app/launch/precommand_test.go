package launch

import (
	"slices"
	"strings"
	"testing"
)

// What cmd.exe prints for a Windows precommand: the precommand's own
// output (here in the console's code page, an odd number of bytes), then
// in UTF-16 the marker and `set`'s list, values in any language.
func TestParseSetOutput(t *testing.T) {
	out := append([]byte("caf\xe9 printed by the precommand\r\n!"), utf16le(precommandMarker+" \r\nPath=C:\\Windows;C:\\Acme\r\nTEST_VAR=rhododendron and bees\r\nGRÜSSE=日本\r\n")...)
	env, err := parseSetOutput(out)
	want := []string{`Path=C:\Windows;C:\Acme`, "TEST_VAR=rhododendron and bees", "GRÜSSE=日本"}
	if err != nil || !slices.Equal(env, want) {
		t.Fatalf("parseSetOutput = %q, %v; want %q", env, err, want)
	}
	if _, err := parseSetOutput([]byte("no marker")); err == nil {
		t.Error("output without the marker was read as an environment")
	}
	if _, err := parseSetOutput(utf16le(precommandMarker + "\r\n")); err == nil {
		t.Error("an empty list was read as an environment")
	}
	line := precommandLine(`C:\Windows\System32\cmd.exe`, `set "X=1"`)
	if want := `"C:\Windows\System32\cmd.exe" /d /u /s /c "set "X=1" && echo ` + precommandMarker + ` && set"`; line != want {
		t.Errorf("precommandLine = %s; want %s", line, want)
	}
}

// RunArgs gives `launch run` back its options, so that the precommand's
// shell can run the same command again without it.
func TestRunArgs(t *testing.T) {
	o := RunOptions{Prefix: "/p", Env: "team", Command: []string{"hello", "a b"}, Dir: "/w", Precommand: "export X=1"}
	got := strings.Join(RunArgs(o), "|")
	if want := "launch|run|--prefix|/p|--env|team|--no-activate|--precommand|export X=1|--cwd|/w|--|hello|a b"; got != want {
		t.Errorf("RunArgs = %s; want %s", got, want)
	}
	o.Activate, o.Precommand, o.Dir, o.Terminal = true, "", "", true
	if got, want := strings.Join(RunArgs(o), "|"), "launch|run|--prefix|/p|--env|team|--terminal|--|hello|a b"; got != want {
		t.Errorf("RunArgs = %s; want %s", got, want)
	}
}

package launch

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// precommandMarker is echoed between a Windows precommand and the `set`
// that lists the environment it leaves, so that what the precommand
// prints is not taken for the environment.
const precommandMarker = "__ONBOARD_PRECOMMAND_ENVIRONMENT__"

// precommandLine is the command line of cmd.exe (comspec) that runs pre
// and then lists the environment: /u makes cmd's own output (echo, set)
// UTF-16, so that no value is lost to the console's code page, /s keeps
// pre as it is written.
func precommandLine(comspec, pre string) string {
	return `"` + comspec + `" /d /u /s /c "` + pre + ` && echo ` + precommandMarker + ` && set"`
}

// parseSetOutput reads the environment that cmd's `set` listed after
// the marker in out (UTF-16LE, after whatever the precommand printed, in
// any encoding): one NAME=VALUE a line.
func parseSetOutput(out []byte) ([]string, error) {
	m := utf16le(precommandMarker)
	i := bytes.Index(out, m)
	if i < 0 {
		return nil, errors.New("the precommand's shell did not list its environment")
	}
	rest := out[i+len(m):]
	if len(rest)%2 == 1 {
		rest = rest[:len(rest)-1]
	}
	u := make([]uint16, len(rest)/2)
	for j := range u {
		u[j] = uint16(rest[2*j]) | uint16(rest[2*j+1])<<8
	}
	lines := strings.Split(strings.ReplaceAll(string(utf16.Decode(u)), "\r\n", "\n"), "\n")
	var env []string
	for _, l := range lines[1:] { // the marker's own line ends first
		if k, _, ok := strings.Cut(l, "="); ok && k != "" {
			env = append(env, l)
		}
	}
	if len(env) == 0 {
		return nil, fmt.Errorf("the precommand's shell listed no environment")
	}
	return env, nil
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

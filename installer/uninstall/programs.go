package uninstall

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
)

// Program is a process that runs a program from an install.
type Program struct {
	PID  int
	Name string // what it runs: "jupyter-notebook", "ipykernel_launcher", "python3.11"
}

func (p Program) String() string { return fmt.Sprintf("%s (pid %d)", p.Name, p.PID) }

// programName names what the command line argv runs: the program, or for
// a Python the script it runs (jupyter-notebook) or its -m module
// (ipykernel_launcher).
func programName(argv []string) string {
	return printable(programArg(argv), 40)
}

// printable is s as a terminal shows it as written, on one line: each
// character that is not printable as '?', cut at max characters. Another
// user's process names itself (audit AG: escape sequences and new lines
// in root's uninstall question).
func printable(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteString("…")
			break
		}
		if !unicode.IsPrint(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// programArg is the argument of argv that names what it runs.
func programArg(argv []string) string {
	if len(argv) == 0 || argv[0] == "" {
		return "a program"
	}
	name := filepath.Base(argv[0])
	if !strings.HasPrefix(strings.ToLower(name), "python") {
		return name
	}
	for i := 1; i < len(argv); i++ {
		switch a := argv[i]; {
		case a == "-m" && i+1 < len(argv):
			return argv[i+1]
		case a == "-c":
			return name
		case strings.HasPrefix(a, "-"):
			continue
		default:
			return filepath.Base(a)
		}
	}
	return name
}

package link

import (
	"fmt"
	"regexp"
	"strings"
)

// EntryPoint is one "cmd = module:func" of link.json.
type EntryPoint struct {
	Command string
	Module  string
	Func    string
}

var dottedIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// ParseEntryPoint parses "cmd = module:func" as conda does.
func ParseEntryPoint(s string) (EntryPoint, error) {
	const cut = " \t\r\n\"'"
	cmd, target, ok := strings.Cut(s, "=")
	if !ok {
		return EntryPoint{}, fmt.Errorf("failed to parse entry point %q: expected \"command = module:function\"", s)
	}
	cmd = strings.Trim(cmd, cut)
	target = strings.Trim(target, cut)
	i := strings.LastIndexByte(target, ':')
	if i < 0 {
		return EntryPoint{}, fmt.Errorf("failed to parse entry point %q: expected \"command = module:function\"", s)
	}
	ep := EntryPoint{Command: cmd, Module: strings.TrimSpace(target[:i]), Func: strings.TrimSpace(target[i+1:])}
	if cmd == "" || strings.ContainsAny(cmd, "/\\\x00\n\r") || strings.HasPrefix(cmd, ".") {
		return EntryPoint{}, fmt.Errorf("failed to parse entry point %q: the command name %q is not a safe file name", s, cmd)
	}
	if !dottedIdent.MatchString(ep.Module) || !dottedIdent.MatchString(ep.Func) {
		return EntryPoint{}, fmt.Errorf("failed to parse entry point %q: module and function must be Python names", s)
	}
	return ep, nil
}

// entryPointBody is conda's python_entry_point_template.
const entryPointBody = `# -*- coding: utf-8 -*-
import re
import sys

from %s import %s

if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\.pyw?|\.exe)?$', '', sys.argv[0])
    sys.exit(%s())
`

// ScriptBody returns the entry point's Python code without a shebang: the
// content of a Windows <cmd>-script.py.
func (ep EntryPoint) ScriptBody() []byte {
	importName, _, _ := strings.Cut(ep.Func, ".")
	return []byte(fmt.Sprintf(entryPointBody, ep.Module, importName, ep.Func))
}

// UnixScript returns the bytes of bin/<cmd> for the interpreter at the
// absolute path python: a shebang (see [EntryPointShebang]) then
// [EntryPoint.ScriptBody].
func (ep EntryPoint) UnixScript(python, subdir string) []byte {
	return append([]byte(EntryPointShebang(python, subdir)), ep.ScriptBody()...)
}

// EntryPointShebang is conda's generate_shebang_for_entry_point: "#!python\n",
// or when that is longer than the target's limit or python contains a
// space, the two-line /bin/sh form that execs python.
func EntryPointShebang(python, subdir string) string {
	s := "#!" + python + "\n"
	if len(s) > MaxShebangLength(subdir) || strings.Contains(python, " ") {
		s = "#!/bin/sh\n'''exec' \"" + python + "\" \"$0\" \"$@\" #'''\n"
	}
	return s
}

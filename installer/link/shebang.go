package link

import (
	"bytes"
	"strings"
)

// ReplaceLongShebang rewrites a first-line shebang that is longer than the
// target's limit ([MaxShebangLength]) or whose interpreter path contains an
// escaped space (`\ `). A Python script gets the two-line /bin/sh form
// that conda gives its entry points ([EntryPointShebang]), which runs the
// prefix's own python; anything else gets "#!/usr/bin/env <interpreter
// name><options>", as conda's replace_long_shebang writes for every script
// (and, like conda, every copy of that line in data is replaced). conda's
// env form ran the first python on PATH: in a folder with spaces (a home
// folder with one gives the default prefix one), bin/conda found none on
// Debian, or the system's, which has no conda, so conda could not even
// be activated (audit BH 1). Other data is returned unchanged.
func ReplaceLongShebang(data []byte, subdir string) []byte {
	whole, exe, opts, ok := parseShebang(data)
	if !ok {
		return data
	}
	dir, name := "", exe
	if i := strings.LastIndexByte(exe, '/'); i >= 0 {
		dir, name = exe[:i], exe[i+1:]
	}
	if len(whole) <= MaxShebangLength(subdir) && !strings.Contains(dir, `\ `) {
		return data
	}
	if t, ok := pythonTrampoline(data, exe, opts); ok {
		return append([]byte(t), data[len(whole):]...)
	}
	repl := []byte("#!/usr/bin/env " + name + opts)
	return bytes.ReplaceAll(data, whole, repl)
}

// pythonTrampoline is the /bin/sh first lines that exec the Python at exe
// (spaces escaped as `\ `) with opts, for the Python script data: its
// second line is a string to Python and `exec "exe" opts "$0" "$@"` to sh.
// That string is the module's docstring, so it is not for a script that
// has one of its own: its __doc__ (docopt, argparse's description) would
// be the exec line, and a __future__ import after it a SyntaxError (audit
// BJ 1); nor for a path or options that sh or Python would read otherwise
// (quotes, $, backquotes, backslashes), nor a script that declares another
// encoding than UTF-8 on its second line (it would be the third).
func pythonTrampoline(data []byte, exe, opts string) (string, bool) {
	path := strings.ReplaceAll(exe, `\ `, " ")
	name := path[strings.LastIndexByte(path, '/')+1:]
	if !isPythonName(name) || strings.ContainsAny(path, "\"'$`\\\n\r") {
		return "", false
	}
	for _, c := range opts {
		if !(c == ' ' || c == '-' || c == '_' || c == '=' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "", false
		}
	}
	if hasDocstring(data) {
		return "", false
	}
	if _, rest, ok := bytes.Cut(data, []byte("\n")); ok {
		second, _, _ := bytes.Cut(rest, []byte("\n"))
		low := bytes.ToLower(second)
		if codingLine(second) && !bytes.Contains(low, []byte("utf-8")) && !bytes.Contains(low, []byte("utf8")) {
			return "", false
		}
	}
	o := strings.TrimSpace(opts)
	if o != "" {
		o = " " + o
	}
	return "#!/bin/sh\n'''exec' \"" + path + "\"" + o + " \"$0\" \"$@\" #'''", true
}

// hasDocstring tells whether the Python script data (a shebang line
// first) may have a module docstring: its first line that is neither
// blank nor a comment starts with a string literal (a prefix such as r or
// b allowed). A first statement such as "x".join(...) counts too: the
// rule errs towards conda's env line.
func hasDocstring(data []byte) bool {
	_, rest, _ := bytes.Cut(data, []byte("\n"))
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		t := bytes.TrimLeft(line, " \t\f\r")
		if len(t) == 0 || t[0] == '#' || t[0] == '\\' {
			continue
		}
		t = bytes.TrimLeft(t, "rRbBuUfF")
		return len(t) > 0 && (t[0] == '"' || t[0] == '\'')
	}
	return false
}

// isPythonName tells python, python3, python3.12, pythonw, pythonw3.12.
func isPythonName(name string) bool {
	rest, ok := strings.CutPrefix(name, "python")
	rest = strings.TrimPrefix(rest, "w")
	return ok && strings.Trim(rest, "0123456789.") == ""
}

// codingLine tells a PEP 263 encoding declaration: a comment with
// "coding:" or "coding=".
func codingLine(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\f")
	return bytes.HasPrefix(t, []byte("#")) && (bytes.Contains(t, []byte("coding:")) || bytes.Contains(t, []byte("coding=")))
}

// parseShebang matches conda's SHEBANG_REGEX at the start of data:
// `#!` spaces `/(?:\\ |[^ \n\r\t])*` `.*` up to the end of the line.
func parseShebang(data []byte) (whole []byte, exe, opts string, ok bool) {
	if !bytes.HasPrefix(data, []byte("#!")) {
		return nil, "", "", false
	}
	i := 2
	for i < len(data) && data[i] == ' ' {
		i++
	}
	if i >= len(data) || data[i] != '/' {
		return nil, "", "", false
	}
	start := i
	i++
	for i < len(data) {
		c := data[i]
		if c == '\\' && i+1 < len(data) && data[i+1] == ' ' {
			i += 2
			continue
		}
		if c == ' ' || c == '\n' || c == '\r' || c == '\t' {
			break
		}
		i++
	}
	end := bytes.IndexByte(data, '\n')
	if end < 0 {
		end = len(data)
	}
	if i > end {
		i = end
	}
	return data[:end], string(data[start:i]), string(data[i:end]), true
}

package link

import (
	"bytes"
	"strings"
)

// ReplaceLongShebang rewrites a first-line shebang that is longer than the
// target's limit ([MaxShebangLength]) or whose interpreter path contains an
// escaped space (`\ `) to "#!/usr/bin/env <interpreter name><options>", as
// conda's replace_long_shebang does. Like conda it replaces every copy of
// that line in data. Other data is returned unchanged.
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
	repl := []byte("#!/usr/bin/env " + name + opts)
	return bytes.ReplaceAll(data, whole, repl)
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

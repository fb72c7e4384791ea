package link

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"

	"onboard/installer/pkg"
)

// PaddingError reports a binary file whose prefix placeholder is shorter
// than the new prefix: the file cannot be rewritten without changing its
// length. conda raises PaddingError in the same case.
type PaddingError struct {
	Path        string // the package path, when known
	Placeholder string
	Prefix      string
}

func (e *PaddingError) Error() string {
	where := ""
	if e.Path != "" {
		where = fmt.Sprintf(" in %q", e.Path)
	}
	return fmt.Sprintf("the install path %q (%d characters) is longer than the %d-character placeholder%s; choose a shorter install path",
		e.Prefix, len(e.Prefix), len(e.Placeholder), where)
}

// encodings are the five encodings conda replaces placeholders in, in
// conda's order.
var encodings = []string{"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"}

// encode returns s in the named encoding (no byte-order mark).
func encode(s, enc string) []byte {
	if enc == "utf-8" {
		return []byte(s)
	}
	var out []byte
	switch enc {
	case "utf-16-le", "utf-16-be":
		for _, u := range utf16.Encode([]rune(s)) {
			if enc == "utf-16-le" {
				out = binary.LittleEndian.AppendUint16(out, u)
			} else {
				out = binary.BigEndian.AppendUint16(out, u)
			}
		}
	default:
		for _, r := range s {
			if enc == "utf-32-le" {
				out = binary.LittleEndian.AppendUint32(out, uint32(r))
			} else {
				out = binary.BigEndian.AppendUint32(out, uint32(r))
			}
		}
	}
	return out
}

// ReplacePrefix rewrites placeholder to newPrefix in data as conda's
// update_prefix does for the target subdir:
//
//   - text mode: in each of five encodings, a "#!placeholder" in the first
//     line gets its spaces escaped as `\ `, every placeholder is replaced,
//     then [ReplaceLongShebang] applies. On Windows subdirs backslashes in
//     newPrefix become forward slashes and shebangs are left alone.
//   - binary mode: each placeholder up to the next NUL is replaced and the
//     difference is NUL-padded, so the length never changes; a placeholder
//     with no NUL before the end is left as is; a newPrefix longer than the
//     placeholder gives a *PaddingError. On Windows subdirs binary files are
//     left alone except the shebang of a pyzzer entry-point launcher.
//
// It returns data itself when nothing changed.
func ReplacePrefix(data []byte, mode pkg.FileMode, placeholder, newPrefix, subdir string) ([]byte, error) {
	win := IsWindows(subdir)
	if mode == pkg.ModeBinary {
		if win {
			return replacePyzzerShebang(data, placeholder, newPrefix), nil
		}
		return replaceBinary(data, placeholder, newPrefix)
	}
	if win {
		newPrefix = strings.ReplaceAll(newPrefix, `\`, "/")
	}
	out := data
	for _, enc := range encodings {
		out = replaceText(out, encode(placeholder, enc), newPrefix, enc, !win)
	}
	if !win {
		out = ReplaceLongShebang(out, subdir)
	}
	return out, nil
}

// PrefixGrowth is how many bytes replacing the placeholders adds to data,
// at most (text mode: every placeholder in each encoding made newPrefix;
// binary mode keeps the length, but for a Windows pyzzer launcher's
// shebang), counted without rewriting: a placeholder of one byte in a file
// of a million would make it a million prefixes long. ReplacePrefix's
// long-shebang rewrite may add up to 13 bytes to each copy of the first
// line besides ("#!x" becomes "#!/usr/bin/env x"), or 34 to a Python
// script's first line (the /bin/sh form).
func PrefixGrowth(data []byte, mode pkg.FileMode, placeholder, newPrefix, subdir string) int64 {
	win := IsWindows(subdir)
	switch {
	case placeholder == "" || mode == pkg.ModeBinary && !win:
		return 0
	case mode == pkg.ModeBinary:
		if d := len(newPrefix) - len(placeholder); d > 0 {
			return int64(bytes.Count(data, []byte(placeholder))) * int64(d)
		}
		return 0
	}
	if win {
		newPrefix = strings.ReplaceAll(newPrefix, `\`, "/")
	}
	var n int64
	for _, enc := range encodings {
		ph, repl := encode(placeholder, enc), encode(strings.ReplaceAll(newPrefix, " ", `\ `), enc)
		if d := len(repl) - len(ph); d > 0 {
			n += int64(bytes.Count(data, ph)) * int64(d)
		}
	}
	return n
}

// replaceText is one encoding's pass of conda's text-mode replacement.
func replaceText(data, ph []byte, newPrefix, enc string, unix bool) []byte {
	if len(ph) == 0 || !bytes.Contains(data, ph) {
		return data
	}
	if unix {
		if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
			line := data[:nl]
			shebangPh := append(encode("#!", enc), ph...)
			if bytes.Contains(line, shebangPh) {
				escaped := encode("#!"+strings.ReplaceAll(newPrefix, " ", `\ `), enc)
				line = bytes.ReplaceAll(line, shebangPh, escaped)
				data = append(line, data[nl:]...)
			}
		}
	}
	return bytes.ReplaceAll(data, ph, encode(newPrefix, enc))
}

// replaceBinary runs conda's binary_replace for the five encodings.
func replaceBinary(data []byte, placeholder, newPrefix string) ([]byte, error) {
	out := data
	for _, enc := range encodings {
		var err error
		out, err = replaceBinaryEnc(out, encode(placeholder, enc), encode(newPrefix, enc), encode("\x00", enc))
		if err != nil {
			return nil, &PaddingError{Placeholder: placeholder, Prefix: newPrefix}
		}
	}
	return out, nil
}

var errPadding = fmt.Errorf("placeholder too short")

// replaceBinaryEnc replaces every match of `ph [^zeros]* zeros` (the
// regular expression conda uses) with the placeholders replaced and the
// lost length appended as NUL bytes.
func replaceBinaryEnc(data, ph, repl, zeros []byte) ([]byte, error) {
	if len(ph) == 0 || !bytes.Contains(data, ph) {
		return data, nil
	}
	var out []byte
	pos := 0
	for {
		i := bytes.Index(data[pos:], ph)
		if i < 0 {
			break
		}
		start := pos + i
		k := bytes.Index(data[start+len(ph):], zeros)
		if k < 0 {
			break // no terminator before EOF: conda leaves it untouched
		}
		end := start + len(ph) + k + len(zeros)
		match := data[start:end]
		n := bytes.Count(match, ph)
		pad := (len(ph) - len(repl)) * n
		if pad < 0 {
			return nil, errPadding
		}
		if out == nil {
			out = make([]byte, 0, len(data))
		}
		out = append(out, data[pos:start]...)
		out = append(out, bytes.ReplaceAll(match, ph, repl)...)
		out = append(out, make([]byte, pad)...)
		pos = end
	}
	if out == nil {
		return data, nil
	}
	return append(out, data[pos:]...), nil
}

// replacePyzzerShebang rewrites the placeholder inside the shebang of a
// pyzzer launcher (an exe with a shebang and a zip appended), as conda does
// for Windows binary files; anything else is returned unchanged.
func replacePyzzerShebang(data []byte, placeholder, newPrefix string) []byte {
	pos := bytes.LastIndex(data, []byte("PK\x05\x06"))
	if pos < 0 || pos+20 > len(data) {
		return data
	}
	cdrSize := int64(binary.LittleEndian.Uint32(data[pos+12:]))
	cdrOffset := int64(binary.LittleEndian.Uint32(data[pos+16:]))
	arcPos := int64(pos) - cdrSize - cdrOffset
	if arcPos <= 0 || arcPos >= int64(len(data)) {
		return data
	}
	sb := bytes.LastIndex(data[:arcPos], []byte("#!"))
	if sb <= 0 {
		return data
	}
	shebang := bytes.ReplaceAll(data[sb:arcPos], []byte(placeholder), []byte(newPrefix))
	out := make([]byte, 0, len(data)+len(newPrefix))
	out = append(out, data[:sb]...)
	out = append(out, shebang...)
	return append(out, data[arcPos:]...)
}

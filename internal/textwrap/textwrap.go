// Package textwrap breaks text into lines of a given width, as a measure
// function measures them: the GUI's long texts (app/gui, longText) wrap
// with Fyne's text measure, the tests with one unit a character.
package textwrap

import (
	"strings"
	"unicode/utf8"
)

// Line breaks one line of text into lines no wider than width, as
// measure measures them, at spaces (kept as they are, so indentation
// stays), and inside a word only when the word alone is wider. An empty
// line stays one empty line.
func Line(s string, width float32, measure func(string) float32) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	space := measure(" ")
	line, lineW := "", float32(0)
	for i, word := range strings.Split(s, " ") {
		w := measure(word)
		switch {
		case i == 0:
			line, lineW = word, w
		case lineW+space+w <= width:
			line, lineW = line+" "+word, lineW+space+w
		default:
			out = append(out, line)
			line, lineW = word, w
		}
		for lineW > width && utf8.RuneCountInString(line) > 1 {
			// A word wider than the line: as many of its characters as fit.
			cut, cutW := 0, float32(0)
			for j, r := range line {
				rw := measure(string(r))
				if j > 0 && cutW+rw > width {
					break
				}
				cut, cutW = j+utf8.RuneLen(r), cutW+rw
			}
			out = append(out, line[:cut])
			line = line[cut:]
			lineW = measure(line)
		}
	}
	return append(out, line)
}

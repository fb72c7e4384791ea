// Package textwrap breaks text into lines of a given width, as a measure
// function measures them: the GUI's long texts (app/gui, longText) wrap
// with Fyne's text measure, the tests with one unit a character.
package textwrap

import (
	"strings"
)

// Line breaks one line of text into lines no wider than width, as
// measure measures them, at spaces (kept as they are, so indentation
// stays), and inside a word only when the word alone is wider. An empty
// line stays one empty line. Each word is measured once, and a word
// longer than maxMeasured bytes by its characters, so that the work grows
// with the text, however long its words.
func Line(s string, width float32, measure func(string) float32) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	space := measure(" ")
	line, lineW := "", float32(0)
	for i, word := range strings.Split(s, " ") {
		w := wordWidth(word, measure)
		switch {
		case i == 0:
			line, lineW = word, w
		case lineW+space+w <= width:
			line, lineW = line+" "+word, lineW+space+w
		default:
			out = append(out, line)
			line, lineW = word, w
		}
		if lineW > width {
			// The line is this word alone, wider than the line: as many
			// of its characters on each line as fit, in one pass.
			start, acc := 0, float32(0)
			for j, r := range line {
				rw := measure(string(r))
				if j > start && acc+rw > width {
					out = append(out, line[start:j])
					start, acc = j, 0
				}
				acc += rw
			}
			line, lineW = line[start:], acc
		}
	}
	return append(out, line)
}

// maxMeasured is the longest word measured whole.
const maxMeasured = 256

func wordWidth(word string, measure func(string) float32) float32 {
	if len(word) <= maxMeasured {
		return measure(word)
	}
	var w float32
	for _, r := range word {
		w += measure(string(r))
	}
	return w
}

package textwrap

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// runeWidth measures a string as one unit a character.
func runeWidth(s string) float32 { return float32(utf8.RuneCountInString(s)) }

func TestLine(t *testing.T) {
	tests := []struct {
		in    string
		width float32
		want  []string
	}{
		{"", 10, []string{""}},
		{"aaa bbb ccc ddd", 10, []string{"aaa bbb", "ccc ddd"}},
		{"aaa bbb ccc ddd", 7, []string{"aaa bbb", "ccc ddd"}},
		{"aaa bbb ccc ddd", 6, []string{"aaa", "bbb", "ccc", "ddd"}},
		// Indentation stays; the space a line breaks at goes.
		{"    (a) The Software is provided", 12, []string{"    (a) The", "Software is", "provided"}},
		// A word wider than the line is cut where it must.
		{"see https://example.com/a/very/long/path now", 10, []string{"see", "https://ex", "ample.com/", "a/very/lon", "g/path now"}},
		{"ééééé", 2, []string{"éé", "éé", "é"}},
	}
	for _, tt := range tests {
		got := Line(tt.in, tt.width, runeWidth)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Line(%q, %v) = %q; want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

// FuzzLine: every line fits (but a single character wider than the
// line), and nothing but the spaces broken at is lost.
func FuzzLine(f *testing.F) {
	f.Add("aaa bbb ccc ddd", uint8(7))
	f.Add("  x  y   zzzzzzzzzzzzzz ", uint8(3))
	f.Fuzz(func(t *testing.T, s string, w uint8) {
		if !utf8.ValidString(s) || strings.Contains(s, "\n") {
			return
		}
		width := float32(w%40 + 1)
		lines := Line(s, width, runeWidth)
		for _, l := range lines {
			if runeWidth(l) > width && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("line %q is wider than %v", l, width)
			}
		}
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(s, " ", "") {
			t.Fatalf("Line(%q) = %q lost text", s, lines)
		}
		if lost := strings.Count(s, " ") - strings.Count(joined, " "); lost < 0 || lost > len(lines)-1 {
			t.Fatalf("Line(%q) = %q lost %d spaces over %d breaks", s, lines, lost, len(lines)-1)
		}
	})
}

// A word of a megabyte (a base64 blob in a licence) is measured in one
// pass: the bytes handed to measure grow with the text, not with its
// square, so the window does not freeze on it.
func TestLineMeasuresALongWordOnce(t *testing.T) {
	word := strings.Repeat("QUJDRA", 1<<20/6)
	measured := 0
	count := func(s string) float32 { measured += len(s); return runeWidth(s) }
	lines := Line("see "+word+" end", 80, count)
	if got := strings.Join(lines, ""); strings.ReplaceAll(got, " ", "") != "see"+word+"end" {
		t.Fatalf("the text was not kept (%d lines)", len(lines))
	}
	for _, l := range lines {
		if runeWidth(l) > 80 {
			t.Fatalf("a line of %v", runeWidth(l))
		}
	}
	if max := 4 * len(word); measured > max {
		t.Fatalf("measured %d bytes for a text of %d; want at most %d", measured, len(word), max)
	}
}

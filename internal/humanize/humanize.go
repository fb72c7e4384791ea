// Package humanize writes sizes for people.
package humanize

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Bytes writes n in decimal units, as disks and downloads are sold:
// "999 B", "1.5 kB", "340.0 MB", "2.5 GB".
func Bytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// Count writes n and the noun, plural unless n is 1: "1 package",
// "4 packages", "0 problems". The nouns it is given take an s.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Excerpt keeps text that a package or a file controls readable in a
// message: one longer than max bytes shows its start and its end around
// "…(N bytes)…", cut at character boundaries. A name of thousands of bytes,
// or a has_prefix line of 30 MB, is then a line of a message, not all of
// it.
func Excerpt(s string, max int) string {
	if len(s) <= max {
		return s
	}
	head, tail := max*2/3, max/3
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	end := len(s) - tail
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	return fmt.Sprintf("%s…(%d bytes)…%s", s[:head], len(s), s[end:])
}

// List joins names as a sentence does: "a", "a and b", "a, b and c"; past
// max of them, the rest are counted: "a, b, c and 2 more".
func List(names []string, max int) string {
	if max > 0 && len(names) > max {
		return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

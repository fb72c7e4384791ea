package humanize

import (
	"regexp"
	"strconv"
	"strings"
)

// goQuoted is a string as fmt's %q writes it.
var goQuoted = regexp.MustCompile(`"(?:[^"\\\n]|\\.)*"`)

// PlainQuotes writes each name that fmt's %q quoted in s with its
// backslashes single, as the name has them: %q writes the Windows path
// C:\Users\ann\acme as "C:\\Users\\ann\\acme", which is no name a person
// knows. A name %q had to escape for more than its backslashes (a
// control character, a quote, bytes that are not UTF-8) is left escaped,
// so that nothing in it hides or fakes part of the message.
func PlainQuotes(s string) string {
	if !strings.Contains(s, `\\`) {
		return s
	}
	return goQuoted.ReplaceAllStringFunc(s, func(q string) string {
		u, err := strconv.Unquote(q)
		if err != nil || strconv.Quote(u) != q || strings.Count(q, `\`) != 2*strings.Count(u, `\`) {
			return q
		}
		return `"` + u + `"`
	})
}

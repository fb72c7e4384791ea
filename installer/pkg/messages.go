package pkg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// PrelinkMessagesDir is the folder of a package's info/ whose files conda
// prints, under "The following PRELINK MESSAGES are INCLUDED", and asks
// the user to accept before it links the package (conda's link.py,
// _verify_pre_link_message; conda-build's build/prelink_message). Vendors
// put licence terms there.
const PrelinkMessagesDir = "info/prelink_messages/"

// MaxPrelinkMessages caps the bytes of all of one package's messages
// together: far above a licence notice, and they go into bundle.json,
// which onboard reads whole.
const MaxPrelinkMessages = 256 << 10

// Message is one file of a package's info/prelink_messages/.
type Message struct {
	File string `json:"file"` // its path under info/prelink_messages/
	Text string `json:"text"` // its content as DisplayText shows it
}

// DisplayText is b as a terminal or a window may show it: valid UTF-8
// (a bad byte becomes U+FFFD), lines ending in "\n" (a CR, CRLF, form
// feed or vertical tab ends a line), no byte-order mark (U+FEFF, also
// the invisible zero-width no-break space elsewhere), and no other
// control character (each becomes U+FFFD) nor bidirectional override
// (removed), so that a package's text cannot move the cursor, recolour
// the terminal or make what is shown read otherwise than it is.
func DisplayText(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r' || r == '\f' || r == '\v':
			return '\n'
		case unicode.IsControl(r):
			return utf8.RuneError
		case isBidiControl(r) || r == '\uFEFF':
			return -1
		}
		return r
	}, s)
}

// IsDisplayText reports whether s is already as DisplayText would show it.
func IsDisplayText(s string) bool {
	return utf8.ValidString(s) && DisplayText([]byte(s)) == s
}

// isBidiControl tells the characters that change the direction of the text
// around them (Unicode's Bidi_Control; the "Trojan Source" characters).
func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

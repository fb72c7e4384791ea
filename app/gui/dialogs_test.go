//go:build !nogui && !solaris

package gui

import "testing"

// A problem's message and hint start with a capital in the dialog, unless
// their first word is a name.
func TestParagraph(t *testing.T) {
	for in, want := range map[string]string{
		"free some space, or go Back":      "Free some space, or go Back",
		"cannot install into \"/x\": full": "Cannot install into \"/x\": full",
		"bin/jupyter is missing":           "bin/jupyter is missing",
		"onboard.exe was moved":            "onboard.exe was moved",
		"/opt/team is read-only":           "/opt/team is read-only",
		"Already a sentence.":              "Already a sentence.",
		"écrire: accès refusé":             "Écrire: accès refusé",
		"":                                 "",
	} {
		if got := paragraph(in); got != want {
			t.Errorf("paragraph(%q) = %q; want %q", in, got, want)
		}
	}
}

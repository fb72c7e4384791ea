package wizard

import (
	"strings"
	"testing"
)

// The maintenance app checks the install as it opens, a window or a menu
// in a terminal: the text names it and its verify, and no button, which
// a build with windows run without a display cannot show (audit AQ 8).
func TestCheckFilesNamesNoButton(t *testing.T) {
	got := checkItsFiles("Acme", "/p")
	if strings.Contains(got, "click") || !strings.Contains(got, "open Acme Maintenance, which checks them as it opens") || !strings.Contains(got, "/p/.onboard/onboard verify") {
		t.Errorf("checkItsFiles: %q", got)
	}
}

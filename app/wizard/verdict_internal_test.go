package wizard

import (
	"strings"
	"testing"
)

// A build without windows has a maintenance app that is a menu in a
// terminal, which checks the install first: the text names no button
// (audit AQ 8: "click Verify all" named a window there).
func TestCheckFilesSaysWhatTheAppIs(t *testing.T) {
	window, menu := checkFiles("Acme", "/p", true), checkFiles("Acme", "/p", false)
	if !strings.Contains(window, "open Acme Maintenance and click Verify all") {
		t.Errorf("with a window: %q", window)
	}
	if strings.Contains(menu, "click") || !strings.Contains(menu, "open Acme Maintenance, which checks them first") || !strings.Contains(menu, "/p/.onboard/onboard verify") {
		t.Errorf("with a menu: %q", menu)
	}
}

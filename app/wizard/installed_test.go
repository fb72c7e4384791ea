package wizard

import (
	"strings"
	"testing"

	"onboard/installer/uninstall"
)

// The programs an uninstall stops are named, a few of them, and the rest
// counted.
func TestRunningWarning(t *testing.T) {
	ps := []uninstall.Program{{PID: 1, Name: "jupyter-notebook"}, {PID: 2, Name: "ipykernel_launcher"}}
	if got, want := runningWarning(ps), "It stops what still runs from it, and what is not saved there is lost: jupyter-notebook (pid 1) and ipykernel_launcher (pid 2)."; got != want {
		t.Errorf("runningWarning = %q; want %q", got, want)
	}
	for i := 3; i <= 6; i++ {
		ps = append(ps, uninstall.Program{PID: i, Name: "python"})
	}
	if got := runningWarning(ps); !strings.HasSuffix(got, "python (pid 3) and 3 more.") {
		t.Errorf("runningWarning of 6 = %q; want three named and 3 more", got)
	}
	if got := runningWarning(nil); got != "" {
		t.Errorf("runningWarning of none = %q", got)
	}
}

package wizard

import (
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/installer/uninstall"
	"onboard/platform"
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

// The uninstall's question names the shortcuts and the terminal set-up of
// the install's own launcher record only: a record of another folder (an
// install moved by hand) is one whose shortcuts the uninstall leaves, and
// the question said it removed them (audit BN 1).
func TestRemovalNamesOnlyTheInstallsOwnShortcuts(t *testing.T) {
	prefix := t.TempDir()
	in := &Installed{Prefix: prefix, Manifest: bundle.Manifest{Name: "Acme", Version: "1.0"}}
	save := func(owner string) {
		t.Helper()
		rec := platform.Record{Schema: 1, Prefix: owner, Files: []platform.RecordFile{{Path: "/h/.local/share/applications/acme.desktop", Kind: platform.KindEntry}},
			Shell: []platform.ShellEdit{{Path: "/h/.bashrc"}}}
		if err := platform.SaveRecord(state.LaunchersPath(prefix), rec); err != nil {
			t.Fatal(err)
		}
	}
	save(prefix)
	if got, want := in.Removal(), "Acme 1.0 from "+prefix+", with its 1 shortcut and its terminal set-up"; got != want {
		t.Errorf("own record: %q; want %q", got, want)
	}
	save(filepath.Join(t.TempDir(), "elsewhere"))
	if got, want := in.Removal(), "Acme 1.0 from "+prefix; got != want {
		t.Errorf("another folder's record: %q; want %q", got, want)
	}
}

//go:build !nogui && !solaris

package gui

import (
	"bytes"
	"log"
	"os"
	"strings"
	"testing"

	"onboard/app/wizard"
	"onboard/installer"
)

// What Fyne logs while a window runs goes to that window's session log,
// not to the terminal ("No Fyne noise"); with no log open, where it went.
func TestFyneLogGoesToTheSessionLog(t *testing.T) {
	l, err := wizard.OpenLog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var stderr bytes.Buffer
	log.SetOutput(&stderr)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	var open *wizard.Log
	undo := routeFyneLog(func() installer.Logf {
		if open == nil {
			return nil
		}
		return open.Logf
	})
	log.Print("Fyne error:  Getting favorite locations\n  Cause: this computer does not define a VIDEOS folder")
	if !strings.Contains(stderr.String(), "Getting favorite locations") {
		t.Fatalf("with no log open the line was lost: %q", stderr.String())
	}
	stderr.Reset()
	open = l
	log.Print("Fyne error:  Preferences load error\n  Cause: EOF")
	undo()
	log.Print("after")
	data, _ := os.ReadFile(l.Path)
	if stderr.String() != "after\n" && !strings.HasSuffix(stderr.String(), "after\n") || strings.Contains(stderr.String(), "Preferences") {
		t.Fatalf("the terminal got %q", stderr.String())
	}
	if !strings.Contains(string(data), "fyne: Fyne error:  Preferences load error\n") || !strings.Contains(string(data), "fyne:   Cause: EOF\n") {
		t.Fatalf("the session log has:\n%s", data)
	}
}

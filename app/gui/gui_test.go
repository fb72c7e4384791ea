//go:build !nogui && !solaris

package gui

import (
	"bytes"
	"log"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

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
	}, nil)
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

// A window Fyne cannot create (no OpenGL 2.1: a virtual machine without
// 3D, Windows' own OpenGL 1.1) is reported once, with Fyne's cause, and
// the text says what is missing and how to install without the window.
// Before, the program went on with no window and no word.
func TestNoWindowIsReported(t *testing.T) {
	var stderr bytes.Buffer
	log.SetOutput(&stderr)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	got := make(chan string, 2)
	w := &noWindowWatch{report: func(cause string) { got <- cause }}
	undo := routeFyneLog(func() installer.Logf { return nil }, w.line)
	defer undo()
	log.Println("Fyne error:  Getting favorite locations") // another error: not this
	select {
	case c := <-got:
		t.Fatalf("reported %q for a line that is not about the window", c)
	case <-time.After(50 * time.Millisecond):
	}
	// as fyne.LogError logs it: three lines, three writes
	log.Println("Fyne error: ", "window creation error")
	log.Println("  Cause:", "VersionUnavailable: WGL: Failed to create OpenGL context")
	log.Printf("  At: %s:%d", "window_desktop.go", 760)
	var cause string
	select {
	case cause = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("a window that could not be created was not reported")
	}
	if !strings.Contains(cause, "window creation error") || !strings.Contains(cause, "Failed to create OpenGL context") {
		t.Fatalf("cause %q; want Fyne's reason and cause", cause)
	}
	log.Println("Fyne error: ", "window creation error")
	select {
	case c := <-got:
		t.Fatalf("reported twice: %q", c)
	case <-time.After(1500 * time.Millisecond):
	}
	exe := `C:\Users\ann\Downloads\Acme-Python.exe`
	title, text := noWindowTextFor("windows", "Acme Python", exe, cause)
	for _, want := range []string{"Acme Python cannot open its window: ", "Open the folder that holds this installer, the file named:\n\nAcme-Python.exe\n\n", "type cmd",
		"For IT: the window needs OpenGL 2.1 (the system said: window creation error"} {
		if !strings.Contains(text, want) {
			t.Errorf("the message lacks %q:\n%s", want, text)
		}
	}
	// the file's name on a line of its own: a box wrapped it at its
	// hyphen (audit BC 13); the system's words in brackets, last
	if !strings.HasSuffix(text, ").") || !slices.Contains(strings.Split(text, "\n"), "Acme-Python.exe") {
		t.Errorf("the file name is not alone on its line, or the system's words not last:\n%s", text)
	}
	// each command alone on its line (a message box wraps lines again:
	// "install --silent installs with…" was read as one command), short
	// enough for the box's ~50 characters: the file's name, typed in its
	// folder, not the path (audit AU 2: "--" and "help" on two lines)
	lines := strings.Split(text, "\n")
	for _, cmd := range []string{`start /wait "" Acme-Python.exe --console`, "Acme-Python.exe --help"} {
		if !slices.Contains(lines, cmd) {
			t.Errorf("the message has no line that is just %s:\n%s", cmd, text)
		}
	}
	if _, text := noWindowTextFor("windows", "Acme Python", `C:\Users\ann\Downloads\Acme Python 2026.exe`, cause); !slices.Contains(strings.Split(text, "\n"), `start /wait "" "Acme Python 2026.exe" --console`) {
		t.Errorf("a name with spaces is not quoted:\n%s", text)
	}
	// a terminal's line holds the whole path
	if _, text := noWindowTextFor("linux", "Acme Python", "/home/ann/acme-installer", cause); !slices.Contains(strings.Split(text, "\n"), `"/home/ann/acme-installer" --console`) ||
		!strings.Contains(text, "Details: window creation error") {
		t.Errorf("elsewhere:\n%s", text)
	}
	if title != "Acme Python cannot open its window" {
		t.Errorf("title %q", title)
	}
	if title, _ := noWindowText("", exe, cause, false); title != "Acme-Python.exe cannot open its window" {
		t.Errorf("title without a bundle: %q", title)
	}
}

// The maintenance app of an install says how to check, repair or
// uninstall without its window, not how to install (audit BC 3): on
// Windows from a Command Prompt in its hidden folder, opened with
// Windows+R; elsewhere by its path, each command on a line of its own.
func TestNoWindowTextOfTheMaintenanceApp(t *testing.T) {
	const cause = "window creation error"
	title, text := maintenanceNoWindowTextFor("windows", "Acme Python", `C:\Users\ann\AppData\Local\acme-python\.onboard\onboard.exe`, cause)
	lines := strings.Split(text, "\n")
	for _, want := range []string{`cmd /k cd /d "C:\Users\ann\AppData\Local\acme-python\.onboard"`, "onboard verify", "onboard repair", "onboard uninstall"} {
		if !slices.Contains(lines, want) {
			t.Errorf("no line that is just %s:\n%s", want, text)
		}
	}
	if title != "Acme Python Maintenance cannot open its window" || strings.Contains(text, "install --silent") || !strings.HasSuffix(text, "For IT: the window needs OpenGL 2.1 (the system said: "+cause+").") {
		t.Errorf("title %q, text:\n%s", title, text)
	}
	_, text = maintenanceNoWindowTextFor("linux", "Acme Python", "/home/ann/acme python/.onboard/onboard", cause)
	if !slices.Contains(strings.Split(text, "\n"), "'/home/ann/acme python/.onboard/onboard' repair") || strings.Contains(text, "install --silent") {
		t.Errorf("elsewhere:\n%s", text)
	}
}

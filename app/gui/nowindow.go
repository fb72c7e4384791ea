//go:build !nogui && !solaris

package gui

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"onboard/installer"
	"onboard/internal/launchname"
)

// A computer without OpenGL 2.1 (a virtual machine without 3D, some
// remote desktop sessions; Windows' own OpenGL is 1.1) cannot show Fyne's
// window. Fyne then logs "window creation error" and the program went on
// with no window: nothing on screen, a process left running, and the
// reason on a stderr that a Windows GUI program does not have. The lines
// Fyne logs are watched for that; the person is told, in a message box on
// Windows, what is missing and how to install without the window, and the
// program exits (ExitFailed).

// windowFailed tells whether a line Fyne logged says it cannot open a
// window at all.
func windowFailed(line string) bool {
	return strings.Contains(line, "window creation error") || strings.Contains(line, "failed to initialise GLFW")
}

// noWindowWatch gathers the failure line and the cause Fyne logs after it,
// then calls report once.
type noWindowWatch struct {
	report func(cause string)
	once   sync.Once
	mu     sync.Mutex
	lines  []string
	armed  bool
}

// line takes one line Fyne logged.
func (w *noWindowWatch) line(l string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case !w.armed && windowFailed(l):
		w.armed = true
		w.lines = append(w.lines, strings.TrimSpace(strings.TrimPrefix(l, "Fyne error:")))
		// the cause comes as the next line; without one, report anyway
		time.AfterFunc(time.Second, w.fire)
	case w.armed && strings.HasPrefix(strings.TrimSpace(l), "Cause:"):
		w.lines = append(w.lines, strings.TrimSpace(l))
		go w.fire()
	}
}

func (w *noWindowWatch) fire() {
	w.once.Do(func() {
		w.mu.Lock()
		cause := strings.Join(w.lines, "; ")
		w.mu.Unlock()
		w.report(cause)
	})
}

// noWindowText is what the person reads, as the title and the text of a
// message box: what is missing, how to install or maintain without the
// window, and Fyne's cause, for IT. Each command has a line of its own,
// with nothing else on it: a message box wraps long lines again, and a
// command followed by words on its line was read on into them.
func noWindowText(product, exe, cause string, maintenance bool) (title, text string) {
	if maintenance {
		return maintenanceNoWindowTextFor(runtime.GOOS, product, exe, cause)
	}
	return noWindowTextFor(runtime.GOOS, product, exe, cause)
}

// maintenanceNoWindowTextFor is noWindowTextFor for the maintenance app
// of an install (product is the bundle's name): it said to install, to a
// person who had, and whose next click was the maintenance shortcut
// (audit BC 3). It names the commands that check, repair and uninstall,
// run in the app's folder (on Windows a hidden one, reached with
// Windows+R), each on a line of its own.
func maintenanceNoWindowTextFor(goos, product, exe, cause string) (title, text string) {
	name := exe[strings.LastIndexAny(exe, `/\`)+1:]
	dir := strings.TrimSuffix(exe[:len(exe)-len(name)], `\`)
	app := launchname.Maintenance(product)
	if product == "" {
		app = "This maintenance app"
	}
	title = app + " cannot open its window"
	if goos == "windows" {
		cmd := strings.TrimSuffix(name, ".exe")
		text = fmt.Sprintf("%s cannot open its window: this computer's graphics are too basic for it. "+
			"This happens in some virtual machines and remote desktop sessions.\n\n"+
			"You can check, repair or uninstall without the window:\n\n"+
			"1. Press Windows+R, type this line and press Enter:\n\ncmd /k cd /d \"%s\"\n\n"+
			"2. In the black window, type one of these lines and press Enter:\n\n%s verify\n%s repair\n%s uninstall\n\n"+
			"(Ctrl+C copies this message, to paste the line of step 1.) Or ask your IT department.\n\n"+
			"%s", app, dir, cmd, cmd, cmd, forIT(cause))
		return title, text
	}
	text = fmt.Sprintf("%s cannot open its window: this computer's graphics offer no OpenGL 2.1, which the window needs. "+
		"Virtual machines without 3D acceleration and some remote desktop sessions lack it.\n\n"+
		"To check, repair or uninstall without the window, open a terminal and run one of these lines:\n\n%s\n%s\n%s\n\n"+
		"Or ask your IT department.\n\nDetails: %s", app, shellLine(exe, "verify"), shellLine(exe, "repair"), shellLine(exe, "uninstall"), cause)
	return title, text
}

// shellLine is exe with arg as a POSIX shell's line: the path in single
// quotes, which expand nothing.
func shellLine(exe, arg string) string {
	return "'" + strings.ReplaceAll(exe, "'", `'\''`) + "' " + arg
}

// noWindowTextFor is noWindowText on goos. On Windows the commands name
// the file alone, typed in a Command Prompt opened in its folder (steps
// given): a message box is about 50 characters wide, and the quoted path
// wrapped, "--help" split over two lines (audit AU 2). Elsewhere it is a
// terminal's line, with the whole path. The install it offers is the text
// wizard (--console: the licence to accept, the choices, progress and the
// last page's words), not install --silent, which skipped the licence and
// printed nothing; on Windows through start /wait, without which cmd
// gives its prompt back at once to a program built for windows, and the
// install ran unseen (audit BO 1).
func noWindowTextFor(goos, product, exe, cause string) (title, text string) {
	name := exe[strings.LastIndexAny(exe, `/\`)+1:] // a Windows path's name, on any system
	if exe == "" {
		name, exe = "onboard", "onboard"
	}
	if product == "" {
		product = name
	}
	title = product + " cannot open its window"
	if goos == "windows" {
		cmd := name
		if strings.ContainsAny(cmd, " &()^%!") {
			cmd = `"` + cmd + `"`
		}
		text = fmt.Sprintf("%s cannot open its window: this computer's graphics are too basic for it. "+
			"This happens in some virtual machines and remote desktop sessions.\n\n"+
			"You can install in a text window instead, with the same questions:\n\n"+
			"1. Open the folder that holds this installer, the file named:\n\n%s\n\n"+
			"2. Click the folder's address bar, type cmd and press Enter.\n\n"+
			"3. In the black window, type this line and press Enter:\n\n%s\n\n"+
			"Answer its questions there, and keep the window open until it says the install is done.\n\n"+
			"For the other commands (verify, repair, uninstall), type:\n\n%s --help\n\n"+
			"Or ask your IT department.\n\n"+
			"%s", product, name, `start /wait "" `+cmd+" --console", cmd, forIT(cause))
		return title, text
	}
	text = fmt.Sprintf("%s cannot open its window: this computer's graphics offer no OpenGL 2.1, which the window needs. "+
		"Virtual machines without 3D acceleration and some remote desktop sessions lack it.\n\n"+
		"To install in the terminal instead, with the same questions, open a terminal and run:\n\n\"%s\" --console\n\n"+
		"To see the other commands (verify, repair, uninstall), run:\n\n\"%s\" --help\n\n"+
		"Or run it on a computer whose graphics have OpenGL 2.1, or ask your IT department.\n\n"+
		"Details: %s", product, exe, exe, cause)
	return title, text
}

// forIT is the Windows box's last line: what the window needs, and what
// the system said in its own words, in brackets (the cause read on as a
// sentence of lower-case words after a full stop: audit BC 13).
func forIT(cause string) string {
	cause = strings.TrimRight(strings.TrimSpace(cause), ".")
	if cause == "" {
		return "For IT: the window needs OpenGL 2.1."
	}
	return "For IT: the window needs OpenGL 2.1 (the system said: " + cause + ")."
}

// exitNoWindow tells the person (showNoWindow: a message box on Windows,
// stderr elsewhere), logs it, and ends the program.
func exitNoWindow(product, exe, cause string, maintenance bool, logTo func() installer.Logf) {
	title, text := noWindowText(product, exe, cause, maintenance)
	if logf := logTo(); logf != nil {
		logf("cannot open the window: %s", cause)
	}
	showNoWindow(title, text)
	os.Exit(installer.ExitFailed)
}

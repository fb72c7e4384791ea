//go:build !nogui && !solaris

package gui

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
)

// problemContent lays out a problem: message, what to do, the log.
func problemContent(win fyne.Window, p wizard.Problem) fyne.CanvasObject {
	box := container.NewVBox(selectable(sentence(p.Message)))
	if p.Detail != "" {
		// the system's words, for whoever helps, in small print under
		// the message, which reads as one cause (audit AP: the dialog's
		// sentence ended in a raw "(write …: no space left on device)")
		said := selectable("The system said: " + p.Detail)
		said.SizeName = theme.SizeNameCaptionText
		box.Add(said)
	}
	if p.Hint != "" {
		box.Add(bold("What to do"))
		box.Add(selectable(sentence(p.Hint))) // a hint is an instruction: it ends with a full stop
	}
	if p.LogPath != "" {
		box.Add(bold("Log"))
		// the path to copy, and a button that opens it (audit Y2: only
		// Close was offered)
		open := widget.NewButtonWithIcon("Open log", theme.DocumentIcon(), func() { openLog(win, p.LogPath) })
		box.Add(container.NewBorder(nil, nil, nil, container.NewCenter(open), selectable(p.LogPath)))
	}
	return box
}

// openLog opens a log file in the program the system opens text with,
// else shows its path to copy.
func openLog(win fyne.Window, path string) {
	a := fyne.CurrentApp()
	if err := a.OpenURL(fileURL(path)); err != nil {
		showFile(a, win, "The log", path)
	}
}

// selectable is wrapped text a person can select and copy (Ctrl+C): a
// problem's message, its hint and its log name paths and commands to run.
func selectable(text string) *widget.Label {
	l := wrapped(text)
	l.Selectable = true
	return l
}

// paragraph starts s, an error or a hint written to follow a colon in a
// terminal ("free some space, or ..."), with a capital when it stands as
// a paragraph of its own. A first word that is a name (a path, a
// command, a version) is left as it is.
func paragraph(s string) string {
	word, _, _ := strings.Cut(s, " ")
	r, n := utf8.DecodeRuneInString(word)
	if n == 0 || !unicode.IsLower(r) || strings.IndexFunc(word, func(r rune) bool { return !unicode.IsLetter(r) && r != ',' && r != ':' }) >= 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// sentence is s as a line of the window: capitalised as paragraph does,
// with a full stop (an error's text has neither: "you need to accept the
// licence to install" read as raw output, audit Y2).
func sentence(s string) string {
	s = paragraph(strings.TrimSpace(s))
	if s != "" && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "…") {
		s += "."
	}
	return s
}

// showProblem shows p in one dialog. It is the only way the GUI reports
// an error.
func showProblem(win fyne.Window, p wizard.Problem) {
	d := dialog.NewCustom(p.Title, "Close", problemContent(win, p), win)
	d.Resize(fyne.NewSize(660, 0))
	present(win, d, false)
}

// inform is a dialog that only informs: text to read (and copy), and
// one button, Close, as every such dialog says (the Fyne information
// dialog's OK beside nine others' Close, audit AX B8). Show it with
// present or presentThen.
func inform(win fyne.Window, title, text string) dialog.Dialog {
	d := dialog.NewCustom(title, "Close", selectable(text), win)
	d.Resize(fyne.NewSize(660, 0))
	return d
}

// askProblem shows p with a button that puts it right (act), beside
// Close.
func askProblem(win fyne.Window, p wizard.Problem, action string, act func()) {
	d := dialog.NewCustomConfirm(p.Title, action, "Close", problemContent(win, p), func(yes bool) {
		if yes {
			act()
		}
	}, win)
	d.Resize(fyne.NewSize(660, 0))
	present(win, d, false)
}

// confirm asks a question whose buttons say what they do: yes does it
// (red when it destroys), no keeps things as they are. Enter answers yes,
// or no where yes destroys; Esc answers no.
func confirm(win fyne.Window, title, msg, yes, no string, destroys bool, answer func(bool)) dialog.Dialog {
	d := dialog.NewConfirm(title, msg, answer, win)
	d.SetConfirmText(yes)
	d.SetDismissText(no)
	if destroys {
		d.SetConfirmImportance(widget.DangerImportance)
	}
	present(win, d, destroys)
	return d
}

// joinPath puts name under dir, unless dir already ends in it.
func joinPath(dir, name string) string {
	if name == "" || filepath.Base(dir) == name {
		return dir
	}
	return filepath.Join(dir, name)
}

func lastElem(p string) string {
	if p == "" {
		return ""
	}
	return filepath.Base(p)
}

// busyBar is a progress bar with a status line and the figures of the
// progress model (bytes, speed, time left), hidden while idle.
type busyBar struct {
	what    string // the operation: "Repairing"
	bar     *widget.ProgressBar
	status  *widget.Label
	figures *widget.Label
	box     *fyne.Container
}

func newBusyBar() *busyBar {
	b := &busyBar{bar: newProgressBar(), status: wrapped(""), figures: widget.NewLabel("")}
	b.box = container.NewVBox(b.status, b.bar, b.figures)
	b.bar.Hide()
	b.figures.Hide()
	return b
}

// newBusyLine is a busyBar whose box is one line, the figures at its end;
// the caller places the bar (the maintenance window: in the health
// line's place, where it takes no room from the table, audit BO 6).
func newBusyLine() *busyBar {
	b := &busyBar{bar: newProgressBar(), status: wrapped(""), figures: widget.NewLabel("")}
	b.box = container.NewBorder(nil, nil, nil, b.figures, b.status)
	b.bar.Hide()
	b.figures.Hide()
	return b
}

func (b *busyBar) show(p wizard.Progress) {
	b.bar.Show()
	b.bar.SetValue(p.Fraction)
	line := p.Label
	if p.Env != "" && line != "" {
		// an upgrade goes through each env: say which
		line = inEnv(line, p.Env)
	}
	if b.what != "" && line != "" {
		line = b.what + ": " + strings.ToLower(line[:1]) + line[1:]
	}
	if p.Item != "" {
		line += " (" + busyItem(p.Item) + ")"
	}
	b.status.SetText(line)
	b.figures.SetText(withPercent(p.Fraction, p.Bytes(), p.Detail()))
	b.figures.Show()
}

// inEnv says a stage's label in env: "Unpacking packages in the team
// environment" ("Environment team: unpacking packages" read as a team of
// people, audit Y2).
func inEnv(label, env string) string {
	return label + " in the " + env + " environment"
}

// newProgressBar is a bar without its percentage drawn on it: Fyne draws
// it white over the bar, and on the light theme's pale unfilled part,
// where it sits for the first half, that is 2.0:1 (audit Y2). The
// percentage goes in the line below (withPercent), in the text's colour.
func newProgressBar() *widget.ProgressBar {
	b := widget.NewProgressBar()
	b.TextFormatter = func() string { return "" }
	return b
}

// withPercent is the line under a bar: its percentage, then the figures
// that are known, joined with commas.
func withPercent(fraction float64, figures ...string) string {
	parts := []string{fmt.Sprintf("%d%%", int(math.Floor(fraction*100)))}
	for _, f := range figures {
		if f != "" {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, ", ")
}

// start shows that the operation what starts.
func (b *busyBar) start(what string) {
	b.what = what
	b.done(what + "…")
}

func (b *busyBar) done(text string) {
	b.bar.Hide()
	b.figures.Hide()
	b.status.SetText(text)
}

// busyItem is a progress item as people name it: a package file
// (tornado-6.2.0-py_debian_cfe07cbf.conda, an upgrade's) as the wizard
// names it, "tornado 6.2.0" (audit AP 10); anything else as it is.
func busyItem(item string) string {
	if strings.HasSuffix(item, ".conda") || strings.HasSuffix(item, ".tar.bz2") {
		return strings.TrimPrefix(itemText(item), "Package: ")
	}
	return item
}

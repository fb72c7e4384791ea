//go:build !nogui && !solaris

package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
)

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

// A problem's message, hint and log can be selected and copied: they name
// commands to run and paths ("run '/home/ann/acme/.onboard/onboard repair
// --prefix /home/ann/acme'"), which a person could only type again.
func TestProblemTextCanBeCopied(t *testing.T) {
	w := test.NewWindow(nil)
	defer w.Close()
	box := problemContent(w, wizard.Problem{Message: "it failed", Hint: "run 'x repair'", LogPath: "/l.log"})
	n, open := 0, 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if b := asButton(o); b != nil {
			if b.Text == "Open log" {
				open++
			}
			return
		}
		if l, ok := o.(*widget.Label); ok && !l.TextStyle.Bold {
			n++
			if !l.Selectable {
				t.Errorf("%q cannot be selected", l.Text)
			}
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, o := range c.Objects {
				walk(o)
			}
		}
	}
	walk(box)
	if n != 3 {
		t.Fatalf("%d texts, want the message, the hint and the log", n)
	}
	// and the log opens from the dialog (audit Y2: only Close was offered)
	if open != 1 {
		t.Fatalf("%d Open log buttons beside the log's path; want 1", open)
	}
}

// A line made of an error's text reads as a sentence: capitalised, with
// one full stop (audit Y2: "you need to accept the licence to install").
func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"you need to accept the licence to install": "You need to accept the licence to install.",
		"free some space.":                          "Free some space.",
		"onboard.exe is gone?":                      "onboard.exe is gone?", // a file's name keeps its case
		"  ":                                        "",
		"Saved…":                                    "Saved…",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

// The maintenance window's bar names a package as the wizard does, not by
// its file (audit AP 10).
func TestBusyItemNamesAPackage(t *testing.T) {
	for in, want := range map[string]string{
		"tornado-6.2.0-py_debian_cfe07cbf.conda": "tornado 6.2.0",
		"zlib-1.2.11-h7b6447c_3.tar.bz2":         "zlib 1.2.11",
		"team: tornado-6.2.0-py_0":               "team: tornado-6.2.0-py_0",
	} {
		if got := busyItem(in); got != want {
			t.Errorf("busyItem(%q) = %q; want %q", in, got, want)
		}
	}
}

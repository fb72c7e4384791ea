package wizard

import (
	"context"
	"errors"
	"strings"

	"onboard/installer"
)

// Problem is an error as the user interfaces show it: in one dialog or one
// console block, with the message, what to do, and where the log is.
type Problem struct {
	Title   string
	Message string
	Hint    string
	// Detail is the system's own words for the cause (`write "/p/x": no
	// space left on device`), shown apart under the message: a newcomer
	// reads the message, the platform team the detail. "" = none, or in
	// Message.
	Detail    string
	LogPath   string
	Cancelled bool // the person cancelled; not a failure
}

// Explain turns err into a Problem. logPath is the log to point at.
func Explain(what string, err error, logPath string) Problem {
	msg, detail := installer.MessageAndDetail(err)
	p := Problem{Title: what + " failed", Message: msg, Detail: detail, Hint: installer.HintFor(err), LogPath: logPath}
	if errors.Is(err, context.Canceled) {
		p.Title, p.Cancelled = what+" was cancelled", true
		p.Message = "What it had changed was undone." // not "rolled back" (audit AU 14); the title says it was cancelled
		p.Hint, p.Detail = "", ""
	}
	if p.Hint == "" && !p.Cancelled {
		p.Hint = fallbackHint
	}
	return p
}

// fallbackHint is the hint of an error the engine has no advice for. The
// wizards have no Help menu, so it points at the log and the platform team.
const fallbackHint = "see the log for details; if the problem persists, send the log to your platform team"

// WithHelpMenu is p as the maintenance window shows it: the fallback hint
// points at its Help menu's Report a problem, which gathers what the team
// needs.
func (p Problem) WithHelpMenu() Problem {
	if p.Hint == fallbackHint {
		p.Hint = "see the log for details; if the problem persists, choose Report a problem in the Help menu and send what it copies to your platform team"
	}
	return p
}

// Text returns the problem as plain lines (the console block, the
// dialog's body).
func (p Problem) Text() string {
	s := p.Message
	if p.Detail != "" {
		s += "\n\nThe system said: " + p.Detail
	}
	if p.Hint != "" {
		s += "\n\nWhat to do: " + p.Hint
	}
	if p.LogPath != "" {
		s += "\n\nLog: " + p.LogPath
	}
	return s
}

// AfterFailure is what a failed install lets the person do next: one
// decision for both wizards (the window's buttons, the console's prompt).
type AfterFailure struct {
	// Retry: running the install again may work; Back: so may changing
	// the folder or options. Neither for an installer file that cannot be
	// used: no folder, option or retry helps.
	Retry, Back bool
	// Cancelled: the person asked for it; "Install again", not "Retry".
	Cancelled bool
	// Says is the sentence for the page, with no button named.
	Says string
}

// SaysAfter is Says after the message msg: nothing where msg already
// says the folder is as it was (a TargetError of a full disk does), which
// the page read twice in a row (audit BO 5).
func (a AfterFailure) SaysAfter(msg string) string {
	if strings.Contains(msg, "as it was before") {
		return ""
	}
	return a.Says
}

// NextAfterFailure decides AfterFailure for the install's error err.
func NextAfterFailure(err error) AfterFailure {
	switch installer.ExitCode(err) {
	case installer.ExitCancelled:
		return AfterFailure{Retry: true, Back: true, Cancelled: true,
			Says: "What the install had written was removed: the folder is as it was before."}
	case installer.ExitBundle:
		return AfterFailure{Says: "This installer file cannot be used, so nothing was changed. Get a fresh copy of it from your platform team."}
	}
	return AfterFailure{Retry: true, Back: true, Says: "What the install had written was removed: the folder is as it was before."}
}

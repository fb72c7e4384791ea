package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"golang.org/x/term"

	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/installer/bundle"
	"onboard/internal/humanize"
	"onboard/internal/launchname"
)

func (s *session) welcome() (action, error) {
	st := s.flow.State
	sum := wizard.Summarize(st.Bundle, st.Subdir)
	s.printf("Welcome to %s %s.\n", sum.Name, sum.Version)
	s.printf("This installs your team's Python platform on this computer, without downloading anything.\n")
	if l, _ := wizard.WelcomeInstalled(&st.Bundle.Manifest, st.Prefix); l != "" {
		s.printf("%s\n", l)
	}
	for _, l := range sum.Lines() {
		s.printf("  %s\n", l)
	}
	s.printf("At any question: b goes back, q quits.\n")
	if _, err := s.ask("Press Enter to continue: "); err != nil {
		return actStay, err
	}
	return actNext, nil
}

func (s *session) licence() (action, error) {
	st := s.flow.State
	text := "\n" + strings.TrimSpace(st.Licence) + "\n\n"
	q := "Do you accept the licence?"
	if len(st.Messages) > 0 {
		text += bundle.MessagesText(st.Messages) + "\n"
		q = "Do you accept the licence and these messages?"
	}
	if back, err := s.page(text); err != nil || back {
		return actBack, err
	}
	for {
		yes, back, err := s.yesNo(q, false)
		if err != nil || back {
			return actBack, err
		}
		if yes {
			st.LicenceAccepted = true
			return actNext, nil
		}
		// asked again, without the whole licence printed again at each
		// Enter, and with what to type (audit Y3)
		// what the question asked accepted, named whole (review BF 2)
		s.printf("✗ %s: type y to accept, q to quit, or b to go back.\n", wizard.LicenceRefusal(st))
	}
}

// page prints text, a screenful at a time when it is longer than the
// terminal (as an installer's licence is shown by "more"): Enter shows the
// next page, "a" the rest, "s" skips to the question, "b" goes back.
func (s *session) page(text string) (back bool, err error) {
	lines := strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n")
	lines[len(lines)-1] += "\n"
	per := s.rows - 2 // the prompt's line, and one of the page before it
	if s.rows == 0 || per < 5 || len(lines) <= s.rows-1 {
		s.printf("%s", text)
		return false, nil
	}
	for at := 0; at < len(lines); {
		end := min(at+per, len(lines))
		s.printf("%s", strings.Join(lines[at:end], ""))
		at = end
		if at == len(lines) {
			break
		}
		a, err := s.ask(fmt.Sprintf("-- %d%% -- Enter: more, a: all the rest, s: skip to the question: ", 100*at/len(lines)))
		if err != nil {
			return false, err
		}
		switch strings.ToLower(a) {
		case "a":
			per = len(lines)
		case "s":
			s.printf("\n")
			return false, nil
		case "b":
			return true, nil
		}
	}
	return false, nil
}

func (s *session) location() (action, error) {
	st := s.flow.State
	need := wizard.Summarize(st.Bundle, st.Subdir).DiskBytes
	s.printf("Where should %s be installed? It needs about %s on disk.\n", st.Bundle.Manifest.Name, humanize.Bytes(need))
	a, err := s.ask(fmt.Sprintf("Folder [%s]: ", st.Prefix))
	if err != nil {
		return actStay, err
	}
	if strings.EqualFold(a, "b") {
		return actBack, nil
	}
	old := st.Prefix
	if why := unexpanded(a); why != "" {
		// a shell would read these, and a folder named "$HOME" is not
		// what was meant (audit AA)
		s.printf("✗ This folder cannot be used: %s.\n  What to do: type the folder's full path, such as %s\n", why, old)
		return actStay, nil
	}
	if a != "" {
		// ~ and a relative folder as a shell reads them, and said, so
		// that the folder checked is the one the person sees (audit Y3)
		st.Prefix = expandHome(a)
		if abs, err := filepath.Abs(st.Prefix); err == nil && !filepath.IsAbs(st.Prefix) {
			st.Prefix = abs
		}
		if st.Prefix != a {
			s.printf("Folder: %s\n", st.Prefix)
		}
	}
	v := s.verdict()
	if v.Status == wizard.StatusBad {
		st.Prefix = old
		return actStay, nil
	}
	// a folder typed or the one offered (a home folder with a space in
	// its path makes the default warned too, audit AA), once
	if key := warnedKey(st.Prefix, v); v.Warned && key != s.keptWarned {
		// a bare Enter keeps the warning's advice, not the folder (audit
		// AU: it kept the folder it had just warned of)
		keep, back, err := s.yesNo("Use this folder all the same?", false)
		if err != nil || back || !keep {
			st.Prefix = old
			return actStay, err
		}
		s.keptWarned = key
	}
	return actNext, nil
}

// warnedKey is a folder with the warnings the checks gave of it: one kept
// is not asked about again, unless the warnings change (audit AG: the
// options changed since may bring others).
func warnedKey(prefix string, v wizard.Verdict) string {
	key := prefix
	for _, d := range v.Details {
		if strings.HasPrefix(d, "Warning: ") {
			key += "\n" + d
		}
	}
	return key
}

// verdict plans the choices made so far and prints the verdict: what
// Install would do, or why it cannot, with the details.
func (s *session) verdict() wizard.Verdict {
	plan, err := wizard.CheckPlan(s.ctx, s.eng, s.flow.State.Options(nil, nil))
	v := wizard.Describe(plan, err)
	mark := map[wizard.Status]string{wizard.StatusGood: "✓", wizard.StatusWarning: "⚠", wizard.StatusBad: "✗"}[v.Status]
	s.printf("%s %s\n", mark, v.Line)
	for _, d := range v.Details {
		s.printf("  %s\n", d)
	}
	return v
}

// unexpanded says why a folder typed at the prompt holds what only a shell
// would expand: a $VARIABLE (%VARIABLE% on Windows) or another user's
// ~name; "" when it holds none.
func unexpanded(p string) string {
	if rest, ok := strings.CutPrefix(p, "~"); ok && rest != "" && !strings.ContainsRune(`/`+string(filepath.Separator), rune(rest[0])) {
		return fmt.Sprintf("%q starts with ~name, which only a shell reads", p)
	}
	// (on Windows "$" is no variable's: \\server\c$ is an admin share)
	if runtime.GOOS != "windows" && strings.Contains(p, "$") || runtime.GOOS == "windows" && windowsVar.MatchString(p) {
		return fmt.Sprintf("%q holds a variable, which only a shell reads", p)
	}
	return ""
}

var windowsVar = regexp.MustCompile(`%[A-Za-z_][A-Za-z0-9_()]*%`)

// expandHome turns a leading ~ into the home folder, as a shell would.
func expandHome(p string) string { return wizard.ExpandHomeWith(p, userHome) }

func (s *session) options() (action, error) {
	st := s.flow.State
	m := &st.Bundle.Manifest
	menu := wizard.LauncherMenu(runtime.GOOS)
	type question struct {
		q string
		v *bool
	}
	var questions []question
	if len(m.Launchers) > 0 { // a bundle without Jupyter has no shortcut to add
		questions = append(questions, question{"Add " + wizard.JupyterShortcuts(m) + " to " + menu + "?", &st.JupyterLauncher})
	}
	// not where none is made: a build without windows has a maintenance
	// app for a terminal, and macOS no shortcut for one (audit BB 8)
	if wizard.MaintenanceShortcutMade(m.Name) {
		questions = append(questions, question{"Add " + launchname.Maintenance(m.Name) + " to " + menu + " (to verify, repair or uninstall later)?", &st.MaintenanceLauncher})
	}
	if st.ShellSetupOffered {
		questions = append(questions, question{"Make the conda command work in new terminal windows?", &st.ShellSetup})
	}
	allUsers := st.AllUsers
	if st.AllUsersAllowed {
		questions = append(questions, question{"Install for all users of this computer?", &allUsers})
	}
	for _, q := range questions {
		yes, back, err := s.yesNo(q.q, *q.v)
		if err != nil || back {
			return actBack, err
		}
		*q.v = yes
	}
	// the folder follows, as in the window: an install for all users in
	// the home folder chosen a step before was one user's folder
	if st.SetAllUsers(allUsers, s.eng.DefaultPrefix) {
		whose := "the folder for the programs of all users"
		if !allUsers {
			whose = "a folder inside your home folder" // as the window says (review BF 5)
		}
		s.printf("Folder: %s (%s)\n", st.Prefix, whose)
	}
	plan, err := wizard.CheckPlan(s.ctx, s.eng, st.Options(nil, nil))
	v := wizard.Describe(plan, err)
	if v.Status == wizard.StatusBad {
		s.printf("✗ %s\n", v.Action)
		for _, d := range v.Details {
			s.printf("  %s\n", d)
		}
		return actBack, nil
	}
	s.printf("Ready: %s\n", v.Action)
	for _, l := range v.Launchers {
		s.printf("  %s\n", l)
	}
	if v.Replaces {
		for _, n := range v.Notes() { // what is kept and what is not, said again before Install
			s.printf("  %s\n", n)
		}
	}
	yes, back, err := s.yesNo("Install now? (n: change the options)", true)
	if err != nil || back {
		return actBack, err
	}
	if !yes {
		// the options again, not the folder two questions back, without
		// a word (audit BO 9)
		s.printf("Not installed yet. The options again (b goes back to the folder, q quits):\n")
		return actStay, nil
	}
	return actNext, nil
}

func (s *session) install() (action, error) {
	st := s.flow.State
	s.printf("Installing into %s (Ctrl-C cancels it and undoes what it did).\n", st.Prefix)
	p := &printer{s: s, tty: s.tty, width: termWidth(s.out)}
	tr := &wizard.Tracker{Plan: wizard.PlanInstall(&st.Bundle.Manifest, st.Subdir), OnChange: p.show}
	s.log.Logf("installing %s %s (%s) into %s", st.Bundle.Manifest.Name, st.Bundle.Manifest.Version, st.Subdir, st.Prefix)
	s.res, s.err = s.eng.Install(s.ctx, st.Options(tr, s.log.Logf))
	s.log.Logf("install finished: %v", s.err)
	if s.err == nil {
		tr.Finish("Installed")
	}
	p.end()
	if s.err == nil {
		if s.res != nil && s.res.Prefix != "" {
			st.Prefix = s.res.Prefix
		}
		s.printf("Installed.\n")
		return actNext, nil
	}
	s.printProblem(wizard.Explain("The install", s.err, s.log.Path))
	if errors.Is(s.err, context.Canceled) && s.ctx.Err() != nil {
		return actStay, s.err // Ctrl-C: nobody is left to answer
	}
	return s.afterFailure()
}

// afterFailure lets the person retry or go back to fix the cause, where
// that may help (wizard.NextAfterFailure); else it ends with the error.
func (s *session) afterFailure() (action, error) {
	next := wizard.NextAfterFailure(s.err)
	if !next.Retry && !next.Back {
		s.printf("%s\n", next.Says)
		return actStay, s.err
	}
	for {
		a, err := s.ask("r = retry, b = back to change the folder or options, q = quit: ")
		if err != nil {
			return actStay, s.err
		}
		switch strings.ToLower(a) {
		case "r":
			return actStay, nil
		case "b":
			s.flow.Back() // to Options; the loop's Back goes to Location
			return actBack, nil
		}
	}
}

// printProblem is the console's one block for an error.
func (s *session) printProblem(p wizard.Problem) {
	s.printf("\n%s\n  %s\n", p.Title, p.Message)
	if p.Detail != "" {
		s.printf("  The system said: %s\n", p.Detail)
	}
	if p.Hint != "" {
		s.printf("  What to do: %s\n", p.Hint)
	}
	if p.LogPath != "" {
		s.printf("  Log: %s\n", p.LogPath)
	}
}

func (s *session) finish() (action, error) {
	st := s.flow.State
	m := st.Bundle.Manifest
	s.printf("%s\n", wizard.Done(m.Name, m.Version, st.Prefix, s.res))
	logPath := wizard.LogPath(st.Prefix)
	if s.res != nil && s.res.LogPath != "" {
		logPath = s.res.LogPath
	}
	// the log's path last, which only a failure needs (audit BC 7)
	defer s.printf("Log: %s\n", logPath)
	// and before it, how to work in the env in a terminal, as the window
	// says (review BF 7)
	if t := wizard.ConsoleTerminal(st.ShellSetup, wizard.JupyterEnv(&m, st.Subdir), st.Prefix, runtime.GOOS); t != "" {
		defer s.printf("%s\n", t)
	}
	notebooks, _ := launch.DefaultNotebookDir()
	j, ok := wizard.ConsoleJupyter(st.JupyterLauncher, &m, st.Prefix, runtime.GOOS, notebooks)
	if !ok {
		return actDone, nil // no Jupyter to start
	}
	if j.Notebooks != "" {
		s.printf("%s\n", j.Notebooks)
	}
	if s.opts.Launch == nil {
		s.printf("%s\n%s\n", j.Start, j.Stop)
		return actDone, nil
	}
	// how to start it later after a no, and how to stop it after a start:
	// not both before the question (audit BC 7)
	yes, _, err := s.yesNo("Start Jupyter now?", false)
	if err != nil || !yes {
		s.printf("%s\n", j.Start)
		return actDone, nil
	}
	err = s.opts.Launch(s.ctx, st.Prefix, wizard.JupyterEnv(&m, st.Subdir))
	var nb *launch.NoBrowserError
	switch {
	case err == nil:
		s.printf("%s\n", j.Stop)
	case errors.As(err, &nb):
		// the system's words go to the log, not to the person: the
		// window hides them too (audit AU 8: exec: "xdg-open": …)
		s.log.Logf("no browser: %v", nb.Err)
		s.printf("Jupyter is running, but no web browser could be opened here.\nOpen this address in a browser (it holds the access token):\n  %s\n%s\n", nb.URL, j.Stop)
	case err != nil:
		s.printProblem(wizard.Explain("Starting Jupyter", err, logPath))
	}
	return actDone, nil
}

// printer shows progress. On a terminal it redraws one bar line in place
// ("\r", no other cursor tricks); otherwise it prints a plain line when the
// step or stage changes and at every 10% of the whole install.
type printer struct {
	s         *session
	tty       bool
	width     int // of the terminal; 0 = 80
	lastTitle string
	lastPct   int
	drawn     int // length of the bar line on screen; 0 = none
}

func (p *printer) show(pr wizard.Progress) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if p.tty {
		line := barLine(pr, p.width)
		pad := max(0, p.drawn-len([]rune(line)))
		fmt.Fprintf(p.s.out, "\r%s%s", line, strings.Repeat(" ", pad))
		p.drawn = len([]rune(line))
		return
	}
	if pr.Title() == p.lastTitle && pr.Percent/10 == p.lastPct/10 {
		return
	}
	p.lastTitle, p.lastPct = pr.Title(), pr.Percent
	fmt.Fprintln(p.s.out, pr.Line())
}

// end finishes the bar line, so that what follows starts on a line of its
// own.
func (p *printer) end() {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if p.drawn > 0 {
		fmt.Fprintln(p.s.out)
		p.drawn = 0
	}
}

// barLine is the terminal's one line: "[3/4] base: Unpacking packages
// [#######-------------]  35%  3.1 MB/s, about 5 s left", cut to width.
func barLine(pr wizard.Progress, width int) string {
	if width <= 0 {
		width = 80
	}
	const cells = 20
	full := int(pr.Fraction * cells) // full only when done: at 97% one cell is left
	bar := "[" + strings.Repeat("#", full) + strings.Repeat("-", cells-full) + "]"
	line := fmt.Sprintf("%s %s %3d%%", pr.Title(), bar, pr.Percent)
	if d := pr.Detail(); d != "" {
		line += "  " + d
	}
	r := []rune(line)
	if len(r) > width-1 { // the last column would wrap on some terminals
		r = r[:width-1]
	}
	return string(r)
}

// termWidth is the width of the terminal w writes to; 0 when unknown.
func termWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if c, _, err := term.GetSize(int(f.Fd())); err == nil {
			return c
		}
	}
	return 0
}

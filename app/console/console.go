// Package console is the install wizard as text prompts, for Solaris, SSH
// and machines without a display: the same steps as the GUI (app/wizard),
// one question at a time. Progress is one bar line redrawn in place when
// the output is a terminal, and plain lines such as
// "[3/4] base: Installing packages... 42% (…)" when it is a file or a pipe.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/internal/ctxio"
)

// IO is what the console wizard talks to.
type IO struct {
	In  io.Reader
	Out io.Writer
	// IsTerminal tells whether In is a person at a terminal; nil = In is an
	// *os.File that is a terminal.
	IsTerminal func() bool
	// OutIsTerminal tells whether Out is a terminal, where the progress bar
	// is redrawn in place; nil = Out is an *os.File that is a terminal.
	OutIsTerminal func() bool
	// Rows is the terminal's height in lines, by which a long licence is
	// shown a page at a time; nil = Out's, when it is a terminal; 0 = no
	// pages.
	Rows func() int
}

// Options are the wizard's dependencies outside the engine.
type Options struct {
	// Launch starts Jupyter; nil = the Finish step does not offer it.
	Launch func(ctx context.Context, prefix, env string) error
	LogDir string // "" = the user's cache folder
	// Prefix is the install folder the Location step starts with (--prefix);
	// "" = the bundle's default. The console has no maintenance window:
	// with an install there, the Location step says what Install would do
	// with it (nothing, an upgrade), and verify, repair and uninstall are
	// commands of their own.
	Prefix string
}

// ErrNotTerminal is returned when there is nobody to answer the prompts.
var ErrNotTerminal = &installer.UsageError{Msg: "the console wizard needs a terminal to ask its questions; " +
	"for an unattended install run: onboard install --silent [--prefix DIR]"}

// errQuit ends the wizard at the person's request.
var errQuit = fmt.Errorf("the installer was closed before installing: %w", context.Canceled)

// errInputEnded is the input's end (a pipe, a closed terminal) before the
// wizard finished.
var errInputEnded = fmt.Errorf("the input ended before the wizard finished: %w", context.Canceled)

// Quit is the wizard ended before its Install step, by q, Ctrl-C or the
// end of the input: nothing was installed, and the wizard has said so.
// It is a cancellation (errors.Is context.Canceled: exit 130).
type Quit struct{ Err error }

func (q *Quit) Error() string { return "nothing was installed: " + q.Err.Error() }

func (q *Quit) Unwrap() error { return q.Err }

// session is one run of the console wizard.
type session struct {
	ctx  context.Context
	in   *bufio.Reader
	out  io.Writer
	tty  bool       // out is a terminal: the progress bar redraws in place
	rows int        // the terminal's height; 0 = not paged (IO.Rows)
	mu   sync.Mutex // out is written from the engine's goroutine too
	eng  wizard.Engine
	flow *wizard.Flow
	opts Options
	log  *wizard.Log
	res  *installer.Result
	err  error // the last install's error
	// keptWarned is the folder the person said to use despite the
	// checks' warnings, with them (warnedKey): not asked of again when
	// Location comes back to it with the same warnings.
	keptWarned string
}

// Run walks the wizard's steps in the terminal. It refuses to start when
// nobody can answer (In is not a terminal).
func Run(ctx context.Context, c IO, e wizard.Engine, o Options) error {
	if !isTerminal(c) {
		return ErrNotTerminal
	}
	st, err := wizard.NewState(ctx, e)
	if err != nil {
		return err
	}
	if o.Prefix != "" {
		st.Prefix = o.Prefix
	}
	log, err := wizard.OpenLog(o.LogDir)
	if err != nil {
		return err
	}
	defer log.Close()
	s := &session{ctx: ctx, in: bufio.NewReader(c.In), out: c.Out, tty: outIsTerminal(c), rows: rows(c), eng: e, flow: wizard.NewFlow(e, st), opts: o, log: log}
	return s.run()
}

func outIsTerminal(c IO) bool {
	if c.OutIsTerminal != nil {
		return c.OutIsTerminal()
	}
	f, ok := c.Out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func rows(c IO) int {
	if c.Rows != nil {
		return c.Rows()
	}
	f, ok := c.Out.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	_, h, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return h
}

func isTerminal(c IO) bool {
	if c.IsTerminal != nil {
		return c.IsTerminal()
	}
	f, ok := c.In.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// action is what a step asks the flow to do next.
type action int

const (
	actNext action = iota
	actBack
	actStay
	actDone
)

// steps maps each wizard step to its prompts.
var steps map[wizard.StepID]func(*session) (action, error)

func init() {
	steps = map[wizard.StepID]func(*session) (action, error){
		wizard.StepWelcome: (*session).welcome, wizard.StepLicence: (*session).licence,
		wizard.StepLocation: (*session).location, wizard.StepOptions: (*session).options,
		wizard.StepInstall: (*session).install, wizard.StepFinish: (*session).finish,
	}
}

func (s *session) run() error {
	for {
		st := s.flow.Current()
		s.printf("\n[%d/%d] %s\n", s.flow.Index()+1, len(s.flow.Steps), st.Title)
		act, err := steps[st.ID](s)
		if err != nil && errors.Is(err, context.Canceled) && st.ID < wizard.StepInstall {
			// nothing begun: no error to report, no rollback to speak of
			why := ""
			switch {
			case errors.Is(err, errInputEnded):
				why = "The input ended before the wizard finished. "
			case s.ctx.Err() != nil:
				why = "Cancelled. "
			}
			s.printf("%sNothing was installed.\n", why)
			return &Quit{Err: err}
		}
		if err != nil {
			return err
		}
		switch act {
		case actDone:
			return nil
		case actBack:
			s.flow.Back()
		case actNext:
			if err := s.flow.Next(s.ctx); err != nil {
				s.printf("✗ %s\n", err)
			}
		}
	}
}

func (s *session) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.out, format, args...)
}

// ask prints a prompt and reads one answer; "q" quits the wizard.
func (s *session) ask(prompt string) (string, error) {
	s.printf("%s", prompt)
	line, err := ctxio.ReadLine(s.ctx, s.in)
	if cerr := s.ctx.Err(); cerr != nil { // Ctrl-C or SIGTERM while it waits
		s.printf("\n")
		return "", cerr
	}
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		s.printf("\n")
		if errors.Is(err, io.EOF) {
			return "", errInputEnded
		}
		return "", err
	}
	line = strings.TrimSpace(line)
	if strings.EqualFold(line, "q") {
		return "", errQuit
	}
	return line, s.ctx.Err()
}

// yesNo asks a yes/no question; def is the answer to a bare Enter. "b"
// goes back.
func (s *session) yesNo(question string, def bool) (yes, back bool, err error) {
	hint := "[y/N]"
	if def {
		hint = "[Y/n]"
	}
	for {
		a, err := s.ask(fmt.Sprintf("%s %s ", question, hint))
		if err != nil {
			return false, false, err
		}
		switch strings.ToLower(a) {
		case "":
			return def, false, nil
		case "y", "yes":
			return true, false, nil
		case "n", "no":
			return false, false, nil
		case "b", "back":
			return false, true, nil
		}
		s.printf("Please answer y or n (b goes back, q quits).\n")
	}
}

// Package cli is onboard's command line: subcommands, flags, silent mode and
// JSON output, over the installer engine. It decides nothing about how to
// install; it turns arguments into engine calls and results into text.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/platform"
)

// GUIFunc starts the graphical wizard (or the maintenance window). It
// returns ErrNoDisplay when no display can be opened.
type GUIFunc func(ctx context.Context, env Env, o WizardOptions) error

// WizardOptions are the flags of the wizard: `onboard [--console]
// [--bundle FILE] [--prefix DIR]`.
type WizardOptions struct {
	Console    bool   // the text wizard even where a display is
	BundlePath string // install this bundle file; "" = discover
	Prefix     string // open the maintenance window on this install
	// StartUninstall asks the uninstall question in that window at once
	// (`uninstall` with no terminal to ask on, where a window can open).
	StartUninstall bool
}

// ErrNoDisplay is returned by a GUIFunc that cannot open a window.
var ErrNoDisplay = errors.New("no display available")

// Env carries what the command line talks to, so tests can drive it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	GUI    GUIFunc // nil in the nogui build
}

// reportedError marks an error that a command already printed for people.
type reportedError struct{ error }

func (e reportedError) Unwrap() error { return e.error }

// IsReported tells main not to print err again.
func IsReported(err error) bool {
	var r reportedError
	var j jsonReported
	return errors.As(err, &r) || errors.As(err, &j)
}

// jsonReported is an error a command with --json has printed as JSON on
// stdout (its error object, or a report or plan that carries it).
type jsonReported struct{ error }

func (e jsonReported) Unwrap() error { return e.error }

// wantsJSON tells whether a command's args ask for --json.
func wantsJSON(args []string) bool {
	for _, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--json" || a == "-json":
			return true
		case strings.HasPrefix(a, "--json=") || strings.HasPrefix(a, "-json="):
			v, _ := strconv.ParseBool(a[strings.IndexByte(a, '=')+1:])
			return v
		}
	}
	return false
}

// printJSONError prints err as --json's last line: an error object with
// the exit code and a hint.
func printJSONError(w io.Writer, err error) {
	_ = json.NewEncoder(w).Encode(wizard.ErrorEvent{
		Event: "error", Error: installer.Message(err), ExitCode: installer.ExitCode(err), Hint: installer.HintFor(err),
	})
}

const usage = `onboard installs a team's Python platform, offline, and keeps it healthy.

Usage:
  onboard [--console] [--bundle FILE] [--prefix DIR]
                                        the install wizard (GUI where a display is, else console);
                                        run from an install's .onboard folder: the maintenance window
                                        (without one: a menu of verify, repair, uninstall, stop and start Jupyter);
                                        with --prefix on an install: the maintenance window (GUI only)
  onboard install   [--prefix DIR] [--bundle FILE] [--subdir SUBDIR] [--silent] [--json]
                    [--all-users] [--no-launcher] [--no-maintenance-launcher] [--no-shortcuts] [--shell-setup]
                    [--keep-package-cache] [--config FILE] [--log FILE] [--force] [--trust-key FILE] [--dry-run]
                                        --dry-run: what it would do, changing nothing (onboard help install)
  onboard verify    [--prefix DIR] [--env NAME] [--json]
  onboard repair    [--prefix DIR] [--env NAME] [--bundle FILE] [--json]
  onboard uninstall [--prefix DIR] [--silent] [--log FILE]
  onboard launch    jupyter [--prefix DIR] [--env NAME] [--stop]
  onboard launch    run [--prefix DIR] [--env NAME] [--no-activate] [--cwd DIR] [--precommand CODE] [--terminal] -- COMMAND [ARG...]
                                        what a package's menu shortcut runs, in its env activated
  onboard info      [--json]            platform detected, its subdirs, conda virtual packages, bundle found and the subdir it installs here
  onboard bundle    build|attach|inspect|keygen ...   (onboard bundle help)
  onboard version

'onboard COMMAND -h' lists a command's flags; 'onboard help install' says more about install.

Exit codes: 0 done or healthy; 1 failed, or verify found damage; 2 bad usage;
3 bundle missing, corrupt or badly signed; 4 target not usable (not writable,
no space, path too long, in use by another onboard, a newer version or another
bundle installed there, an install for all users that only an administrator may
repair, uninstall or replace); 5 this machine's platform is not in the bundle,
or the machine is too old for its packages (they need a newer glibc or macOS
than it has); 130 cancelled. install --dry-run exits with the code the install
would.
`

// commandFunc runs one subcommand with the arguments after its name.
type commandFunc func(ctx context.Context, args []string, env Env) error

// commands maps each subcommand to its implementation. Each command's file
// adds itself with register in an init function.
var commands = map[string]commandFunc{}

// register adds a subcommand.
func register(name string, f commandFunc) { commands[name] = f }

func init() {
	register("version", runVersion)
	register("info", runInfo)
}

// Run executes one command line (without the program name).
func Run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || isWizardFlag(args[0]) {
		return runWizard(ctx, args, env)
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help", "-help":
		switch {
		case len(args) > 1 && args[1] == "install":
			fmt.Fprint(env.Stdout, installHelp)
			fs := installFlagSet(&installFlags{}, env)
			fs.SetOutput(env.Stdout)
			printFlags(fs)
			return nil
		case len(args) > 1 && commands[args[1]] != nil:
			// `help verify` is `verify -h` (it printed the general usage)
			err := commands[args[1]](ctx, append(args[2:len(args):len(args)], "-h"), env)
			if errors.Is(err, errHelpShown) {
				return nil
			}
			return err
		case len(args) > 1:
			fmt.Fprint(env.Stderr, usage)
			return &installer.UsageError{Msg: fmt.Sprintf("no help on %q: it is no command; see the usage above", args[1])}
		}
		fmt.Fprint(env.Stdout, usage)
		return nil
	case "--version", "-version":
		name = "version"
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprint(env.Stderr, usage)
		return &installer.UsageError{Msg: fmt.Sprintf("unknown command %q; see the usage above", name)}
	}
	err := cmd(ctx, args[1:], env)
	var j jsonReported
	switch {
	case errors.Is(err, errHelpShown):
		return nil
	case err != nil && wantsJSON(args[1:]) && !errors.As(err, &j):
		// a usage error, a config file refused, no install there: the
		// JSON reader gets its error object too, not plain text alone
		printJSONError(env.Stdout, err)
		return jsonReported{err}
	}
	return err
}

// errHelpShown ends a command whose flags were asked for (-h): the flag
// package has printed them, and asking is no failure (exit 0).
var errHelpShown = reportedError{errors.New("help shown")}

// isWizardFlag tells whether a first argument belongs to the wizard
// rather than naming a command. macOS passes -psn_... to apps started
// from Finder on old systems.
func isWizardFlag(arg string) bool {
	switch strings.TrimLeft(strings.SplitN(arg, "=", 2)[0], "-") {
	case "console", "bundle", "prefix":
		return strings.HasPrefix(arg, "-")
	}
	return strings.HasPrefix(arg, "-psn_")
}

// runWizard is `onboard [--console] [--bundle FILE] [--prefix DIR]`.
func runWizard(ctx context.Context, args []string, env Env) error {
	var o WizardOptions
	fs := newFlags("", env)
	fs.BoolVar(&o.Console, "console", false, "the text wizard, even where a display is")
	fs.StringVar(&o.BundlePath, "bundle", "", "install this bundle file instead of the one onboard carries")
	fs.StringVar(&o.Prefix, "prefix", "", "the folder the wizard starts with; with an install there, the GUI opens its maintenance window")
	if len(args) > 0 && strings.HasPrefix(args[0], "-psn_") {
		args = args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(args) == 0 {
		if cfg, ok, err := appBundleLaunch(); err != nil {
			return err
		} else if ok {
			if len(cfg.Args) > 0 {
				return Run(ctx, cfg.Args, env)
			}
			o.Prefix = cfg.Prefix
		}
	} else if o.Prefix != "" {
		// as install --prefix and a folder typed at the console take it
		// (audit AA: --console --prefix rel was refused as not absolute)
		if abs, err := filepath.Abs(wizard.ExpandHome(o.Prefix)); err == nil {
			o.Prefix = abs
		}
	}
	inTerminal := func() error {
		// an install's maintenance app: its menu, not the install wizard
		own, clone := appPlace()
		if own != "" && o.BundlePath == "" && (o.Prefix == "" || o.Prefix == own) {
			return maintenanceMenu(ctx, env, own)
		}
		if clone != "" && o.BundlePath == "" && o.Prefix == "" {
			// conda's copy of it in a cloned base: no wizard, which it
			// showed (audit AV 4), but what the window says
			return installer.CheckNotAClone(clone)
		}
		return consoleWizard(ctx, env, o)
	}
	if env.GUI != nil && !o.Console && displayAvailable() {
		if d := deadDisplay(); d != "" {
			fmt.Fprintf(env.Stderr, "no display answers at DISPLAY=%s: the wizard asks in this terminal instead\n", d)
			return inTerminal()
		}
		err := env.GUI(ctx, env, o)
		if !errors.Is(err, ErrNoDisplay) {
			return err
		}
	}
	return inTerminal()
}

// appBundleLaunch reads what a macOS launcher .app, whose executable is a
// copy of onboard, was made to run (see platform.ReadLaunchConfig).
var appBundleLaunch = func() (platform.LaunchConfig, bool, error) {
	if !isDarwin {
		return platform.LaunchConfig{}, false, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return platform.LaunchConfig{}, false, nil
	}
	return platform.ReadLaunchConfig(exe)
}

// displayAvailable guesses whether a window can be opened.
func displayAvailable() bool {
	switch {
	case os.Getenv("WAYLAND_DISPLAY") != "", os.Getenv("DISPLAY") != "":
		return true
	case strings.EqualFold(os.Getenv("OS"), "Windows_NT"):
		return true
	}
	return isDarwin
}

// deadDisplay is DISPLAY when a window would go there and no X server
// answers (a stale ssh -X forwarding, sudo keeping DISPLAY, a closed VNC),
// where the window library would end in a panic; "" otherwise. X11 only:
// Windows and macOS draw without an X server (a Windows program under
// Wine sees the Unix DISPLAY too).
func deadDisplay() string {
	if d := os.Getenv("DISPLAY"); os.Getenv("WAYLAND_DISPLAY") == "" && d != "" && !isDarwin && runtime.GOOS != "windows" && !displayAnswers(d) {
		return d
	}
	return ""
}

// windowPossible tells whether a window can be opened: a display is set
// (displayAvailable) and, for X11, answers. Every command that may open a
// window asks it, so none of them panics on a dead DISPLAY.
func windowPossible() bool { return displayAvailable() && deadDisplay() == "" }

// displayAnswers is x11Answers; tests without an X server replace it.
var displayAnswers = x11Answers

// x11SocketDir is where X servers listen on this machine (tests change it).
var x11SocketDir = "/tmp/.X11-unix"

// x11Answers tells whether an X server answers at display (DISPLAY's
// value: ":0", ":0.0", "unix:1", "host:10.0"): its socket, or TCP port
// 6000+n of host, accepts a connection within two seconds.
func x11Answers(display string) bool {
	i := strings.LastIndex(display, ":")
	if i < 0 {
		return false
	}
	host, num := display[:i], display[i+1:]
	if j := strings.Index(num, "."); j >= 0 {
		num = num[:j]
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return false
	}
	dial := func(network, addr string) bool {
		c, err := net.DialTimeout(network, addr, 2*time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	switch {
	case host == "" || host == "unix":
		sock := filepath.Join(x11SocketDir, "X"+strconv.Itoa(n))
		return dial("unix", sock) || (runtime.GOOS == "linux" && dial("unix", "@"+sock))
	case strings.HasPrefix(host, "/"):
		return dial("unix", display) // a socket path (XQuartz's launchd form)
	}
	return dial("tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+n)))
}

// newFlags returns a FlagSet that reports errors as UsageError. Its -h
// goes to stdout: the command's lines of the usage, its flags and where the
// exit codes are (it printed Go's bare "Usage of onboard verify:" on
// stderr, audit Y3).
func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("onboard "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stdout)
	fs.Usage = func() {
		out := fs.Output()
		if syn := synopsis(name); syn != "" {
			fmt.Fprintf(out, "Usage:\n%s\n\nFlags:\n", syn)
		} else {
			fmt.Fprintf(out, "Flags of %s:\n", fs.Name())
		}
		printFlags(fs)
		fmt.Fprintln(out, "\n'onboard --help' lists the commands and the exit codes.")
	}
	return fs
}

// synopsis is the lines of the usage that show command name ("" = the
// wizard), with the lines that go on from them.
func synopsis(name string) string {
	want := strings.Fields(name)
	var out []string
	for _, l := range strings.Split(usage, "\n") {
		f := strings.Fields(l)
		switch {
		case strings.HasPrefix(l, "  onboard ") && len(f) > len(want) && slices.Equal(f[1:1+len(want)], want) &&
			(name != "" || strings.HasPrefix(f[1], "[")):
			out = append(out, l)
		case len(out) > 0 && strings.HasPrefix(l, "        ") && strings.TrimSpace(l) != "":
			out = append(out, l) // its flags or its words, on the lines below
		case len(out) > 0:
			return strings.Join(out, "\n")
		}
	}
	return strings.Join(out, "\n")
}

// printFlags lists fs's flags as the usage writes them, with two dashes
// (--all-users); the flag package writes one (Go accepts both).
func printFlags(fs *flag.FlagSet) {
	var b strings.Builder
	out := fs.Output()
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(out)
	fmt.Fprint(out, flagLine.ReplaceAllString(b.String(), "$1--$2"))
}

var flagLine = regexp.MustCompile(`(?m)^(  )-([A-Za-z][A-Za-z0-9-])`) // -o stays -o, as the usage writes it

// flagError is the flag package's message with flags as the usage writes
// them (--prefix, not -prefix) and in onboard's words.
func flagError(msg string) string {
	msg = strings.Replace(msg, "flag provided but not defined: ", "unknown flag ", 1)
	msg = strings.Replace(msg, "flag needs an argument: ", "a value is needed after ", 1)
	return flagName.ReplaceAllString(msg, "$1--$2")
}

var flagName = regexp.MustCompile(`(^|[\s:])-([A-Za-z][A-Za-z0-9-])`)

// parse parses args and turns flag errors into UsageError.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseWithArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &installer.UsageError{Msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// parseWithArgs is parse for a command that takes arguments after its
// flags (fs.Args).
func parseWithArgs(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard) // the flag package's own words on a bad flag: said below as onboard says errors
	err := fs.Parse(args)
	fs.SetOutput(out)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return errHelpShown
		}
		return &installer.UsageError{Msg: flagError(err.Error()) + "; '" + fs.Name() + " -h' lists its flags"}
	}
	var empty error
	fs.Visit(func(fl *flag.Flag) {
		if pathFlags[fl.Name] && fl.Value.String() == "" && empty == nil {
			// an unset variable in a script (--prefix "$DEST"): not the
			// default folder, which nobody asked for
			empty = &installer.UsageError{Msg: fmt.Sprintf("--%s is empty; pass a path, or leave the flag out for the default", fl.Name)}
		}
	})
	return empty
}

// pathFlags are the flags whose value is a path: given empty, they are a
// script's unset variable, and refused.
var pathFlags = map[string]bool{"prefix": true, "bundle": true, "log": true, "config": true, "trust-key": true, "installer": true, "o": true}

// consoleWizard runs the text wizard (see wizard.go).
var consoleWizard func(ctx context.Context, env Env, o WizardOptions) error

package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"onboard/installer/state"
	"onboard/internal/humanize"
	"onboard/platform"
)

// Exit codes of the command-line contract (docs/ARCHITECTURE.md).
const (
	ExitOK        = 0   // done, or healthy
	ExitFailed    = 1   // failed, or verify found damage
	ExitUsage     = 2   // bad usage
	ExitBundle    = 3   // bundle missing, corrupt or badly signed
	ExitTarget    = 4   // target not usable: not writable, no space, path too long, in use
	ExitPlatform  = 5   // this machine's platform is not in the bundle
	ExitCancelled = 130 // cancelled by the user (Cancel, Ctrl-C, SIGTERM)
)

// Hinter is implemented by errors that can tell a person what to do next.
type Hinter interface{ Hint() string }

// UsageError reports a bad command line. It maps to exit code 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// BundleError reports a bundle that is missing, corrupt or badly signed.
// It maps to exit code 3.
type BundleError struct {
	Path   string // the bundle file, or "" for the embedded one
	Reason string // what is wrong, e.g. "sha256 mismatch for pkgs/linux-64/zlib.conda"
	Err    error
	// Advice is what to do, for the one who builds installers rather
	// than runs them; "" = get the installer again.
	Advice string
}

func (e *BundleError) Error() string {
	var b strings.Builder
	b.WriteString("bundle")
	if e.Path != "" {
		fmt.Fprintf(&b, " %q", e.Path)
	}
	b.WriteString(" is not usable: ")
	b.WriteString(e.Reason)
	if e.Err != nil {
		if e.Reason != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}
func (e *BundleError) Unwrap() error { return e.Err }
func (e *BundleError) Hint() string {
	if e.Advice != "" {
		return e.Advice
	}
	return "download the installer again, or ask the platform team for a fresh one"
}

// TargetError reports an install location that cannot be used.
// It maps to exit code 4.
type TargetError struct {
	Path   string
	Reason string // e.g. "not writable", "needs 1.2 GB, 300 MB free"
	Advice string // what to do next; optional
	Err    error
	// Op is what could not be done there: "" (install) or "uninstall",
	// for the message.
	Op string
	// Detail, when set, stands for Err in the message: the system call
	// that failed, on what path, without the steps around it (which the
	// log has), so that a person reads one cause and not a chain.
	Detail string
	// Code says which refusal it is, for front ends to branch on: one of
	// the Target* codes below or a platform.Problem* code ("not-writable",
	// "no-space", "too-long", "not-empty", ...); "" when none applies.
	Code string
}

// TargetError codes of Install's refusals that are not about the folder
// itself but about the install it holds (see Plan).
const (
	TargetDowngrade   = "downgrade"       // it holds a newer version of the bundle
	TargetOtherBundle = "other-bundle"    // it holds another bundle's install
	TargetDamaged     = "damaged-install" // its .onboard/manifest.json cannot be read
	// TargetLauncherStuck refuses an uninstall: a launcher file of the
	// install cannot be removed (immutable, or in a folder this user may
	// not write).
	TargetLauncherStuck = "launcher-stuck"
)

func (e *TargetError) Error() string {
	s := fmt.Sprintf("cannot install into %q: %s", e.Path, e.Reason)
	switch {
	case e.Op != "":
		s = fmt.Sprintf("cannot %s %q: %s", e.Op, e.Path, e.Reason)
	case strings.Contains(e.Reason, strconv.Quote(e.Path)):
		// the reason names the folder already ("cannot write to
		// "/x": read-only file system"): once is enough
		s = e.Reason
	}
	switch {
	case e.Detail != "":
		s += " (" + e.Detail + ")"
	case e.Err != nil:
		s += ": " + e.Err.Error()
	}
	return s
}
func (e *TargetError) Unwrap() error { return e.Err }
func (e *TargetError) Hint() string {
	if e.Advice != "" {
		return e.Advice
	}
	return "choose another folder with --prefix"
}

// NotInstalledError reports a folder that holds no install, given to a
// command that works on one (verify, repair). It maps to exit code 4.
type NotInstalledError struct {
	Path string
	Err  error // why: the folder is missing, or has no .onboard/manifest.json nor conda-meta
	// Uninstalled: the recovery this command ran first finished an
	// interrupted uninstall of it.
	Uninstalled bool
	// CloneOf is the install whose base conda cloned into Path (with a
	// copy of its .onboard folder): an env of that install, no install.
	CloneOf string
}

// CheckNotAClone refuses an env of an install that conda made by cloning
// its base (conda create --clone base copies .onboard/ too), which looks
// like an install: verify reported its launchers as another's, repair
// wrote into it and uninstall deleted it, as an install (audit AK 4).
func CheckNotAClone(prefix string) error {
	if root, ok := state.CloneOf(prefix); ok && state.HasManifest(prefix) {
		was := "in"
		if !state.HasManifest(root) {
			was = "that was in"
		}
		return &NotInstalledError{Path: prefix, CloneOf: root,
			Err: fmt.Errorf("it is an environment that conda made by cloning the base of the install %s %q, copying its %s folder", was, root, state.DirName)}
	}
	return nil
}

func (e *NotInstalledError) Error() string {
	s := fmt.Sprintf("no install found in %q", e.Path)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}
func (e *NotInstalledError) Unwrap() error { return e.Err }
func (e *NotInstalledError) Hint() string {
	if e.Uninstalled {
		return "it was uninstalled; run the installer to install it again"
	}
	if e.CloneOf != "" && !state.HasManifest(e.CloneOf) {
		return fmt.Sprintf("this environment is yours, made with conda from an install no longer there; %q is conda's copy of that install's, which can be deleted (nothing was changed)",
			state.Dir(e.Path))
	}
	if e.CloneOf != "" {
		// no --env: a clone is the user's env, none of the bundle's that
		// --env names (audit AV 8: the hint's --env mine failed)
		return fmt.Sprintf("run it on the install, %q; this environment is yours, made with conda, and %q is conda's copy of the install's, which can be deleted (nothing was changed)",
			e.CloneOf, state.Dir(e.Path))
	}
	return "pass the folder you installed into with --prefix (nothing was changed)"
}

// CheckInstalled tells whether prefix holds an install onboard can work
// on: an onboard install (.onboard/manifest.json) or a conda prefix
// (conda-meta/).
func CheckInstalled(prefix string) error {
	fi, err := os.Stat(prefix)
	if err != nil {
		return &NotInstalledError{Path: prefix, Err: err}
	}
	if !fi.IsDir() {
		return &NotInstalledError{Path: prefix, Err: fmt.Errorf("it is not a folder")}
	}
	if state.HasManifest(prefix) {
		return CheckNotAClone(prefix)
	}
	if fi, err := os.Stat(filepath.Join(prefix, "conda-meta")); err == nil && fi.IsDir() {
		return nil
	}
	return &NotInstalledError{Path: prefix, Err: fmt.Errorf("it has neither %s nor conda-meta", state.Rel(state.ManifestName))}
}

// PlatformError reports that the bundle has no payload for this machine.
// It maps to exit code 5.
type PlatformError struct {
	Want []string // subdirs this machine can use, best first
	Have []string // subdirs the bundle carries
	// Asked says Want is what --subdir asked for, not what was detected.
	Asked bool
}

func (e *PlatformError) Error() string {
	if e.Asked {
		return fmt.Sprintf("--subdir %s is not in the bundle, which has %s",
			strings.Join(e.Want, " or "), strings.Join(e.Have, ", "))
	}
	if len(e.Want) == 0 {
		// an architecture conda builds nothing for (loongarch64, SPARC):
		// the error named an empty subdir (audit AL 6)
		return fmt.Sprintf("conda packages are not built for this machine (onboard info says why), and the bundle has %s",
			strings.Join(e.Have, ", "))
	}
	return fmt.Sprintf("this machine needs %s but the bundle only has %s",
		strings.Join(e.Want, " or "), strings.Join(e.Have, ", "))
}
func (e *PlatformError) Hint() string {
	if e.Asked {
		return "pass one of the bundle's subdirs, or leave --subdir out to use this machine's"
	}
	if len(e.Want) == 0 {
		return "install on a machine the bundle is built for; pass --subdir only if you know its packages run here"
	}
	return "ask the platform team for an installer built for this machine, or pass --subdir to override detection"
}

// OldSystemError reports that this machine cannot run a package of the
// bundle: the package depends on a newer C library, OS or kernel than the
// machine has (a conda virtual package: __glibc, __osx, __linux, __win).
// conda's solver refuses such a package; an install of a ready lock
// solves nothing, so onboard checks before it writes anything. It maps
// to exit code 5.
type OldSystemError struct {
	Subdir  string
	Problem platform.VirtualProblem
}

func (e *OldSystemError) Error() string {
	return "this machine cannot run the bundle's " + e.Subdir + " packages: " + e.Problem.Error()
}

// Hint says what to do, and the override conda reads too.
func (e *OldSystemError) Hint() string {
	name := strings.ToUpper(strings.TrimPrefix(e.Problem.Name, "__"))
	return "update this machine's system, or ask the platform team for a bundle built for older systems; " +
		"to install anyway, at your own risk, set CONDA_OVERRIDE_" + name + " to the version the package needs (conda reads it too)"
}

// LockedError reports that another onboard works on the same prefix.
// It maps to exit code 4.
type LockedError struct {
	Path  string // the lock file
	Owner string // what the lock file says about its holder, if readable
	// Prefix is the install the lock guards, when Path is not inside it
	// (the journal beside it); "" = the one Path lies in.
	Prefix string
}

func (e *LockedError) Error() string {
	where := e.Path
	if e.Prefix != "" {
		where = e.Prefix
	} else if p, ok := state.PrefixOf(e.Path); ok {
		where = p
	}
	s := fmt.Sprintf("the install at %q is in use by another onboard (an installer, or its maintenance app)", where)
	if o := ownerWords(e.Owner); o != "" {
		s += ", " + o
	}
	return s
}

// ownerWords says what a lock file says of its holder (state.Lock's
// "pid N on HOST since TIME") for people: "started at 23:32 (process
// 11065)", with the host only when it is another machine's.
func ownerWords(owner string) string {
	var pid int
	var host, since string
	if n, _ := fmt.Sscanf(owner, "pid %d on %s since %s", &pid, &host, &since); n != 3 {
		return ""
	}
	t, err := time.Parse(time.RFC3339, since)
	if err != nil {
		return ""
	}
	t = t.Local()
	when := t.Format("15:04")
	if y, m, d := t.Date(); y != time.Now().Year() || m != time.Now().Month() || d != time.Now().Day() {
		when = t.Format("2006-01-02 15:04")
	}
	s := fmt.Sprintf("started at %s (process %d)", when, pid)
	if me, _ := os.Hostname(); host != me {
		s = fmt.Sprintf("started at %s on the computer %s (process %d)", when, host, pid)
	}
	return s
}
func (e *LockedError) Hint() string {
	return "wait for the other installer to finish, then try again"
}

// DamageError reports that verify found problems. It maps to exit code 1.
type DamageError struct{ Problems int }

func (e *DamageError) Error() string {
	return "verify found " + humanize.Count(e.Problems, "problem")
}
func (e *DamageError) Hint() string { return "repair the install to put them right" }

// ExitCode maps an error to the exit code of the command-line contract.
func ExitCode(err error) int {
	var (
		ue *UsageError
		be *BundleError
		te *TargetError
		le *LockedError
		pe *PlatformError
		oe *OldSystemError
		ne *NotInstalledError
		ae *AdminRequiredError
	)
	var xe ExitStatuser
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitCancelled
	case errors.As(err, &xe) && xe.ExitStatus() > 0:
		return xe.ExitStatus()
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &be):
		return ExitBundle
	case errors.As(err, &te), errors.As(err, &le), errors.As(err, &ne), errors.As(err, &ae):
		return ExitTarget
	case errors.As(err, &pe), errors.As(err, &oe):
		return ExitPlatform
	default:
		return ExitFailed
	}
}

// ExitStatuser is an error that carries the exit code another onboard
// process reported (an upgrading installer run by the window): ExitCode
// gives it back.
type ExitStatuser interface {
	error
	ExitStatus() int
}

// HintFor returns the first hint found in err's chain, or "".
func HintFor(err error) string {
	cancelled := errors.Is(err, context.Canceled)
	for err != nil {
		if h, ok := err.(Hinter); ok {
			if s := h.Hint(); s != "" {
				return PlainQuotes(s)
			}
		}
		err = errors.Unwrap(err)
	}
	if cancelled {
		return "what was begun was undone; run the command again when you want"
	}
	return ""
}

// Message is what to tell a person about err: its text, or for a
// cancellation (Ctrl-C, SIGTERM, the Cancel button), that it was
// cancelled rather than Go's "context canceled".
func Message(err error) string {
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return PlainQuotes(err.Error())
}

// MessageAndDetail is Message in two parts: what a person reads first,
// and the system's own words for the cause (a TargetError's Detail,
// `write "/p/x": no space left on device`) where the message ends with
// them, for a window to show apart, under the message; detail is ""
// otherwise, and msg all of Message.
func MessageAndDetail(err error) (msg, detail string) {
	msg = Message(err)
	var te *TargetError
	if !errors.As(err, &te) || te.Detail == "" {
		return msg, ""
	}
	detail = PlainQuotes(te.Detail)
	if m, ok := strings.CutSuffix(msg, " ("+detail+")"); ok {
		return m, detail
	}
	return msg, ""
}

// PlainQuotes is humanize.PlainQuotes: a Windows path that %q quoted,
// with its backslashes single again.
func PlainQuotes(s string) string { return humanize.PlainQuotes(s) }

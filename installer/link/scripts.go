package link

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"onboard/installer/internal/child"
	"onboard/installer/pkg"
)

// Script names one package's link script to run in a prefix.
type Script struct {
	Action      string // "post-link", "pre-unlink", "post-unlink" ("pre-link" is deprecated)
	Prefix      string // absolute host path
	RootPrefix  string // ROOT_PREFIX; "" = Prefix
	Subdir      string // the environment's subdir
	Name        string // package name
	Version     string
	BuildNumber int64
	Dist        string // for messages; "" = name-version
	HostOS      string // "" = runtime.GOOS
}

// ScriptResult is what running a link script gave.
type ScriptResult struct {
	Path     string // the script, "" when the package has none
	Ran      bool
	Skipped  string // why it did not run on this machine, if so
	Messages string // the content of PREFIX/.messages.txt, which is deleted
}

// ScriptError reports a link script that failed, with what conda shows
// in its LinkError: the script, its messages, its output and exit code.
type ScriptError struct {
	Action, Dist string
	Path         string // the script on this machine
	Rel          string // the script in its package (bin/.NAME-post-link.sh)
	Stdout       string
	Stderr       string
	ExitCode     int // -1: it did not run to an exit
	Messages     string
	Err          error
}

// Error names the package and its script as the package holds it: the
// script's path in the prefix is gone once the install rolls back, and
// conda's "<unknown>/linux-64::" and "<None>" said nothing to a person
// (audit Y1).
func (e *ScriptError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the %s script of the package %s (%s) failed", e.Action, e.Dist, e.Rel)
	if e.ExitCode >= 0 {
		fmt.Fprintf(&b, " with exit code %d", e.ExitCode)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	for _, part := range []struct{ what, text string }{{"its messages", e.Messages}, {"what it printed", e.Stdout}, {"its errors", e.Stderr}} {
		// as the terminal or window shows it: a script's escape sequences
		// retitled the terminal and cleared it (audit BK 3)
		if t := strings.TrimSpace(pkg.DisplayText([]byte(part.text))); t != "" {
			fmt.Fprintf(&b, "\n%s:\n%s", part.what, t)
		}
	}
	if strings.TrimSpace(e.Messages+e.Stdout+e.Stderr) == "" {
		b.WriteString("; it printed nothing")
	}
	return b.String()
}

// Hint says what to do: the script is the package's, and what it needs
// is its maker's to say.
func (e *ScriptError) Hint() string {
	return "the package's own " + e.Action + " script failed on this machine; send this message and the log to whoever made the bundle: the package may need a program or setting this machine lacks"
}

func (e *ScriptError) Unwrap() error { return e.Err }

// ScriptPath returns the prefix-relative path of a package's link script
// for subdir: bin/.<name>-<action>.sh or Scripts/.<name>-<action>.bat.
func ScriptPath(subdir, name, action string) string {
	if IsWindows(subdir) {
		return "Scripts/." + name + "-" + action + ".bat"
	}
	return "bin/." + name + "-" + action + ".sh"
}

// RunScript runs a package's link script when it has one and the
// environment's OS is this machine's: sourced by bash (or sh) for Unix subdirs,
// %COMSPEC% for Windows ones. The environment gets PREFIX, CONDA_PREFIX,
// ROOT_PREFIX, PKG_NAME, PKG_VERSION, PKG_BUILDNUM and PATH starting with
// the prefix's programs; cwd is the script's folder. A non-zero exit gives a
// *ScriptError. PREFIX/.messages.txt is read and deleted either way.
func RunScript(ctx context.Context, s Script) (*ScriptResult, error) {
	rel := ScriptPath(s.Subdir, s.Name, s.Action)
	script := hostPath(s.Prefix, rel)
	res := &ScriptResult{}
	if _, err := os.Stat(script); errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	res.Path = script
	host := s.HostOS
	if host == "" {
		host = runtime.GOOS
	}
	if !RunsOnHost(s.Subdir, host) {
		res.Skipped = fmt.Sprintf("the %s script of %s was not run: it is for %s and this machine runs %s", s.Action, s.dist(), s.Subdir, host)
		return res, nil
	}
	cmd, err := scriptCommand(ctx, script, s.Subdir)
	if err != nil {
		return res, &ScriptError{Action: s.Action, Dist: s.dist(), Path: script, Rel: rel, ExitCode: -1, Err: err}
	}
	cmd.Dir = filepath.Dir(script)
	cmd.Env = scriptEnv(s)
	// what a script prints is kept to its last maxScriptOutput bytes: one
	// that printed without end took the install's memory with it
	stdout, stderr := &tailBuffer{max: maxScriptOutput}, &tailBuffer{max: maxScriptOutput}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	child.Prepare(cmd) // a cancel kills what it started too; what it leaves running does not hold the install
	runErr := child.Result(cmd.Run())
	res.Ran = true
	res.Messages = takeMessages(s.Prefix)
	if runErr == nil {
		return res, nil
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	code := -1
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		code = ee.ExitCode()
		if code >= 0 {
			runErr = nil // said by the exit code; a signal stays: "signal: killed"
		}
	}
	return res, &ScriptError{Action: s.Action, Dist: s.dist(), Path: script, Rel: rel, Stdout: stdout.String(),
		Stderr: stderr.String(), ExitCode: code, Messages: res.Messages, Err: runErr}
}

func (s Script) dist() string {
	if s.Dist != "" {
		return s.Dist
	}
	return s.Name + "-" + s.Version
}

// scriptCommand returns the command that runs script.
func scriptCommand(ctx context.Context, script, subdir string) (*exec.Cmd, error) {
	if IsWindows(subdir) {
		comspec := os.Getenv("COMSPEC")
		if comspec == "" {
			return nil, errors.New("COMSPEC is not set, so cmd.exe cannot be found")
		}
		return exec.CommandContext(ctx, comspec, "/d", "/c", script), nil
	}
	sh, err := exec.LookPath("bash")
	if err != nil {
		if sh, err = exec.LookPath("sh"); err != nil {
			return nil, errors.New("neither bash nor sh is on PATH")
		}
	}
	// Sourced, as conda's activation wrapper does (". '<script>'"): link
	// scripts may end with a top-level "return".
	return exec.CommandContext(ctx, sh, "-c", `. "$0"`, script), nil
}

// scriptEnv is the environment of a link script.
func scriptEnv(s Script) []string {
	root := s.RootPrefix
	if root == "" {
		root = s.Prefix
	}
	var dirs []string
	if IsWindows(s.Subdir) {
		for _, d := range []string{"", "Library/mingw-w64/bin", "Library/usr/bin", "Library/bin", "Scripts", "bin"} {
			dirs = append(dirs, hostPath(s.Prefix, d))
		}
	} else {
		dirs = []string{hostPath(s.Prefix, "bin")}
	}
	set := map[string]string{
		"PREFIX": s.Prefix, "CONDA_PREFIX": s.Prefix, "ROOT_PREFIX": root,
		"PKG_NAME": s.Name, "PKG_VERSION": s.Version, "PKG_BUILDNUM": strconv.FormatInt(s.BuildNumber, 10),
		"PATH": strings.Join(append(dirs, os.Getenv("PATH")), string(os.PathListSeparator)),
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[strings.ToUpper(k)]; ok && (k == strings.ToUpper(k) || runtime.GOOS == "windows") {
			continue
		}
		env = append(env, kv)
	}
	for _, k := range []string{"PREFIX", "CONDA_PREFIX", "ROOT_PREFIX", "PKG_NAME", "PKG_VERSION", "PKG_BUILDNUM", "PATH"} {
		env = append(env, k+"="+set[k])
	}
	return env
}

// takeMessages returns and deletes PREFIX/.messages.txt.
func takeMessages(prefixDir string) string {
	p := filepath.Join(prefixDir, pkg.MessagesFile)
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(f, pkg.MaxPrelinkMessages+1))
	f.Close()
	os.Remove(p)
	if err != nil {
		return ""
	}
	s := ""
	if len(b) > pkg.MaxPrelinkMessages {
		b, s = b[:pkg.MaxPrelinkMessages], "\n[… cut at 256 KiB]"
	}
	// shown as prelink messages are: a script's bytes may not clear the
	// screen, set the window's title or reverse the text around them
	return pkg.DisplayText(b) + s
}

// maxScriptOutput is how much of a link script's stdout, and of its
// stderr, is kept: the end, which says why it failed.
const maxScriptOutput = 64 << 10

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max     int
	buf     []byte
	dropped int64
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.dropped += int64(over)
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	if t.dropped > 0 {
		return fmt.Sprintf("[… %d bytes before]\n%s", t.dropped, t.buf)
	}
	return string(t.buf)
}

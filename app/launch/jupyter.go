package launch

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"onboard/installer"
	"onboard/installer/state"
	"onboard/installer/uninstall"
	"onboard/internal/humanize"
	"onboard/platform"
)

// Options configures Jupyter.
type Options struct {
	Prefix string
	Env    string // "" or "base" = the prefix itself
	// Command is what the bundle's launcher runs, e.g. ["jupyter",
	// "notebook"]; nil = DefaultCommand. Its first word is looked up in the
	// env's bin/ (Scripts\ on Windows).
	Command     []string
	NotebookDir string        // "" = DefaultNotebookDir(); created when missing
	Environ     []string      // nil = os.Environ()
	Timeout     time.Duration // how long the server may take to answer; 0 = 2 minutes
	// OpenBrowser opens the URL; nil = OpenBrowser.
	OpenBrowser func(url string) error
	Logf        func(format string, args ...any)
}

// Server is a running Jupyter server: its record in the user's state
// folder (state.Server, at StatePath) and whether it was already running.
type Server struct {
	state.Server
	Reused bool `json:"-"` // it was already running
}

// userState is the calling user's state folders of the install at prefix
// (platform.UserStateDirs): never the prefix, which may be shared by all
// users and writable by none of them. Without a home folder it falls back
// to the install's state folder, as before.
func userState(prefix string) platform.UserState {
	s, err := platform.HostUserState(prefix)
	if err != nil {
		return platform.UserState{Dir: state.LegacyServerDir(prefix), Runtime: state.LegacyServerRuntime(prefix)}
	}
	return s
}

// StatePath is where this user's server of env is recorded (0600, in a
// 0700 folder of the user's own).
func StatePath(prefix, env string) string { return state.ServerPath(userState(prefix).Dir, env) }

// RuntimeDir is JUPYTER_RUNTIME_DIR of the servers onboard starts: where
// Jupyter writes the runtime file that reports its URL. It is private to
// the user: the runtime files hold the token.
func RuntimeDir(prefix, env string) string {
	return state.ServerRuntimeDir(userState(prefix).Runtime, env)
}

// LogPath is the server's log (0600: Jupyter prints its URL with the token).
func LogPath(prefix, env string) string { return state.ServerLogPath(userState(prefix).Dir, env) }

// Stop stops this user's Jupyter server of env (and its kernels) and
// removes its record; it returns what it stopped ("pid N, port P"), or ""
// when none was running. Other users' servers are out of reach: their
// records are in their own folders.
func Stop(prefix, env string) (string, error) {
	return uninstall.StopJupyterRecord(StatePath(prefix, env))
}

// Stopped is a Jupyter server StopAll stopped: its env, and the server as
// the log names it ("pid N, port P").
type Stopped struct {
	Env, Server string
}

func (s Stopped) String() string { return s.Env + ": " + s.Server }

// StopAll stops every Jupyter server of this user's from the install at
// prefix, as Stop does, whatever its env: the bundle's, or one of the
// user's own (launch jupyter --env mine); every record of the user's
// state folder is tried. It returns what it stopped, and what it could
// not. The Help menu's Stop stopped the bundle's Jupyter env's alone
// (audit AP, AT 4).
func StopAll(prefix string) ([]Stopped, error) {
	var stopped []Stopped
	var errs []error
	for _, rec := range state.ServerRecords(userState(prefix).Dir) {
		env := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(rec), "jupyter-"), ".json")
		what, err := uninstall.StopJupyterRecord(rec)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", env, err))
		case what != "":
			stopped = append(stopped, Stopped{Env: env, Server: what})
		}
	}
	return stopped, errors.Join(errs...)
}

// StoppedSentence says what StopAll stopped as a person reads it, by
// env: "Jupyter stopped (team environment)." A process id and a port
// mean nothing to a data scientist (audit BO 11); they go to the log.
func StoppedSentence(stopped []Stopped) string {
	if len(stopped) == 0 {
		return "You had no Jupyter running."
	}
	envs := make([]string, len(stopped))
	for i, s := range stopped {
		envs[i] = s.Env
	}
	noun := " environment"
	if len(envs) > 1 {
		noun = " environments"
	}
	return "Jupyter stopped (" + humanize.List(envs, 0) + noun + ")."
}

// DefaultCommand is what runs when the bundle's launcher names no command.
var DefaultCommand = []string{"jupyter", "lab"}

// Jupyter recovers an interrupted operation on the install, checks the
// env, reuses its server when one still answers, or
// starts one, and opens the browser at its URL. When no browser can be
// opened the server still runs: the error is a *NoBrowserError that carries
// the URL, for the caller to show.
func Jupyter(ctx context.Context, o Options) (*Server, error) {
	o = o.withDefaults()
	// what an interrupted repair or install left is put right first, as
	// every command on an install does (installer.RecoverOutcome)
	if _, err := installer.RecoverOutcome(ctx, o.Prefix, o.Logf); err != nil {
		return nil, err
	}
	if err := CheckCommand(o.Prefix, o.Env, o.Command[0], runtime.GOOS); err != nil {
		return nil, err
	}
	if err := checkSubcommand(o, runtime.GOOS); err != nil {
		return nil, err
	}
	// one launch of an env at a time: a double-click repeated while the
	// first starts waits for it and reuses its server, where both started
	// one and only the last was recorded
	unlock, err := lockLaunch(ctx, StatePath(o.Prefix, o.Env)+".lock", o.Timeout)
	if err != nil {
		return nil, err
	}
	defer unlock()
	s := running(ctx, o.Prefix, o.Env)
	if s != nil {
		o.Logf("reusing the Jupyter server on port %d (pid %d)", s.Port, s.PID)
	} else {
		var err error
		for try := 1; ; try++ {
			s, err = start(ctx, o)
			var se *StartError
			if err == nil || try == 3 || !errors.As(err, &se) || !se.PortTaken {
				break
			}
			o.Logf("the port was taken before Jupyter could listen on it; trying another")
		}
		if err != nil {
			return nil, err
		}
		if err := writeState(StatePath(o.Prefix, o.Env), s); err != nil {
			return s, err
		}
	}
	if err := o.OpenBrowser(s.URL); err != nil {
		return s, &NoBrowserError{URL: s.URL, Err: err}
	}
	return s, nil
}

// checkSubcommand refuses a launch that would run a Jupyter outside the
// install: `jupyter notebook` runs jupyter-notebook, which jupyter's
// dispatcher looks for beside itself and then on PATH. When the env's own
// is missing (a damaged env) and another is on PATH (the system's), the
// dispatcher would start that one, with none of the team's packages.
func checkSubcommand(o Options, goos string) error {
	if len(o.Command) < 2 || filepath.Base(o.Command[0]) != "jupyter" || strings.HasPrefix(o.Command[1], "-") {
		return nil
	}
	name := "jupyter-" + o.Command[1]
	ep := EnvPrefix(o.Prefix, o.Env)
	own := CommandExecutable(ep, name, goos)
	if _, err := os.Stat(own); err == nil {
		return nil
	}
	if rel, err := filepath.Rel(ep, own); err == nil && state.RemovedWithConda(ep, filepath.ToSlash(rel)) {
		// removed with its package, with conda: Jupyter would only die
		// with "Jupyter command not found", and a repair leaves it
		return &EnvError{Prefix: o.Prefix, Env: o.Env, Reason: own + " is missing", Removed: name}
	}
	path := ""
	for _, kv := range o.Environ {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		other := filepath.Join(dir, name)
		if goos == "windows" {
			other += ".exe"
		}
		if st, err := os.Stat(other); err == nil && !st.IsDir() {
			return &EnvError{Prefix: o.Prefix, Env: o.Env,
				Reason: fmt.Sprintf("%s is missing, and %q would run %s instead, outside the install", own, strings.Join(o.Command[:2], " "), other)}
		}
	}
	return nil
}

// NoBrowserError is a Jupyter that runs but could not be shown: no browser
// could be opened (no xdg-open, a server, an SSH session). It is not a
// failed launch; the URL, with its token, is for the person to open.
type NoBrowserError struct {
	URL string
	Err error
}

func (e *NoBrowserError) Error() string {
	return fmt.Sprintf("Jupyter is running, but no web browser could be opened (%v). Open this address in a browser: %s", e.Err, e.URL)
}

func (e *NoBrowserError) Unwrap() error { return e.Err }

// Hint says what to do.
func (e *NoBrowserError) Hint() string {
	return "copy the address (it holds the access token) into a web browser; on a remote machine, forward its port first (ssh -L)"
}

func (o Options) withDefaults() Options {
	if len(o.Command) == 0 {
		o.Command = DefaultCommand
	}
	if o.Environ == nil {
		o.Environ = os.Environ()
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.OpenBrowser == nil {
		o.OpenBrowser = OpenBrowser
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return o
}

// lockLaunch takes the lock file at path, waiting while another launch
// holds it (at most wait), and returns its release.
func lockLaunch(ctx context.Context, path string, wait time.Duration) (func(), error) {
	if err := platform.EnsurePrivateDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		l, err := state.LockFile(path)
		if err == nil {
			return func() { l.Unlock() }, nil
		}
		if !errors.Is(err, state.ErrBusy) || time.Now().After(deadline) {
			return nil, fmt.Errorf("another launch of this environment is still starting Jupyter (%s): %w", path, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// running returns the recorded server of env when it still answers.
func running(ctx context.Context, prefix, env string) *Server {
	s, err := state.ReadServer(StatePath(prefix, env))
	if err != nil || !answers(ctx, s.Port, s.Base, s.Token) {
		return nil
	}
	return &Server{Server: *s, Reused: true}
}

// start starts the launcher's command detached and waits until it answers.
func start(ctx context.Context, o Options) (*Server, error) {
	ep := EnvPrefix(o.Prefix, o.Env)
	environ, err := RunActivateScripts(ctx, ep, Activate(o.Environ, ep, o.Env, runtime.GOOS))
	if err != nil {
		return nil, err
	}
	runtimeDir := RuntimeDir(o.Prefix, o.Env)
	if err := platform.EnsurePrivateDir(runtimeDir); err != nil {
		return nil, fmt.Errorf("failed to create Jupyter's runtime folder: %w", err)
	}
	// JUPYTER_PREFER_ENV_PATH: the env's kernels, config and data before
	// the user's, so that a python3 kernel the user once installed for
	// another Python (`ipykernel install --user`) does not run the team's
	// notebooks (jupyter_core 4 put the user's first, and 5 still does in
	// the base env; audit AE, AG)
	environ = setEnv(environ, map[string]string{"JUPYTER_RUNTIME_DIR": runtimeDir, "JUPYTER_PREFER_ENV_PATH": "1"}, runtime.GOOS == "windows")
	nb, err := notebookDir(o.NotebookDir)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	exe := CommandExecutable(ep, o.Command[0], runtime.GOOS)
	flavor := detectFlavor(ctx, exe, o.Command[1:], environ)
	s := &Server{Server: state.Server{Port: port, Token: randomToken()}}
	// the token goes in the environment, private to the user, not on the
	// command line that every user can read
	cmd := exec.Command(exe, ServerArgs(o.Command[1:], flavor, port, "", nb, geteuid() == 0)...)
	cmd.Env = setEnv(environ, map[string]string{"JUPYTER_TOKEN": s.Token}, runtime.GOOS == "windows")
	cmd.Dir = nb
	exited, err := startDetached(cmd, LogPath(o.Prefix, o.Env))
	if err != nil {
		return nil, err
	}
	s.PID = cmd.Process.Pid
	o.Logf("started %s (pid %d) on port %d in %s", strings.Join(o.Command, " "), s.PID, port, nb)
	if err := waitReady(ctx, s, exited, runtimeDir, o); err != nil {
		// a server given up on is stopped: no record would name it, so
		// --stop and the next launch could not find it
		if serr := uninstall.StopStarted(s.PID, exited); serr != nil {
			o.Logf("could not stop the Jupyter server it gave up on (pid %d): %v", s.PID, serr)
		}
		return nil, err
	}
	s.URL = reportedURL(ctx, runtimeDir, LogPath(o.Prefix, o.Env), port, s.Token)
	if s.URL == "" {
		s.URL = fmt.Sprintf("http://127.0.0.1:%d/?token=%s", port, s.Token)
		o.Logf("Jupyter reported no URL (no runtime file, no URL line in its log); opening %s", s.URL)
	}
	return s, nil
}

// startDetached starts cmd in its own session with its output appended to
// logPath; the returned channel closes when it exits.
func startDetached(cmd *exec.Cmd, logPath string) (<-chan struct{}, error) {
	if err := platform.EnsurePrivateDir(filepath.Dir(logPath)); err != nil {
		return nil, err
	}
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("failed to open the Jupyter log: %w", err)
	}
	if err := log.Chmod(0o600); err != nil { // a log left by an older onboard
		log.Close()
		return nil, fmt.Errorf("failed to make the Jupyter log %s private: %w", logPath, err)
	}
	fmt.Fprintf(log, "\n=== %s: %s\n", time.Now().Format(time.RFC3339), cmd.String())
	cmd.Stdout, cmd.Stderr = log, log
	detach(cmd)
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("failed to start %s: %w", cmd.Path, err)
	}
	log.Close()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	return exited, nil
}

// waitReady polls the server until it answers, exits, or time runs out.
// Its API is under its base_url, which a person's own Jupyter config may
// set: read from the runtime file the server writes in runtimeDir.
func waitReady(ctx context.Context, s *Server, exited <-chan struct{}, runtimeDir string, o Options) error {
	deadline := time.NewTimer(o.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		if b := baseURLOf(runtimeDir, s.Port); b != "" {
			s.Base = b
		}
		if answers(ctx, s.Port, s.Base, s.Token) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-exited:
			log := LogPath(o.Prefix, o.Env)
			return &StartError{Reason: "Jupyter stopped before it was ready", Log: log, Prefix: o.Prefix, Env: o.Env, PortTaken: portTaken(log, s.Port)}
		case <-deadline.C:
			return &StartError{Reason: fmt.Sprintf("Jupyter did not answer within %s", o.Timeout), Log: LogPath(o.Prefix, o.Env), Prefix: o.Prefix, Env: o.Env}
		case <-tick.C:
		}
	}
}

// StartError reports a server that did not come up, with its log's tail.
type StartError struct {
	Reason string
	Log    string
	Prefix string // the install
	Env    string // its env Jupyter ran in ("" = base)
	// PortTaken: it could not listen on the port it was given, which
	// another program took in the meantime (the launch tries another).
	PortTaken bool
}

func (e *StartError) Error() string {
	return fmt.Sprintf("%s. The end of its log (%s):\n%s", e.Reason, e.Log, Tail(e.Log, 15))
}

// Hint says what to do, with the install's own maintenance app; when the
// log names a package of the user's own site-packages, which Python reads
// before the env's (pip install --user), that first: Repair, which the
// hint offered, finds the install healthy (audit AE).
func (e *StartError) Hint() string {
	tail := Tail(e.Log, 40)
	if dir := userSite.FindString(tail); dir != "" {
		return fmt.Sprintf("the log names %s, a folder of your own packages (pip install --user) that Python reads before the environment's: remove or update the package there that fails, or start Jupyter with PYTHONNOUSERSITE=1 set", dir)
	}
	if m := missingModule.FindStringSubmatch(tail); m != nil {
		// a package another one needs, removed with conda (--force):
		// Repair, which the hint offered, leaves the user's change
		// (audit AK 2)
		if ep := EnvPrefix(e.Prefix, e.Env); state.RemovedModule(ep, m[1]) {
			return fmt.Sprintf("Python cannot import %s: its package was removed from the %s environment with conda, which repair leaves as your change; %s",
				m[1], envName(e.Env), state.ReinstallAdvice(e.Prefix, envName(e.Env), ep, ""))
		}
	}
	return fmt.Sprintf("read the log above; if it names a setting of yours (~/.jupyter), change that; if a package is damaged, a repair puts it back (%s, or run %s)",
		repairIn(e.Prefix), state.RepairCommand(e.Prefix))
}

// missingModule finds the module of Python's "No module named 'x'".
var missingModule = regexp.MustCompile(`No module named '([A-Za-z0-9_.]+)'`)

// userSite finds the user's own site-packages in a traceback: Python's
// user scheme (~/.local/lib/pythonX.Y, macOS ~/Library/Python/X.Y/lib/
// python, Windows %APPDATA%\Python\PythonXY).
var userSite = regexp.MustCompile(`(?:/[^\s'"]*/\.local/lib/python[0-9.]+/site-packages|/[^\s'"]*/Library/Python/[0-9.]+/lib/python/site-packages|[A-Za-z]:\\[^\s'"]*\\Python\\Python[0-9]+(?:-[0-9]+)?\\site-packages)`)

// portTaken tells whether the last run in the log at path could not
// listen on port: Notebook 6 says "The port N is already in use" and then
// that it is not available, Jupyter Server "Address already in use".
func portTaken(path string, port int) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	if i := bytes.LastIndex(b, []byte("\n=== ")); i >= 0 {
		b = b[i:]
	}
	b, p := bytes.ToLower(b), strconv.Itoa(port)
	return bytes.Contains(b, []byte("port "+p+" is already in use")) || bytes.Contains(b, []byte("port "+p+" is not available")) ||
		bytes.Contains(b, []byte("address already in use"))
}

// Tail returns the last n lines of a file.
func Tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// answers tells whether a Jupyter server with token listens on port, its
// API under base ("" is "/").
func answers(ctx context.Context, port int, base, token string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	base = "/" + strings.Trim(base, "/") + "/"
	if base == "//" {
		base = "/"
	}
	u := fmt.Sprintf("http://127.0.0.1:%d%sapi/status", port, base)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "token "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("failed to find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// DefaultNotebookDir is Notebooks in the person's Documents folder where
// they have one: the one the system knows (Windows' known folder, which
// OneDrive or a network share may have moved; XDG's user-dirs.dirs,
// which names it in the person's language), else ~/Documents; else
// ~/Notebooks. ~/Documents was taken on Windows where Explorer's
// Documents was elsewhere (audit AP 16).
func DefaultNotebookDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("failed to find the home folder for notebooks: %w", err)
	}
	for _, docs := range []string{documentsDir(home), filepath.Join(home, "Documents")} {
		if fi, err := os.Stat(docs); docs != "" && err == nil && fi.IsDir() {
			return filepath.Join(docs, "Notebooks"), nil
		}
	}
	return filepath.Join(home, "Notebooks"), nil
}

// userDirsDocuments reads XDG_DOCUMENTS_DIR from the content of
// user-dirs.dirs ("$HOME/Documents", or an absolute path); "" when it is
// not there, or is the home folder itself (the spec's way to turn it off).
func userDirsDocuments(content, home string) string {
	for _, line := range strings.Split(content, "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "XDG_DOCUMENTS_DIR=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
			v = home + rest
		}
		if !filepath.IsAbs(v) || filepath.Clean(v) == filepath.Clean(home) {
			return ""
		}
		return filepath.Clean(v)
	}
	return ""
}

func notebookDir(dir string) (string, error) {
	if dir == "" {
		d, err := DefaultNotebookDir()
		if err != nil {
			return "", err
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("failed to create the notebook folder: %w", err)
	}
	return dir, nil
}

// writeState records s atomically, in a folder private to the user.
func writeState(path string, s *Server) error {
	if err := platform.EnsurePrivateDir(filepath.Dir(path)); err != nil {
		return err
	}
	return state.WriteServer(path, &s.Server)
}

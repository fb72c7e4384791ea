package launch

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// Options configures Jupyter.
type Options struct {
	Prefix      string
	Env         string        // "" or "base" = the prefix itself
	NotebookDir string        // "" = DefaultNotebookDir(); created when missing
	Environ     []string      // nil = os.Environ()
	Timeout     time.Duration // how long the server may take to answer; 0 = 2 minutes
	// OpenBrowser opens the URL; nil = OpenBrowser.
	OpenBrowser func(url string) error
	Logf        func(format string, args ...any)
}

// Server is a running Jupyter server, as PREFIX/.onboard/jupyter-<env>.json
// records it.
type Server struct {
	PID    int    `json:"pid"`
	Port   int    `json:"port"`
	Token  string `json:"token"`
	URL    string `json:"url"`
	Reused bool   `json:"-"` // it was already running
}

// StatePath is where the server of env is recorded.
func StatePath(prefix, env string) string {
	return filepath.Join(prefix, ".onboard", "jupyter-"+envName(env)+".json")
}

// LogPath is the server's log.
func LogPath(prefix, env string) string {
	return filepath.Join(prefix, ".onboard", "jupyter-"+envName(env)+".log")
}

// Jupyter checks the env, reuses its server when one still answers, or
// starts one, and opens the browser at its URL.
func Jupyter(ctx context.Context, o Options) (*Server, error) {
	o = o.withDefaults()
	if err := Check(o.Prefix, o.Env, runtime.GOOS); err != nil {
		return nil, err
	}
	if s := running(ctx, o.Prefix, o.Env); s != nil {
		o.Logf("reusing the Jupyter server on port %d (pid %d)", s.Port, s.PID)
		return s, o.OpenBrowser(s.URL)
	}
	s, err := start(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := writeState(StatePath(o.Prefix, o.Env), s); err != nil {
		return s, err
	}
	return s, o.OpenBrowser(s.URL)
}

func (o Options) withDefaults() Options {
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

// running returns the recorded server of env when it still answers.
func running(ctx context.Context, prefix, env string) *Server {
	b, err := os.ReadFile(StatePath(prefix, env))
	if err != nil {
		return nil
	}
	var s Server
	if json.Unmarshal(b, &s) != nil || s.Port == 0 {
		return nil
	}
	if !answers(ctx, s.Port, s.Token) {
		return nil
	}
	s.Reused = true
	return &s
}

// start starts jupyter lab detached and waits until it answers.
func start(ctx context.Context, o Options) (*Server, error) {
	ep := EnvPrefix(o.Prefix, o.Env)
	environ, err := RunActivateScripts(ctx, ep, Activate(o.Environ, ep, o.Env, runtime.GOOS))
	if err != nil {
		return nil, err
	}
	nb, err := notebookDir(o.NotebookDir)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Port: port, Token: randomToken()}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d/lab?token=%s", port, s.Token)
	cmd := exec.Command(Executable(ep, runtime.GOOS), "lab", "--no-browser",
		"--ServerApp.port="+strconv.Itoa(port), "--ServerApp.ip=127.0.0.1",
		"--ServerApp.token="+s.Token, "--ServerApp.root_dir="+nb)
	cmd.Env, cmd.Dir = environ, nb
	exited, err := startDetached(cmd, LogPath(o.Prefix, o.Env))
	if err != nil {
		return nil, err
	}
	s.PID = cmd.Process.Pid
	o.Logf("started jupyter lab (pid %d) on port %d in %s", s.PID, port, nb)
	return s, waitReady(ctx, s, exited, o)
}

// startDetached starts cmd in its own session with its output appended to
// logPath; the returned channel closes when it exits.
func startDetached(cmd *exec.Cmd, logPath string) (<-chan struct{}, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("failed to open the Jupyter log: %w", err)
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
func waitReady(ctx context.Context, s *Server, exited <-chan struct{}, o Options) error {
	deadline := time.NewTimer(o.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		if answers(ctx, s.Port, s.Token) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-exited:
			return &StartError{Reason: "Jupyter stopped before it was ready", Log: LogPath(o.Prefix, o.Env)}
		case <-deadline.C:
			return &StartError{Reason: fmt.Sprintf("Jupyter did not answer within %s", o.Timeout), Log: LogPath(o.Prefix, o.Env)}
		case <-tick.C:
		}
	}
}

// StartError reports a server that did not come up, with its log's tail.
type StartError struct {
	Reason string
	Log    string
}

func (e *StartError) Error() string {
	return fmt.Sprintf("%s. The end of its log (%s):\n%s", e.Reason, e.Log, Tail(e.Log, 15))
}

// Hint says what to do.
func (e *StartError) Hint() string {
	return "read the log above; if a package is damaged, Help > Repair environment… puts it back"
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

// answers tells whether a Jupyter server with token listens on port.
func answers(ctx context.Context, port int, token string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	u := fmt.Sprintf("http://127.0.0.1:%d/api/status", port)
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

// DefaultNotebookDir is ~/Documents/Notebooks when ~/Documents exists,
// else ~/Notebooks.
func DefaultNotebookDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("failed to find the home folder for notebooks: %w", err)
	}
	if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
		return filepath.Join(home, "Documents", "Notebooks"), nil
	}
	return filepath.Join(home, "Notebooks"), nil
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

// writeState records s atomically.
func writeState(path string, s *Server) error {
	b, _ := json.MarshalIndent(s, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("failed to record the Jupyter server: %w", err)
	}
	return os.Rename(tmp, path)
}

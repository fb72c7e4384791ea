package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"onboard/internal/atomicfile"
)

// Server is the record of a Jupyter server that `onboard launch` started
// for one env, jupyter-<env>.json in the user's state folder of the
// install (platform.UserStateDirs). The launcher reuses the server while
// it answers; uninstall stops it. The record holds the access token, so
// it is the user's alone (0600, in a 0700 folder).
type Server struct {
	PID   int    `json:"pid"`
	Port  int    `json:"port"`
	Token string `json:"token"`
	URL   string `json:"url"`
	// Base is the server's base_url (a person's Jupyter config may set
	// one): its API is under it. "" is "/".
	Base string `json:"base_url,omitempty"`
}

// serverPrefix and serverExt frame a record's name: jupyter-<env>.json.
const (
	serverPrefix = "jupyter-"
	serverExt    = ".json"
)

// serverEnv is the name an env's files carry: "base" for the prefix.
func serverEnv(env string) string {
	if env == "" {
		return BaseEnv
	}
	return env
}

// ServerPath is the record of env's server in the user state folder dir.
func ServerPath(dir, env string) string {
	return filepath.Join(dir, serverPrefix+serverEnv(env)+serverExt)
}

// ServerLogPath is the log of env's server in dir (Jupyter prints its URL
// with the token there, so it is private too).
func ServerLogPath(dir, env string) string {
	return filepath.Join(dir, serverPrefix+serverEnv(env)+".log")
}

// ServerRuntimeDir is JUPYTER_RUNTIME_DIR of env's server, in the user's
// runtime folder runtimeDir.
func ServerRuntimeDir(runtimeDir, env string) string {
	return filepath.Join(runtimeDir, serverPrefix+serverEnv(env))
}

// LegacyServerDir is where an onboard before per-user state kept the
// server records: the install's state folder. It is also the fallback
// for a user without a home folder.
func LegacyServerDir(prefixDir string) string { return Dir(prefixDir) }

// LegacyServerRuntime is the runtime folder that goes with LegacyServerDir.
func LegacyServerRuntime(prefixDir string) string { return Path(prefixDir, "jupyter-runtime") }

// ErrDamagedServer is wrapped by the error of a server record that is not
// one: invalid JSON, or no pid or port. Such a record names no server to
// reuse or stop, and may be removed.
var ErrDamagedServer = errors.New("not a record of a running server")

// ReadServer reads a server record. A missing record is an error that
// wraps fs.ErrNotExist, a damaged one an error that wraps
// ErrDamagedServer; both name the file.
func ReadServer(path string) (*Server, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read the Jupyter record: %w", err)
	}
	var s Server
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("the Jupyter record %s is damaged (invalid JSON: %v): %w", path, err, ErrDamagedServer)
	}
	if s.PID <= 0 || s.Port <= 0 {
		return nil, fmt.Errorf("the Jupyter record %s names no process and port: %w", path, ErrDamagedServer)
	}
	return &s, nil
}

// WriteServer records s at path, atomically and readable by this user
// alone. The folder must exist, private (platform.EnsurePrivateDir).
func WriteServer(path string, s *Server) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("failed to encode the Jupyter record: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("failed to record the Jupyter server: %w", err)
	}
	return nil
}

// ServerRecords lists the server records in each of dirs (a folder that
// is missing has none), sorted within each folder.
func ServerRecords(dirs ...string) []string {
	var out []string
	for _, dir := range dirs {
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if e.Type().IsRegular() && strings.HasPrefix(n, serverPrefix) && strings.HasSuffix(n, serverExt) {
				out = append(out, filepath.Join(dir, n))
			}
		}
	}
	return out
}

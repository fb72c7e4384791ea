package wizard

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"onboard/platform"
)

// Log is a session log: every line goes to a file that survives a failed
// install (so error messages can point at it) and to an optional Tee, the
// GUI's Details pane or the console. It is safe for concurrent use.
type Log struct {
	Path string
	Tee  func(line string) // must not block

	mu sync.Mutex
	f  *os.File
}

// OpenLog creates a log file named onboard-<time>.log in dir ("" = the
// user's cache folder's onboard/logs, else the temporary folder). The log is the user's
// alone (0600 in a 0700 folder): a session may log Jupyter's address.
func OpenLog(dir string) (*Log, error) {
	if dir == "" {
		dir = defaultLogDir()
	}
	if err := platform.EnsurePrivateDir(dir); err != nil {
		return nil, fmt.Errorf("failed to create the log folder: %w", err)
	}
	// a file of its own: two windows opened in the same second wrote one
	stamp := "onboard-" + time.Now().Format("20060102-150405")
	for n := 1; ; n++ {
		name := stamp + ".log"
		if n > 1 {
			name = fmt.Sprintf("%s-%d.log", stamp, n)
		}
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
		switch {
		case err == nil:
			return &Log{Path: f.Name(), f: f}, nil
		case !errors.Is(err, fs.ErrExist) || n == 100:
			return nil, fmt.Errorf("failed to create the log: %w", err)
		}
	}
}

// defaultLogDir is <the user's cache folder>/onboard/logs: a folder of
// the logs alone. On Windows the cache folder is %LOCALAPPDATA%, where
// onboard/<key> holds each install's state for the user
// (platform.UserStateDirs), and the logs lay among those folders (audit K).
func defaultLogDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "onboard", "logs")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("onboard-%d", os.Getuid()))
}

// Logf writes one line; it has the signature of installer.Logf.
func (l *Log) Logf(format string, args ...any) {
	line := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	l.mu.Lock()
	if l.f != nil {
		fmt.Fprintf(l.f, "%s %s\n", time.Now().Format("15:04:05"), line)
	}
	tee := l.Tee
	l.mu.Unlock()
	if tee != nil {
		tee(line)
	}
}

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

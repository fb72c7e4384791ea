package installer

import (
	"fmt"
	"os"
	"sync"
	"time"

	"onboard/internal/humanize"
)

// installLog writes PREFIX/.onboard/install.log. Lines logged before the
// prefix exists are kept and written when Open is called; every line also
// goes to the caller's Logf.
type installLog struct {
	mu      sync.Mutex
	f       *os.File
	pending []string
	logf    Logf
	// kept are the last maxKept lines, for the log of the install a
	// failed upgrade puts back (installRun.logFailure).
	kept []string
}

const maxKept = 500

// Kept returns the last lines logged (at most maxKept).
func (l *installLog) Kept() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.kept...)
}

func newInstallLog(logf Logf) *installLog { return &installLog{logf: LogfOrNop(logf)} }

// Printf logs one line.
func (l *installLog) Printf(format string, args ...any) {
	msg := humanize.PlainQuotes(fmt.Sprintf(format, args...)) // Windows paths as Windows writes them
	l.logf("%s", msg)
	line := time.Now().UTC().Format(time.RFC3339) + " " + msg + "\n"
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.kept = append(l.kept, msg); len(l.kept) > maxKept {
		l.kept = l.kept[len(l.kept)-maxKept:]
	}
	if l.f == nil {
		l.pending = append(l.pending, line)
		return
	}
	l.f.WriteString(line)
}

// Open starts writing to path (appending), first the pending lines.
func (l *installLog) Open(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.pending {
		f.WriteString(line)
	}
	l.pending, l.f = nil, f
	return nil
}

// Close stops writing to the file; later lines are kept pending.
func (l *installLog) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

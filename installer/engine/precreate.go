package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"onboard/installer/internal/child"
	"onboard/installer/pkg"
	"onboard/platform"
)

// runPrecreates runs, in order, the precreate code of a menu file's items
// (platform.Plan.Precreate) as menuinst does before it makes their
// shortcuts: the code is written to a temporary file, which runs as a
// program when it starts with "#!" and through bash otherwise, with
// onboard's environment, here in the env's folder dir. The first that
// fails is the error, with the end of what it printed; its output is
// logged either way.
func runPrecreates(ctx context.Context, pcs []platform.Precreate, dir string, logf Logf) error {
	for _, pc := range pcs {
		out, err := runPrecreate(ctx, pc.Code, dir)
		out = pkg.DisplayText([]byte(out)) // no escape sequences to the terminal (audit BK 3)
		if s := strings.TrimSpace(out); s != "" {
			logf("menu item %q: precreate printed: %s", pc.Item, s)
		}
		if err != nil {
			if tail := lastLines(out, 5); tail != "" {
				err = fmt.Errorf("%w; it printed: %s", err, tail)
			}
			return fmt.Errorf("the precreate code of the item %q failed: %w", pc.Item, err)
		}
		logf("menu item %q: ran its precreate code", pc.Item)
	}
	return nil
}

// maxPrecreateOutput caps what is kept of a precreate's output.
const maxPrecreateOutput = 64 << 10

// precreateLimit is how long a precreate may run. menuinst sets none; but
// code that never ends held the install (and repair) for good, past
// Ctrl-C (audit BK 2). It makes a shortcut's files: seconds, not minutes.
var precreateLimit = 2 * time.Minute

// runPrecreate runs one item's code. A cancel, or the time limit, stops it
// and what it started (installer/internal/child).
func runPrecreate(ctx context.Context, code, dir string) (string, error) {
	f, err := os.CreateTemp("", "onboard-precreate-*")
	if err != nil {
		return "", fmt.Errorf("failed to write it to a temporary file: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(code)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("failed to write it to a temporary file: %w", err)
	}
	argv := []string{"bash", f.Name()}
	if strings.HasPrefix(code, "#!") {
		if err := os.Chmod(f.Name(), 0o755); err != nil {
			return "", err
		}
		argv = []string{f.Name()}
	} else if _, err := exec.LookPath("bash"); err != nil {
		return "", errors.New("bash, which runs it, is not on PATH")
	}
	out := &cappedBuffer{max: maxPrecreateOutput}
	for try := 0; ; try++ {
		tctx, cancel := context.WithTimeout(ctx, precreateLimit)
		cmd := exec.CommandContext(tctx, argv[0], argv[1:]...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
		child.Prepare(cmd)
		err = child.Result(cmd.Run())
		switch {
		case ctx.Err() != nil:
			err = ctx.Err()
		case tctx.Err() != nil:
			err = fmt.Errorf("it did not end within %v, and was stopped", precreateLimit)
		}
		cancel()
		// A file just written may be "busy" for a moment while another
		// goroutine's fork still holds it open.
		if !errors.Is(err, syscall.ETXTBSY) || try == 4 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return out.String(), err
}

// cappedBuffer keeps the first max bytes written to it.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// lastLines is the last n lines of s, trimmed, on one line.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

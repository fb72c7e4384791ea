package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/installer"
)

// The uninstall question ends when Ctrl-C or SIGTERM ends the context,
// with exit 130 and nothing removed, rather than waiting for an Enter.
// Before, it kept reading: the signal did nothing, and the end of the
// input then said "Nothing removed." with exit 0.
func TestUninstallQuestionEndsWithTheSignal(t *testing.T) {
	in, w := io.Pipe() // a terminal nobody answers
	defer w.Close()
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := confirm(ctx, Env{Stdin: in, Stdout: &out}, "Remove it? [y/N] ")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || installer.ExitCode(err) != installer.ExitCancelled {
			t.Fatalf("confirm = %v (exit %d); want context.Canceled, exit %d", err, installer.ExitCode(err), installer.ExitCancelled)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the question still waits after the signal")
	}
	// an answer still answers
	ok, err := confirm(context.Background(), Env{Stdin: bytes.NewBufferString("y\n"), Stdout: &out}, "Remove it? [y/N] ")
	if !ok || err != nil {
		t.Fatalf("confirm with y = %v, %v", ok, err)
	}
}

// A silent uninstall (IT's) prints nothing, but --log keeps what it did,
// and what is left to do by hand, in a file that outlives the install.
func TestSilentUninstallLogsToAFile(t *testing.T) {
	p := tinyPrefix(t)
	log := filepath.Join(t.TempDir(), "uninstall.log")
	out, errOut, err := runCLI(t, "", "uninstall", "--prefix", p, "--silent", "--log", log)
	if err != nil || errOut != "" {
		t.Fatalf("got %v, stderr %q", err, errOut)
	}
	b, _ := os.ReadFile(log)
	if !strings.Contains(string(b), "uninstall: removed \""+p+"\"") || !strings.Contains(string(b), "uninstalling the install in \""+p+"\"") || out != "" {
		t.Errorf("the log holds:\n%s\nwant what is uninstalled and its removal of %s; stdout %q, want nothing", b, p, out)
	}
}

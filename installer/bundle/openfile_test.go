//go:build linux || darwin || freebsd

package bundle

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A pipe given as a bundle or installer is refused at once: inspect,
// attach and discovery used to block in open(2) for good, where neither
// Ctrl-C nor SIGTERM ended them.
func TestAPipeIsRefusedAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "bundle.zip")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan string, 4)
	go func() {
		_, err := Open(fifo)
		done <- "Open: " + errString(err)
		done <- "IsSplitInstaller: " + map[bool]string{true: "true", false: "false"}[IsSplitInstaller(fifo)]
		_, _, err = BinaryTarget(fifo)
		done <- "BinaryTarget: " + errString(err)
		_, err = PlainSize(fifo)
		done <- "PlainSize: " + errString(err)
	}()
	for i := 0; i < 4; i++ {
		select {
		case got := <-done:
			t.Log(got)
		case <-time.After(10 * time.Second):
			t.Fatal("a pipe given as a bundle or installer blocked")
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

//go:build linux || darwin || freebsd

package bundle

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A pipe as the bundle (--bundle, or bundle.zip beside the installer) is
// refused at once: opening it would block until something writes to it,
// and no Ctrl-C ends that.
func TestOpenRefusesAPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bundle.zip")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Open(p); done <- err }()
	select {
	case err := <-done:
		var be *Error
		if !errors.As(err, &be) || !strings.Contains(err.Error(), "is not a file") {
			t.Fatalf("Open(pipe) = %v; want a *bundle.Error saying it is not a file", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open of a pipe still waits")
	}
	// and so is every other open of a bundle or installer file (inspect,
	// attach --installer): those used to block in open(2) for good
	others := make(chan string, 3)
	go func() {
		others <- map[bool]string{true: "IsSplitInstaller: true"}[IsSplitInstaller(p)]
		if _, _, err := BinaryTarget(p); err == nil {
			others <- "BinaryTarget: no error"
		} else {
			others <- ""
		}
		if _, err := PlainSize(p); err == nil {
			others <- "PlainSize: no error"
		} else {
			others <- ""
		}
	}()
	for range 3 {
		select {
		case got := <-others:
			if got != "" {
				t.Errorf("a pipe: %s", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a pipe given as an installer still blocks")
		}
	}
}

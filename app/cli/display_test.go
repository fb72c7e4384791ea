//go:build linux || darwin || freebsd

package cli

import (
	"net"
	"path/filepath"
	"testing"
)

// A DISPLAY that no X server answers (a stale ssh -X forwarding, sudo
// keeping DISPLAY) is no display: the wizard falls back to the console.
// Fyne's window library ended such a run in a panic, exit 2.
func TestX11Answers(t *testing.T) {
	dir := t.TempDir()
	old := x11SocketDir
	x11SocketDir = dir
	t.Cleanup(func() { x11SocketDir = old })
	l, err := net.Listen("unix", filepath.Join(dir, "X7"))
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	for display, want := range map[string]bool{":7": true, ":7.0": true, "unix:7": true, ":8": false, "": false, "nonsense": false, ":x": false} {
		if got := x11Answers(display); got != want {
			t.Errorf("x11Answers(%q) = %v; want %v", display, got, want)
		}
	}
}

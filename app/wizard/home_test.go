package wizard

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestExpandHome(t *testing.T) {
	home := func() (string, error) { return "/home/ann", nil }
	for in, want := range map[string]string{
		"~": "/home/ann", "~/acme": filepath.Join("/home/ann", "acme"), "/opt/acme": "/opt/acme",
		"~bob/acme": "~bob/acme", "acme~": "acme~", "": "",
	} {
		if got := ExpandHomeWith(in, home); got != want {
			t.Errorf("ExpandHomeWith(%q) = %q; want %q", in, got, want)
		}
	}
	if got := ExpandHomeWith("~/x", func() (string, error) { return "", errors.New("no home") }); got != "~/x" {
		t.Errorf("without a home: %q", got)
	}
}

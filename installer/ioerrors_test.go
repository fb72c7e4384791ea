//go:build unix

package installer

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

func TestAsTargetError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		exit   int
		reason string
	}{
		{"disk full", &fs.PathError{Op: "write", Path: "/p/lib/x", Err: syscall.ENOSPC}, ExitTarget, "disk became full"},
		{"quota", fmt.Errorf("failed to link: %w", &fs.PathError{Op: "link", Path: "/p/x", Err: syscall.EDQUOT}), ExitTarget, "disk became full"},
		{"read-only", &fs.PathError{Op: "mkdir", Path: "/p", Err: syscall.EROFS}, ExitTarget, "read-only"},
		{"permission", &fs.PathError{Op: "open", Path: "/p/x", Err: syscall.EACCES}, ExitTarget, "permission was denied"},
		// a package's path longer than bundle.json said: exit 4 with the
		// path shortened (it was exit 1 and an 8 KB message)
		{"name too long", fmt.Errorf("failed to create folder: %w", &fs.PathError{Op: "mkdir", Path: "/p/share/" + strings.Repeat("a/", 2000), Err: syscall.ENAMETOOLONG}),
			ExitTarget, "longer than this system allows"},
		{"other", errors.New("post-link script failed"), ExitFailed, ""},
		{"already typed", &BundleError{Reason: "bad", Err: syscall.ENOSPC}, ExitBundle, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := asTargetError("/p", tt.err, "the folder is as it was before")
			if ExitCode(got) != tt.exit {
				t.Fatalf("exit %d for %v; want %d", ExitCode(got), got, tt.exit)
			}
			if tt.reason != "" && (!strings.Contains(got.Error(), tt.reason) || HintFor(got) == "") {
				t.Fatalf("got %q (hint %q); want the reason %q and a hint", got, HintFor(got), tt.reason)
			}
			if !errors.Is(got, tt.err) && tt.reason != "" {
				t.Fatalf("the cause is lost: %v", got)
			}
			if len(got.Error()) > 600 {
				t.Fatalf("a message of %d bytes: %.200s…", len(got.Error()), got)
			}
		})
	}
}

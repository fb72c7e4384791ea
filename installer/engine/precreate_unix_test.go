//go:build unix

package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// A menu item's precreate code that does not end is stopped at its time
// limit, and at once by a cancel: it held the install, past Ctrl-C, for
// as long as it ran, and for good when it never ended (audit BK 2).
func TestPrecreateStopsAtItsLimitAndOnCancel(t *testing.T) {
	old := precreateLimit
	precreateLimit = 300 * time.Millisecond
	defer func() { precreateLimit = old }()
	dir := t.TempDir()
	_, err := runPrecreate(context.Background(), "echo begun; sleep 300", dir)
	if err == nil || !strings.Contains(err.Error(), "did not end within 300ms") {
		t.Fatalf("precreate past its limit: %v", err)
	}
	precreateLimit = time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := runPrecreate(ctx, "sleep 300", dir); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled precreate: %v; want the context's error", err)
	}
	if d := time.Since(start); d > 100*time.Second {
		t.Fatalf("the cancel took %v", d)
	}
	if out, err := runPrecreate(context.Background(), "echo fine", dir); err != nil || strings.TrimSpace(out) != "fine" {
		t.Fatalf("ordinary precreate: %q, %v", out, err)
	}
}

//go:build linux

package pkg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// HashFile reads only a regular file, and stops when its context is done
// (audit V 4: bundle build hashed a package path that was a fifo, blocked
// in its open for ever, or a symlink to /dev/zero, 774 s of a core, deaf to
// Ctrl-C and SIGTERM).
func TestHashFileReadsOnlyAFileAndStops(t *testing.T) {
	dir := t.TempDir()
	done := make(chan error, 1)
	{
		fifo := filepath.Join(dir, "x.conda")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		go func() { _, _, _, err := HashFile(context.Background(), fifo); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("a fifo: %v; want 'not a regular file'", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("HashFile of a fifo blocks")
		}
		zero := filepath.Join(dir, "zero.conda")
		os.Symlink("/dev/zero", zero)
		if _, _, _, err := HashFile(context.Background(), zero); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("a link to /dev/zero: %v; want 'not a regular file'", err)
		}
	}
	big := filepath.Join(dir, "big.conda")
	if err := os.WriteFile(big, make([]byte, 4<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := HashFile(ctx, big); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled hash: %v; want context.Canceled", err)
	}
	if sum, _, n, err := HashFile(context.Background(), big); err != nil || n != 4<<20 || len(sum) != 64 {
		t.Errorf("a file: %s, %d, %v", sum, n, err)
	}
}

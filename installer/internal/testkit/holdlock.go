package testkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"onboard/installer/state"
)

// HoldLock makes another process hold the lock file at path (flock(1)),
// as a running onboard does, until the test ends. It skips the test where
// flock(1) is missing.
func HoldLock(t *testing.T, path string) { t.Helper(); HoldLockUntil(t, path) }

// HoldLockUntil is HoldLock, and returns what releases the lock earlier.
func HoldLockUntil(t *testing.T, path string) (release func()) {
	t.Helper()
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock(1) here")
	}
	os.MkdirAll(filepath.Dir(path), 0o755)
	cmd := exec.Command("flock", "-x", "-o", path, "sleep", "60") // -o: the lock dies with flock, not with its sleep
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			cmd.Process.Kill()
			cmd.Wait()
			// flock -o's child closes its copy of the lock's descriptor
			// only as it starts sleep: the lock is free once that is done
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if l, err := state.LockFile(path); err == nil {
					l.Unlock()
					return
				}
			}
		})
	}
	t.Cleanup(release)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		l, err := state.LockFile(path)
		if err != nil {
			return release
		}
		l.Unlock()
	}
	t.Fatal("flock(1) did not take the lock")
	return release
}

package filelock

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// tempDir is a test folder; under Wine (ONBOARD_WINE) t.TempDir's
// clean-up fails, so it is left for the Wine prefix's removal.
func tempDir(t *testing.T) string {
	if os.Getenv("ONBOARD_WINE") == "" {
		return t.TempDir()
	}
	d, err := os.MkdirTemp("", "filelock-test")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Writers that each read the file, add a line and replace it (a temp
// file renamed over it) while holding the lock lose none of each other's
// lines, whether the file exists at the start or not (the lock is then
// the folder's). Without the lock, the pause between the read and the
// replace makes them drop each other's lines.
func TestReplacedKeepsEveryWritersChange(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" && runtime.GOOS != "windows" {
		t.Skip("no lock on " + runtime.GOOS)
	}
	for _, exists := range []bool{true, false} {
		dir := tempDir(t)
		path := filepath.Join(dir, "environments.txt")
		if exists {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		const writers, each = 4, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if err := addLine(path, fmt.Sprintf("w%d-%d", w, i)); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		if n := strings.Count(string(data), "\n"); n != writers*each {
			t.Errorf("file existing at the start %v: %d lines of %d kept", exists, n, writers*each)
		}
	}
}

func addLine(path, line string) error {
	defer Replaced(path)()
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	time.Sleep(2 * time.Millisecond) // a slow editor: another would read the same old text
	tmp := fmt.Sprintf("%s.tmp-%s", path, line)
	if err := os.WriteFile(tmp, append(old, line+"\n"...), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

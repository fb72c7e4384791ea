//go:build windows

package filelock

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

// Every spelling of one file takes one mutex: upper case, \\?\, a folder's
// 8.3 short name (where the volume makes them), and the file before and
// after it exists; another file takes another (audit Z: 8.3 and UNC
// spellings got different mutexes).
func TestOneMutexForEverySpelling(t *testing.T) {
	long := filepath.Join(tempDir(t), "a folder with a long name")
	if err := os.Mkdir(long, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(long, "environments.txt")
	before := mutexName(file)
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	want := mutexName(file)
	if before != want {
		t.Errorf("the file has one mutex before it exists and another after: %s, %s", before, want)
	}
	// and the file's own name with the dots and spaces Windows drops, or
	// by its 8.3 name (audit AQ 7)
	spellings := []string{strings.ToUpper(file), `\\?\` + file, filepath.Join(long, ".", "environments.txt"), file + ".", file + " ."}
	if short := shortPath(long); short != "" && !strings.EqualFold(short, long) {
		spellings = append(spellings, filepath.Join(short, "environments.txt"))
	} else {
		t.Logf("no 8.3 name for %s here", long)
	}
	if short := shortPath(file); short != "" && !strings.EqualFold(filepath.Base(short), "environments.txt") {
		spellings = append(spellings, filepath.Join(long, filepath.Base(short)))
	} else {
		t.Logf("no 8.3 name for %s here", file)
	}
	for _, s := range spellings {
		if got := mutexName(s); got != want {
			t.Errorf("%s: mutex %s; want that of %s, %s", s, got, file, want)
		}
	}
	if mutexName(filepath.Join(long, "other.txt")) == want {
		t.Error("another file of the folder takes the same mutex")
	}
}

func shortPath(p string) string {
	in, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return ""
	}
	buf := make([]uint16, windows.MAX_PATH)
	n, err := windows.GetShortPathName(in, &buf[0], uint32(len(buf)))
	if err != nil || n == 0 || int(n) >= len(buf) {
		return ""
	}
	return windows.UTF16ToString(buf[:n])
}

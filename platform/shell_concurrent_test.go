package platform

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// Onboards adding and removing their shell blocks in one start-up file at
// once lose none of each other's (audit T 1: each read the file, changed
// it and replaced it, and a block added or removed by one was undone by
// the other's replace: two installs left one block, two uninstalls one
// block of an install that was gone). Each edit holds the file's lock.
func TestShellBlocksOfRunsAtOnceAreAllKept(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" {
		t.Skip("no lock of shell files on " + runtime.GOOS)
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, ".bashrc")
	mustWrite(t, rc, "export MINE=1\n")
	const n = 12
	prefix := func(i int) string { return filepath.Join(dir, fmt.Sprintf("p%02d", i)) }
	recs := make([]Record, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := SetupShell([]string{rc}, prefix(i), filepath.Join(prefix(i), "condabin"))
			if err != nil {
				t.Error(err)
			}
			recs[i] = rec
		}()
	}
	wg.Wait()
	data, _ := os.ReadFile(rc)
	for i := range n {
		if !HasShellBlock(data, prefix(i)) {
			t.Fatalf("the block of %s was lost by runs at once:\n%s", prefix(i), data)
		}
	}
	// half of them removed at once, while the others are added again
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				if err := Remove(Record{Schema: 1, Prefix: prefix(i), Shell: recs[i].Shell}, nil); err != nil {
					t.Error(err)
				}
			} else if _, err := SetupShell([]string{rc}, prefix(i), filepath.Join(prefix(i), "condabin")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	data, _ = os.ReadFile(rc)
	for i := range n {
		if has := HasShellBlock(data, prefix(i)); has != (i%2 == 1) {
			t.Errorf("the block of %s is there: %v, want %v", prefix(i), has, i%2 == 1)
		}
	}
	if string(data[:len("export MINE=1\n")]) != "export MINE=1\n" {
		t.Errorf("the person's line is gone:\n%s", data)
	}
}

// The same when the start-up file does not exist yet: each run made it
// without the others' blocks, and the last rename won (the lock was taken
// only of a file that exists). Its folder is locked while it is missing.
func TestShellBlocksOfRunsMakingTheFileAtOnceAreAllKept(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" {
		t.Skip("no lock of shell files on " + runtime.GOOS)
	}
	for round := range 5 {
		dir := t.TempDir()
		rc := filepath.Join(dir, ".zshrc")
		const n = 8
		prefix := func(i int) string { return filepath.Join(dir, fmt.Sprintf("p%02d", i)) }
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := SetupShell([]string{rc}, prefix(i), filepath.Join(prefix(i), "condabin")); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		data, _ := os.ReadFile(rc)
		for i := range n {
			if !HasShellBlock(data, prefix(i)) {
				t.Fatalf("round %d: the block of %s was lost by runs that made the file at once:\n%s", round, prefix(i), data)
			}
		}
	}
}

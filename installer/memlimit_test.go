package installer

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

// The soft heap limit follows what the link stage holds: one window (or
// one big package) of plans, and a few bytes a path of the whole env. An
// env grown eightfold in packages of ordinary size keeps the floor (its
// plans are no longer all held at once); one package of 200,000 files
// raises it, within the 200 MB peak that issue #12 allows; a huge env
// raises it too, so the collector never runs without pause; and an env
// install inside a whole install keeps the outer, higher limit.
func TestSoftMemoryLimitFollowsTheFiles(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	for _, files := range []int{40_000, 320_000} {
		if got := memoryLimitFor(files, 3_000); got != memoryLimit {
			t.Fatalf("%d files in packages of at most 3,000: limit %d MiB, want the floor %d MiB", files, got>>20, memoryLimit>>20)
		}
	}
	onePkg := memoryLimitFor(200_000, 200_000)
	if onePkg <= memoryLimit || onePkg > 200<<20 {
		t.Fatalf("one package of 200,000 files: limit %d MiB; want above the floor and at most 200 MiB", onePkg>>20)
	}
	big := memoryLimitFor(3_000_000, 3_000)
	if big <= memoryLimit {
		t.Fatalf("3,000,000 files: limit %d MiB; want above the floor", big>>20)
	}
	prev := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(prev)
	outer := softMemoryLimit(3_000_000, 3_000)
	during := debug.SetMemoryLimit(-1)
	if during < big || during > big+heapInUse()+(16<<20) {
		t.Fatalf("limit during the install %d, want %d and the heap the program had", during, big)
	}
	inner := softMemoryLimit(0, 0) // InstallEnv inside Install
	if got := debug.SetMemoryLimit(-1); got != during {
		t.Fatalf("the env install changed the limit to %d from %d", got, during)
	}
	inner()
	outer()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("limit after the install %d, want none", got)
	}
}

// The program's own heap before the install (a window's) counts on top of
// the install's limit: under a fixed floor the collector would run without
// pause in a GUI whose heap took the install's room (review BP).
func TestSoftMemoryLimitCountsTheProgramsHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	prev := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(prev)
	window := make([]byte, 64<<20) // a GUI's images and widgets
	for i := range window {
		window[i] = byte(i)
	}
	done := softMemoryLimit(40_000, 3_000)
	got := debug.SetMemoryLimit(-1)
	done()
	runtime.KeepAlive(window)
	if want := memoryLimitFor(40_000, 3_000) + 64<<20; got < want {
		t.Fatalf("limit %d MiB with 64 MiB of the program's heap; want at least %d MiB", got>>20, want>>20)
	}
}

package installer

import (
	"math"
	"runtime/debug"
	"testing"
)

// The soft heap limit follows the largest env's path count, so that a big
// env's live heap (its paths and link plan) stays under it and the
// collector does not run without pause; a small install keeps the floor,
// and an env install inside a whole install keeps the outer, higher limit.
func TestSoftMemoryLimitFollowsTheFiles(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	if got := memoryLimitFor(40_000); got != memoryLimit {
		t.Fatalf("40,000 files: limit %d, want the floor %d", got, memoryLimit)
	}
	big := memoryLimitFor(320_000)
	if live := int64(172 << 20); big < live*9/8 {
		t.Fatalf("320,000 files: limit %d MiB leaves no room above the 172 MiB live heap measured at 8x", big>>20)
	}
	if memoryLimitFor(200_000) > 200<<20 {
		t.Fatalf("200,000 files: limit %d MiB, above the 200 MB peak that issue #12 allows", memoryLimitFor(200_000)>>20)
	}
	prev := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(prev)
	outer := softMemoryLimit(320_000)
	if got := debug.SetMemoryLimit(-1); got != big {
		t.Fatalf("limit during the install %d, want %d", got, big)
	}
	inner := softMemoryLimit(0) // InstallEnv inside Install
	if got := debug.SetMemoryLimit(-1); got != big {
		t.Fatalf("the env install lowered the limit to %d", got)
	}
	inner()
	outer()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("limit after the install %d, want none", got)
	}
}

package selfexe

import (
	"syscall"
	"testing"
)

// shortName returns p's 8.3 short name; the test is skipped on a volume
// that makes none.
func shortName(t *testing.T, p string) string {
	t.Helper()
	in, err := syscall.UTF16PtrFromString(p)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]uint16, 1024)
	n, err := syscall.GetShortPathName(in, &buf[0], uint32(len(buf)))
	if err != nil || n == 0 || int(n) >= len(buf) {
		t.Skipf("no short name for %s: %v", p, err)
	}
	s := syscall.UTF16ToString(buf[:n])
	if s == p {
		t.Skipf("the volume of %s makes no short names", p)
	}
	return s
}

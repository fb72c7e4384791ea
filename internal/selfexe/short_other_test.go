//go:build !windows

package selfexe

import "testing"

// shortName: only Windows has short names.
func shortName(t *testing.T, p string) string {
	t.Helper()
	t.Skip("no short names here")
	return p
}

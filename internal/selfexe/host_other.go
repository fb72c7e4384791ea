//go:build !windows

package selfexe

import (
	"errors"

	"onboard/internal/rmtree"
)

// MustLeave is false where a running program's file can be unlinked, and a
// folder holding one deleted or renamed: every system but Windows.
const MustLeave = false

const caseInsensitive = false

// longName is p: only Windows has short names.
func longName(p string) string { return p }

// startRemover deletes paths at once: nothing here keeps them.
func startRemover(paths []string) error {
	var errs []error
	for _, p := range paths {
		errs = append(errs, rmtree.RemoveAll(p))
	}
	return errors.Join(errs...)
}

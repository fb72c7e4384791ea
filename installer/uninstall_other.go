//go:build !windows

package installer

import (
	"fmt"

	"onboard/internal/rmtree"
)

// canRemoveRunningExe is true where a running program's file can be
// unlinked (every system but Windows).
const canRemoveRunningExe = true

// removeSelfLater is only needed on Windows.
func removeSelfLater(abs, exe string, logf Logf) error {
	if err := rmtree.RemoveAll(abs); err != nil {
		return fmt.Errorf("failed to remove %q: %w", abs, err)
	}
	return nil
}

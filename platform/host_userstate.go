package platform

import (
	"fmt"
	"os"
)

// EnsurePrivateDir creates dir (and its parents) for this user alone: the
// folder is 0700 whatever the umask, and on Unix it must belong to this
// user (unless this is root), so a state folder of another account (a
// leaked XDG_RUNTIME_DIR) is refused instead of used.
func EnsurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("failed to create the private folder %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("failed to make %s private: %w", dir, err)
	}
	return checkOwnDir(dir)
}

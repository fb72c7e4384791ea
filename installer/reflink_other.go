//go:build !linux && !darwin

package installer

// reflink is not available here: carryFile copies.
func reflink(src, dst string) error { return errNoReflink }

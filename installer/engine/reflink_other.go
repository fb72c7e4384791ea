//go:build !linux && !darwin

package engine

// reflink is not available here: CarryFile copies.
func reflink(src, dst string) error { return errNoReflink }

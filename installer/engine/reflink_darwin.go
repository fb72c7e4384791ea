package engine

import "golang.org/x/sys/unix"

// reflink clones src into the new file dst (APFS clonefile).
func reflink(src, dst string) error { return unix.Clonefile(src, dst, unix.CLONE_NOFOLLOW) }

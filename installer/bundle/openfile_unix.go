//go:build unix

package bundle

import (
	"os"
	"syscall"
)

// openFlags opens without waiting: opening a pipe for reading would block
// until a writer comes, where no signal ends it (openRegular then refuses
// it). A regular file reads as ever.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

//go:build !unix

package bundle

import "os"

const openFlags = os.O_RDONLY

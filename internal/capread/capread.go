// Package capread reads whole files up to a cap: a file that comes from
// outside (a lock, a package's metadata, a record or settings file that
// something else may have written) must not make onboard read
// gigabytes into memory.
package capread

import (
	"fmt"
	"io"
	"os"
)

// TooLargeError is a file over the cap. Size is what was read of it: at
// most Max+1 bytes.
type TooLargeError struct {
	Path string
	Max  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%q is larger than %d bytes", e.Path, e.Max)
}

// ReadFile reads path whole when it holds at most max bytes. A larger
// file is a *TooLargeError, and no more than max+1 bytes of it are read.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &TooLargeError{Path: path, Max: max}
	}
	return b, nil
}

package bundle

import (
	"errors"
	"fmt"
)

// ErrNoBundle is returned by Discover when no bundle is found anywhere.
// errors.Is(err, ErrNoBundle) holds for the *Error it returns.
var ErrNoBundle = errors.New("no bundle found")

// Error reports a bundle that is missing, corrupt or badly signed. The
// installer package turns it into *installer.BundleError (exit code 3).
type Error struct {
	Path   string // the bundle file, or where it was found; "" when built from bytes
	Reason string // what is wrong, e.g. "sha256 mismatch for pkgs/linux-64/zlib-1.2.11-h7b6447c_3.conda"
	Err    error
	// Advice is what to do when it is not "get the installer again".
	Advice string

	notFound bool
}

func (e *Error) Error() string {
	s := "bundle"
	if e.Path != "" {
		s += fmt.Sprintf(" %q", e.Path)
	}
	s += " is not usable: " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNoBundle) true when no bundle was found.
func (e *Error) Is(target error) bool { return target == ErrNoBundle && e.notFound }

func bundleErr(path, reason string, err error) *Error {
	return &Error{Path: path, Reason: reason, Err: err}
}

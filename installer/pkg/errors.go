package pkg

import (
	"fmt"

	"onboard/internal/humanize"
)

// HashMismatchError reports an archive whose sha256, md5 or size is not the
// expected one. Nothing of such an archive is used.
type HashMismatchError struct {
	Archive string
	What    string // "sha256", "md5" or "size"
	Want    string
	Got     string
}

// Error says which check failed and what to do.
func (e *HashMismatchError) Error() string {
	if e.What == "reread" {
		return fmt.Sprintf("package %q changed while it was read: two reads of its %s differed; the file, or the disk or share it is on, does not keep it the same: copy the installer and its bundle to a local disk and run it again",
			e.Archive, e.Want)
	}
	return fmt.Sprintf("package %q failed its %s check: want %s, got %s; the file is damaged, or is not the one listed",
		e.Archive, e.What, e.Want, e.Got)
}

// UnsafeEntryError reports an archive member that would land outside the
// package's folder, or that is of a kind a package must not hold. The whole
// package is refused.
type UnsafeEntryError struct {
	Archive string
	Entry   string
	Reason  string // e.g. "absolute path", "symlink target escapes the package"
	// WithOthers: refused with the files other packages put under it (a
	// folder symlink, at the link step), not for itself: a conflict of the
	// bundle's packages, which no fresh copy of the installer mends.
	WithOthers bool
}

// Error names the package and the entry.
func (e *UnsafeEntryError) Error() string {
	return fmt.Sprintf("package %q has an unsafe entry %q (%s); refusing the package", e.Archive, humanize.Excerpt(e.Entry, 300), humanize.Excerpt(e.Reason, 600))
}

// FormatError reports an archive or info/ file that cannot be read: a
// truncated or corrupt stream, a missing component, a metadata version this
// code does not know.
type FormatError struct {
	Archive string
	Reason  string
	Err     error
	// NotHere: the package is whole, but this system cannot hold it (a
	// name Windows cannot give a file): the bundle's fault, which no
	// fresh copy of the installer mends.
	NotHere bool
}

// Error names the package and what is wrong with it.
func (e *FormatError) Error() string {
	s := fmt.Sprintf("package %q cannot be used: %s", e.Archive, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *FormatError) Unwrap() error { return e.Err }

package bundle

import (
	"errors"
	"os"
)

// openRegular opens the file at path for reading, only if it is a regular
// file (or a link to one): a pipe or a device is refused at once, never
// waited on.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: path, Err: errors.New("not a file (a folder, a pipe or a device)")}
	}
	return f, nil
}

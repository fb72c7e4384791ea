// Package rmtree deletes a folder tree, also where Windows refuses the
// delete that os.RemoveAll uses.
//
// Since Go 1.25, os.RemoveAll on Windows deletes each entry through its
// parent's handle with FILE_DISPOSITION_POSIX_SEMANTICS. Wine 8, FAT32
// drives and some SMB shares (where redirected home folders live) refuse
// that with an error Go does not fall back from ("unlinkat …: Invalid
// function."). RemoveAll here tries os.RemoveAll first and, when the tree is
// still there, deletes it the classic way: walk it, make each entry
// removable (clear the read-only attribute on Windows, add owner write on a
// folder elsewhere) and remove it with os.Remove (DeleteFile or
// RemoveDirectory on Windows, unlink or rmdir elsewhere). Links and
// junctions are removed, never followed.
package rmtree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Seams for the tests: the fast delete, and the one-entry delete of the
// classic walk.
var (
	fastRemoveAll = os.RemoveAll
	removeOne     = os.Remove
)

// RemoveAll removes path and everything under it. A missing path is not an
// error. When the fast delete fails, the classic walk removes what it can,
// keeps going past entries it cannot remove, and returns an error naming
// the first of them (callers add what to do).
func RemoveAll(path string) error {
	err := fastRemoveAll(path)
	if err == nil {
		return nil
	}
	if _, lerr := os.Lstat(path); errors.Is(lerr, fs.ErrNotExist) {
		return nil
	}
	if cerr := classic(path); cerr != nil {
		return fmt.Errorf("%w (the whole-tree delete had failed too: %v)", cerr, err)
	}
	return nil
}

// classic removes p and, when it is a real folder, everything in it first.
func classic(p string) error {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var first error
	if isRealDir(fi) {
		// A folder without owner write (or with the read-only attribute)
		// may refuse the removal of its entries, or its own.
		makeRemovable(p, fi)
		ents, err := os.ReadDir(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			first = err
		}
		for _, e := range ents {
			if err := classic(filepath.Join(p, e.Name())); err != nil && first == nil {
				first = err
			}
		}
		if first != nil {
			return first
		}
	}
	err = removeOne(p)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if makeRemovable(p, fi) {
		if err2 := removeOne(p); err2 == nil || errors.Is(err2, fs.ErrNotExist) {
			return nil
		}
	}
	return err
}

// isRealDir is true for a folder that is not a link, junction or other
// reparse point: only those are descended into.
func isRealDir(fi fs.FileInfo) bool {
	return fi.IsDir() && fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) == 0
}

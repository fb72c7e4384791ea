package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"onboard/internal/atomicfile"
)

// CarryFile puts a file that must stay with the install (the installer
// carrying its bundle, or the bundle file) at dst without copying it when
// the file system allows: a hard link, else a reflink (a copy-on-write
// clone: Linux FICLONE on btrfs/xfs, macOS clonefile), else a copy written
// atomically. It returns how ("hard link", "reflink" or "copy").
//
// A hard link shares the file with its other name, so it is made only
// where nobody but the installing user could change it there (MayShare):
// not for an install for all users, whose maintenance app would otherwise
// be a user's download that the user could rewrite and an administrator
// then run.
func CarryFile(src, dst string, allUsers bool) (string, error) {
	how, err := carryFile(src, dst, allUsers)
	if err == nil && allUsers && how != "hard link" {
		// every user of an install for all users reads it (a repair from
		// a download of mode 0600 kept it 0600, and other users' verify
		// called it changed: audit BP 6)
		if st, serr := os.Stat(dst); serr == nil {
			mode := st.Mode().Perm()&^0o022 | 0o444
			if mode&0o100 != 0 {
				mode |= 0o111
			}
			if mode != st.Mode().Perm() {
				if cerr := os.Chmod(dst, mode); cerr != nil {
					return "", fmt.Errorf("failed to let every user read %q: %w", dst, cerr)
				}
			}
		}
	}
	return how, err
}

func carryFile(src, dst string, allUsers bool) (string, error) {
	// a file given by a symlink is carried itself: a hard link of the
	// symlink was kept, dangling once it was relative (audit AH)
	if real, err := filepath.EvalSymlinks(src); err == nil {
		src = real
	}
	share := !allUsers && MayShare(src)
	if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
		// Nothing to replace: the link or clone is made at dst itself. (On
		// Windows a second name of a file another handle holds open, as the
		// installer holds its bundle, cannot be renamed: no rename here.)
		if share {
			if err := os.Link(src, dst); err == nil {
				return "hard link", nil
			}
		}
		if err := reflink(src, dst); err == nil {
			return "reflink", nil
		}
		os.Remove(dst) // a clone that failed half-way
	}
	_ = os.Remove(dst + ".carry")
	if share && os.Link(src, dst+".carry") == nil {
		if err := os.Rename(dst+".carry", dst); err != nil {
			os.Remove(dst + ".carry")
			return "", fmt.Errorf("failed to put %q in place: %w", dst, err)
		}
		return "hard link", nil
	}
	if err := reflink(src, dst+".carry"); err == nil {
		if err := os.Rename(dst+".carry", dst); err != nil {
			os.Remove(dst + ".carry")
			return "", fmt.Errorf("failed to put %q in place: %w", dst, err)
		}
		return "reflink", nil
	}
	os.Remove(dst + ".carry")
	in, err := os.Open(src)
	if err != nil {
		return "", fmt.Errorf("failed to read %q: %w", src, err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return "", fmt.Errorf("failed to read %q: %w", src, err)
	}
	if err := atomicfile.Write(dst, st.Mode().Perm()&^0o022|0o200, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	}); err != nil {
		return "", fmt.Errorf("failed to copy %q to %q: %w", src, dst, err)
	}
	return "copy", nil
}

// errNoReflink is reflink's answer where the system has none.
var errNoReflink = errors.New("no reflink on this system")

package platform

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// StuckError names the launcher files that Remove could not remove, nor
// edit (a shell start-up file, mimeapps.list, Windows Terminal's
// settings), found by CheckRemove before anything is changed.
type StuckError struct {
	Paths []string
	Err   error // why the first one is stuck
}

func (e *StuckError) Error() string {
	s := fmt.Sprintf("the launcher file %q cannot be removed", e.Paths[0])
	if len(e.Paths) > 1 {
		s = fmt.Sprintf("%d launcher files cannot be removed: %q", len(e.Paths), e.Paths[0])
		for _, p := range e.Paths[1:] {
			s += fmt.Sprintf(", %q", p)
		}
	}
	return s + " (" + errText(e.Err) + ")"
}

func (e *StuckError) Unwrap() error { return e.Err }

// Hint says what to do: an immutable file (EPERM, which root gets too)
// needs its flag taken off; a folder this user may not write needs that
// user, or an administrator.
func (e *StuckError) Hint() string {
	if errors.Is(e.Err, fs.ErrPermission) && strings.Contains(errText(e.Err), "not permitted") {
		return fmt.Sprintf("it is marked immutable or append-only (lsattr shows i or a): as root, run chattr -i -a %q, then uninstall again; nothing was changed", e.Paths[0])
	}
	return "uninstall as the user who installed, or as an administrator, then it can be removed; nothing was changed"
}

// errText is an error's text without the path a *PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// CheckRemove finds, before Remove changes anything, the files of rec that
// Remove would remove or edit but cannot: where the folder they are in may
// not be written, or the file is immutable. Without it an uninstall would
// stop half-way, with some launchers gone and the install still there.
func CheckRemove(rec Record) error {
	icons := themeIcons(rec)
	var stuck []string
	var first error
	check := func(p string) {
		if _, err := os.Lstat(p); err != nil {
			return // gone already, or unreadable: Remove says
		}
		if err := hostRemovable(p); err != nil {
			stuck = append(stuck, p)
			if first == nil {
				first = &fs.PathError{Op: "remove", Path: p, Err: err}
			}
		}
	}
	for _, b := range rec.Bundles {
		check(b)
	}
	for _, f := range rec.Files {
		if bundleOf(f.Path, rec.Bundles) == "" && notOnboardsFile(f, rec.Prefix, icons, rec.Dirs) == "" {
			check(f.Path)
		}
	}
	for _, s := range rec.Shell {
		p := resolveLink(s.Path)
		if old, err := os.ReadFile(p); err == nil {
			if _, found := RemoveShellBlock(old, rec.Prefix); found {
				check(p)
			}
		}
	}
	for _, m := range rec.MimeApps {
		check(m.Path)
	}
	for _, t := range rec.Terminal {
		check(t.Path)
	}
	if len(stuck) > 0 {
		return &StuckError{Paths: stuck, Err: first}
	}
	return nil
}

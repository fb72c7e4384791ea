//go:build windows

package rmtree

import (
	"io/fs"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// makeRemovable clears the read-only attribute of p (a file or a folder;
// on a link it applies to the link itself), which makes DeleteFile and
// RemoveDirectory refuse it. It reports whether it changed anything.
func makeRemovable(p string, _ fs.FileInfo) bool {
	if filepath.IsAbs(p) && len(p) >= 248 && !strings.HasPrefix(p, `\\`) {
		p = `\\?\` + p // past MAX_PATH: the long-path form
	}
	name, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return false
	}
	attrs, err := windows.GetFileAttributes(name)
	if err != nil || attrs&windows.FILE_ATTRIBUTE_READONLY == 0 {
		return false
	}
	return windows.SetFileAttributes(name, attrs&^windows.FILE_ATTRIBUTE_READONLY) == nil
}

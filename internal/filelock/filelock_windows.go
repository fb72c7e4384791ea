//go:build windows

package filelock

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/windows"
)

// Replaced takes, for the time of a read-modify-replace of the file at
// path, a named mutex of this session whose name is made from the path
// (its absolute form, in any case, as Windows names files). A lock on the
// file itself would need it held open, and a file open without
// FILE_SHARE_DELETE (as Go opens files) cannot be renamed over, which is
// the replace. The mutex comes back to Windows when its holder exits,
// crashed or not, and the next waiter gets it. A lock not had within a
// few seconds (an onboard hung holding it) is gone without, as on the
// other systems. unlock must be called on the goroutine that locked: a
// mutex belongs to a thread, and the goroutine stays on its thread until
// then.
func Replaced(path string) (unlock func()) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real // one file, one name: a linked list is locked as its target (audit Z)
	}
	sum := sha256.Sum256([]byte(strings.ToLower(filepath.Clean(abs))))
	name, err := windows.UTF16PtrFromString(`Local\onboard-filelock-` + hex.EncodeToString(sum[:16]))
	if err != nil {
		return func() {}
	}
	runtime.LockOSThread()
	h, err := windows.CreateMutex(nil, false, name)
	if err != nil && h == 0 {
		runtime.UnlockOSThread()
		return func() {}
	}
	ev, err := windows.WaitForSingleObject(h, 5000)
	if err != nil || ev != windows.WAIT_OBJECT_0 && ev != windows.WAIT_ABANDONED {
		windows.CloseHandle(h)
		runtime.UnlockOSThread()
		return func() {}
	}
	return func() {
		windows.ReleaseMutex(h)
		windows.CloseHandle(h)
		runtime.UnlockOSThread()
	}
}

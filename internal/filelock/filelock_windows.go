//go:build windows

package filelock

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
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
	name, err := windows.UTF16PtrFromString(mutexName(path))
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

// mutexName is the name of the mutex of the file at path: made from its
// canonical spelling, so that every spelling of one file takes one mutex.
func mutexName(path string) string {
	sum := sha256.Sum256([]byte(canonical(path)))
	return `Local\onboard-filelock-` + hex.EncodeToString(sum[:16])
}

// canonical spells path as Windows names the file, in lower case: for a
// linked file, its target's final path; else the final path of its
// nearest existing folder (GetFinalPathNameByHandle: long names for 8.3
// ones, links and junctions followed; a mapped drive or \\?\ as the path
// it stands for), then the rest of path, the file's own name as spelled
// (audit Z: 8.3 and UNC spellings got different mutexes).
func canonical(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	abs = filepath.Clean(abs)
	if fi, err := os.Lstat(abs); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if fp, ok := finalPath(abs); ok {
			return strings.ToLower(fp) // a linked file: its target's
		}
	}
	// the folder's final path, then the file's name: the file itself is
	// not opened, which made the lock holder's rename over it fail with
	// Access denied (under Wine) while another writer named its mutex
	rest := fileName(abs)
	for p := filepath.Dir(abs); ; {
		if fp, ok := finalPath(p); ok {
			return strings.ToLower(filepath.Join(fp, rest))
		}
		parent := filepath.Dir(p)
		if parent == p {
			return strings.ToLower(abs)
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// fileName is the name of the file at p as Windows keeps it: its long
// name where p spells it by its 8.3 one (GetLongPathName reads the
// folder; the file is not opened), and without the dots and spaces at its
// end that Windows drops when it opens a name (audit AQ 7: "x." and the
// short name took other mutexes than the file's).
func fileName(p string) string {
	name := filepath.Base(p)
	if trimmed := strings.TrimRight(name, ". "); trimmed != "" {
		name = trimmed
	}
	ptr, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return name
	}
	buf := make([]uint16, windows.MAX_PATH)
	for {
		n, err := windows.GetLongPathName(ptr, &buf[0], uint32(len(buf)))
		if err != nil || n == 0 {
			return name // not there yet: as spelled
		}
		if int(n) < len(buf) {
			// as it is kept: Windows may give back the dots and spaces
			// at the end as they were spelled (audit AT 6)
			if long := strings.TrimRight(filepath.Base(windows.UTF16ToString(buf[:n])), ". "); long != "" {
				return long
			}
			return name
		}
		buf = make([]uint16, n+1)
	}
}

// finalPath is p's final path, without the \\?\ that
// GetFinalPathNameByHandle puts before it; false when p does not exist.
func finalPath(p string) (string, bool) {
	ptr, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return "", false
	}
	// no access asked: its name is all that is read
	h, err := windows.CreateFile(ptr, 0, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return "", false
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_PATH)
	for {
		// flags 0: FILE_NAME_NORMALIZED, VOLUME_NAME_DOS
		n, err := windows.GetFinalPathNameByHandle(h, &buf[0], uint32(len(buf)), 0)
		if err != nil || n == 0 {
			return "", false
		}
		if int(n) < len(buf) {
			s := windows.UTF16ToString(buf[:n])
			if rest, ok := strings.CutPrefix(s, `\\?\UNC\`); ok {
				return `\\` + rest, true
			}
			return strings.TrimPrefix(s, `\\?\`), true
		}
		buf = make([]uint16, n+1)
	}
}

//go:build windows

package selfexe

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// MustLeave is true on Windows: a running program's file cannot be
// deleted, nor a folder that holds it deleted or renamed.
const MustLeave = true

const caseInsensitive = true

// longName is p with each 8.3 short name spelled in full
// (GetLongPathNameW: C:\PROGRA~1 is C:\Program Files), or p when that
// fails (a path that does not exist).
func longName(p string) string {
	in, err := syscall.UTF16PtrFromString(p)
	if err != nil {
		return p
	}
	buf := make([]uint16, 260)
	for {
		n, err := syscall.GetLongPathName(in, &buf[0], uint32(len(buf)))
		if err != nil || n == 0 {
			return p
		}
		if int(n) < len(buf) {
			return syscall.UTF16ToString(buf[:n])
		}
		buf = make([]uint16, n)
	}
}

// Process creation flags (winbase.h).
const (
	createNoWindow         = 0x08000000
	createNewProcessGroup  = 0x00000200
	createBreakawayFromJob = 0x01000000
)

// startRemover writes Script to the temp folder and starts it in a hidden
// cmd.exe whose working folder is the temp folder, with the paths in its
// environment. It asks to leave this program's job, so that a job that
// kills its processes when this one ends (some launchers and terminals use
// one) does not take the cmd.exe with it; a job that forbids that gets the
// cmd.exe as it is.
func startRemover(paths []string) error {
	dir := TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "onboard-remove-*.bat")
	if err != nil {
		return fmt.Errorf("failed to write the script that deletes %v after exit: %w", paths, err)
	}
	_, err = f.WriteString(Script(len(paths), Tries))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("failed to write %s: %w", f.Name(), err)
	}
	comspec := filepath.Join(os.Getenv("SystemRoot"), "System32", "cmd.exe")
	if _, err := os.Stat(comspec); err != nil {
		comspec = "cmd.exe"
	}
	for _, flags := range []uint32{createBreakawayFromJob, 0} {
		cmd := exec.Command(comspec)
		// /s: the rest, less its outer quotes, is the command; the script is
		// named relative to the working folder, so no path is parsed here.
		cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow | createNewProcessGroup | flags,
			CmdLine: `cmd.exe /d /s /c ""` + filepath.Base(f.Name()) + `""`}
		cmd.Dir = dir
		cmd.Env = Env(os.Environ(), paths)
		if err = cmd.Start(); err == nil {
			cmd.Process.Release()
			return nil
		}
	}
	os.Remove(f.Name())
	return fmt.Errorf("failed to start cmd.exe to delete %v after exit: %w", paths, err)
}

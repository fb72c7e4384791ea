//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachParentConsole gives a GUI-subsystem onboard.exe (linked with
// -H windowsgui, so a double-click opens no console window) the console
// of the cmd.exe or PowerShell that started it, so that
// `onboard.exe install --silent ...` prints there. It does so only when
// there are arguments (a double-click has none) and only for the standard
// streams that are not already valid: output redirected to a file or a
// pipe (SCCM, Intune, `> log.txt`) is kept. The exit code needs nothing:
// it reaches `start /wait` and `Start-Process -Wait -PassThru` either way.
// In the nogui (console) build the streams are valid and nothing changes.
func attachParentConsole(args []string) {
	in, out, errs := validStd(windows.STD_INPUT_HANDLE), validStd(windows.STD_OUTPUT_HANDLE), validStd(windows.STD_ERROR_HANDLE)
	if !needParentConsole(args, in, out, errs) {
		return
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	if r, _, _ := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole").Call(attachParentProcess); r == 0 {
		return // started from Explorer or a service: no console to attach to
	}
	if !out {
		if f := openConsole("CONOUT$", windows.STD_OUTPUT_HANDLE); f != nil {
			os.Stdout = f
		}
	}
	if !errs {
		if f := openConsole("CONOUT$", windows.STD_ERROR_HANDLE); f != nil {
			os.Stderr = f
		}
	}
	if !in {
		if f := openConsole("CONIN$", windows.STD_INPUT_HANDLE); f != nil {
			os.Stdin = f
		}
	}
}

// validStd tells whether a standard handle refers to something (a console,
// a file, a pipe); a GUI program started from a console has none.
func validStd(which uint32) bool {
	h, err := windows.GetStdHandle(which)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// openConsole opens the attached console's input or output and makes it
// the process's standard handle too (for child processes).
func openConsole(name string, which uint32) *os.File {
	p, _ := windows.UTF16PtrFromString(name)
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil
	}
	windows.SetStdHandle(which, h)
	return os.NewFile(uintptr(h), name)
}

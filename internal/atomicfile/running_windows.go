package atomicfile

import (
	"errors"

	"golang.org/x/sys/windows"
)

// processRunning tells whether a process pid runs: one that cannot be
// opened for lack of rights runs; one that has exited, or no such
// process, does not.
func processRunning(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, windows.ERROR_ACCESS_DENIED)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if windows.GetExitCodeProcess(h, &code) != nil {
		return true
	}
	return code == 259 // STILL_ACTIVE
}

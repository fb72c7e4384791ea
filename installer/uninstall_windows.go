//go:build windows

package installer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"onboard/internal/rmtree"
)

// canRemoveRunningExe is false on Windows: a running program's file cannot
// be deleted, only renamed.
const canRemoveRunningExe = false

// removeSelfLater deletes everything of the prefix that it can now, then
// starts a hidden cmd.exe, outside the prefix, that retries removing the
// prefix for up to a minute once this program (the maintenance app inside
// it) has exited, and then deletes its own script.
func removeSelfLater(abs, exe string, logf Logf) error {
	ents, err := os.ReadDir(abs)
	if err != nil {
		return fmt.Errorf("failed to list %q: %w", abs, err)
	}
	for _, e := range ents {
		p := filepath.Join(abs, e.Name())
		if !isInside(exe, p) {
			rmtree.RemoveAll(p) // what fails now is retried by the script
		}
	}
	script := fmt.Sprintf("@echo off\r\nfor /l %%%%i in (1,1,60) do (\r\n"+
		"  rmdir /s /q \"%[1]s\" 2>nul\r\n  if not exist \"%[1]s\" goto done\r\n"+
		"  ping -n 2 127.0.0.1 >nul\r\n)\r\n:done\r\n(goto) 2>nul & del \"%%~f0\"\r\n",
		strings.ReplaceAll(abs, "%", "%%"))
	f, err := os.CreateTemp("", "onboard-uninstall-*.bat")
	if err != nil {
		return fmt.Errorf("failed to schedule the removal of %q: %w; delete the folder yourself", abs, err)
	}
	f.WriteString(script)
	f.Close()
	cmd := exec.Command(os.Getenv("ComSpec"), "/d", "/c", f.Name())
	if cmd.Path == "" {
		cmd = exec.Command("cmd.exe", "/d", "/c", f.Name())
	}
	cmd.Dir = os.TempDir()
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: 0x08000000 | 0x00000200} // CREATE_NO_WINDOW | CREATE_NEW_PROCESS_GROUP
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("failed to schedule the removal of %q: %w; delete the folder yourself", abs, err)
	}
	cmd.Process.Release()
	logf("uninstall: %q will be removed as soon as this program exits", abs)
	return nil
}

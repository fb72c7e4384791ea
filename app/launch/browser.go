package launch

import (
	"os/exec"
	"runtime"
)

// OpenBrowser opens url in the default browser: xdg-open, open, or
// rundll32 url.dll,FileProtocolHandler. Tests replace it.
var OpenBrowser = func(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

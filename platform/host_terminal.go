package platform

import (
	"os"
	"os/exec"
	"runtime"

	"onboard/internal/atomicfile"
)

// OpenTerminal opens a terminal window with the env of r activated (r.OS
// is ignored: this machine's is used). It writes the start-up script into
// r.StateDir and starts the terminal without waiting for it.
func OpenTerminal(r TerminalRequest) error {
	r.OS = runtime.GOOS
	plan, err := PlanTerminal(r, HostEnv(), exec.LookPath)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(plan.Script, plan.ScriptBody, plan.ScriptMode); err != nil {
		return err
	}
	cmd := exec.Command(plan.Argv[0], plan.Argv[1:]...)
	cmd.Env = os.Environ()
	newConsole(cmd, plan.NewConsole)
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}

package platform

import (
	"context"
	"io"
	"os"
	"os/exec"
	"runtime"
	"time"
)

// HostTarget returns the target this program runs on, as GOOS and GOARCH
// of the binary (not the detected native architecture; see [Detect]).
func HostTarget() Target { return Target{OS: runtime.GOOS, Arch: runtime.GOARCH} }

// HostEnv returns an [Env] that reads the real machine.
func HostEnv() Env {
	home, _ := os.UserHomeDir()
	missing := ""
	if fi, err := os.Stat(home); home != "" && (err != nil || !fi.IsDir()) {
		// a HOME that is not there (/nonexistent, a system account's) is
		// no home: onboard makes no home folder
		home, missing = "", home
	}
	return Env{
		Home:        home,
		HomeMissing: missing,
		Getenv:      os.Getenv,
		Exists:      func(p string) bool { _, err := os.Lstat(p); return err == nil },
		Known:       hostKnownFolder,
	}
}

// run runs a program and returns its standard output, or "" when it cannot
// be run, fails or takes longer than a few seconds.
func run(name string, args ...string) string {
	out, _ := runCombined(false, name, args...)
	return out
}

// runCombined runs a program and returns its output (with standard error
// when both is true) and whether it exited with status 0.
// hostHasCommand tells whether the program name is on PATH.
func hostHasCommand(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

func runCombined(both bool, name string, args ...string) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var out []byte
	var err error
	if both {
		out, err = cmd.CombinedOutput()
	} else {
		out, err = cmd.Output()
		if err != nil {
			return "", false
		}
	}
	return string(out), err == nil
}

// readHead returns the first n bytes of a file (following symlinks), or
// nil when it cannot be read.
func readHead(path string, n int) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, n)
	k, _ := io.ReadFull(f, b)
	return b[:k]
}

package uninstall

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"time"

	"onboard/installer/engine"
	"onboard/installer/state"
	"onboard/platform"
)

// stopJupyter stops the Jupyter servers that `onboard launch` started from
// this install: this user's (recorded in the user's state folder, see
// platform.UserStateDirs) and any recorded in PREFIX/.onboard by an older
// onboard, so that nothing keeps running from a deleted folder. Other
// users' servers are theirs: their records are private. A record whose port
// no longer answers is left alone: the server is gone and its pid may
// belong to another program by now.
func stopJupyter(prefixDir string, logf, warnf engine.Logf) {
	dirs := []string{state.LegacyServerDir(prefixDir)}
	if us, err := platform.HostUserState(prefixDir); err == nil {
		dirs = append(dirs, us.Dir)
	}
	for _, f := range state.ServerRecords(dirs...) {
		stopped, err := StopJupyterRecord(f)
		if err != nil {
			warnf("uninstall: %v; stop it yourself", err)
		} else if stopped != "" {
			logf("uninstall: stopped Jupyter (%s)", stopped)
		}
	}
}

// StopJupyterRecord stops the Jupyter server that the record at path
// (jupyter-<env>.json, written by `onboard launch`) names, with its
// kernels, and removes the record. It returns what it stopped ("pid N,
// port P"), or "" when that server no longer answers (then its pid is left
// alone: it may belong to another program by now).
func StopJupyterRecord(path string) (string, error) {
	s, err := state.ReadServer(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil && !errors.Is(err, state.ErrDamagedServer) {
		return "", err
	}
	if err != nil || !portAnswers(s.Port) {
		os.Remove(path)
		return "", nil
	}
	what := fmt.Sprintf("pid %d, port %d", s.PID, s.Port)
	if why := notALeader(s.PID); why != "" {
		os.Remove(path)
		return "", fmt.Errorf("the record %s names %s, which is not a Jupyter server onboard started (%s); the record was removed, nothing was signalled", path, what, why)
	}
	if err := stopProcessTree(s.PID, func() bool { return !portAnswers(s.Port) }); err != nil {
		return "", fmt.Errorf("failed to stop Jupyter (%s): %w", what, err)
	}
	os.Remove(path)
	return what, nil
}

// StopStarted stops a server `onboard launch` has just started (pid, the
// leader of its own session) and then given up on, with its kernels:
// exited closes when it has ended.
func StopStarted(pid int, exited <-chan struct{}) error {
	return stopProcessTree(pid, func() bool {
		select {
		case <-exited:
			return true
		default:
			return false
		}
	})
}

// portAnswers tells whether something listens on 127.0.0.1:port.
func portAnswers(port int) bool {
	if port <= 0 {
		return false
	}
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// waitUntil polls done for up to d.
func waitUntil(d time.Duration, done func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if done() {
			return true
		}
	}
	return done()
}

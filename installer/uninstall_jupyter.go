package installer

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// stopJupyter stops the Jupyter servers that `onboard launch` started from
// this install (recorded in .onboard/jupyter-<env>.json) so that nothing
// keeps running from a deleted folder. A record whose port no longer
// answers is left alone: the server is gone and its pid may belong to
// another program by now.
func stopJupyter(prefixDir string, logf Logf) {
	files, _ := filepath.Glob(filepath.Join(prefixDir, stateRel, "jupyter-*.json"))
	for _, f := range files {
		var s struct {
			PID  int `json:"pid"`
			Port int `json:"port"`
		}
		b, err := os.ReadFile(f)
		if err != nil || json.Unmarshal(b, &s) != nil || s.PID <= 0 || !portAnswers(s.Port) {
			continue
		}
		if err := stopProcessTree(s.PID, func() bool { return !portAnswers(s.Port) }); err != nil {
			logf("uninstall: failed to stop Jupyter (pid %d, port %d): %v; stop it yourself", s.PID, s.Port, err)
			continue
		}
		logf("uninstall: stopped Jupyter (pid %d, port %d)", s.PID, s.Port)
	}
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
